"""The release: every app of the project is in the wheel (scripts/check-wheel builds and runs
it in CI; this catches a new app missing from pyproject.toml in the quick test run)."""

import tomllib
from fnmatch import fnmatch
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def _project_apps() -> list[str]:
    return [
        app.name
        for app in apps.get_app_configs()
        if Path(app.path).resolve().parent == ROOT and app.name != "tests"
    ]


def test_every_project_app_is_packaged():
    find = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    include = find["find"]["include"]
    ours = _project_apps()
    assert {"core", "estates", "maintenance", "portal"} <= set(ours)
    for name in [*ours, "config"]:
        assert any(fnmatch(name, pattern) for pattern in include), name
        assert any(fnmatch(f"{name}.migrations", pattern) for pattern in include), name


def test_the_checkout_reads_its_own_site_folders():
    """In a checkout, templates/static/locale come from the repository root; the wheel carries
    them in config/site_files (setup.py), which must never exist in the checkout."""
    assert not (ROOT / "config" / "site_files").exists()
    assert Path(settings.BASE_DIR) == ROOT
    assert Path(settings.LOCALE_PATHS[0]) == ROOT / "locale"


# Declared dependencies that no module imports by name: what uses them instead.
USED_WITHOUT_IMPORT = {
    "psycopg": "Django's PostgreSQL backend",
    "kombu": "the filesystem broker transport named in settings",
    "redis": "Django's RedisCache",
    "gunicorn": "the Procfile's web process",
}


def test_every_declared_dependency_is_used():
    """A dependency nothing uses is removed (python-dateutil was), not carried along."""
    import importlib.metadata
    import re

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    modules_of = {}
    for module, dists in importlib.metadata.packages_distributions().items():
        for dist in dists:
            modules_of.setdefault(dist.lower().replace("_", "-"), set()).add(module)
    source = "\n".join(
        path.read_text()
        for package in ["config", *_project_apps()]
        for path in (ROOT / package).rglob("*.py")
    )
    for requirement in project["dependencies"]:
        dist = re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower()
        if dist in USED_WITHOUT_IMPORT:
            continue
        modules = modules_of.get(dist, set())
        assert modules, f"{dist} is not installed"
        assert any(
            re.search(rf"^\s*(from|import) {re.escape(m)}\b|\"{re.escape(m)}[\".]", source, re.M)
            for m in modules
        ), f"{dist} is declared but no module uses it"
