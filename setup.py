"""Build step that pyproject.toml cannot express: ship the checkout's templates/, static/ and
locale/ (folders at the repository root, shared by every app) inside the wheel, as
config/site_files/, with the translations compiled. config/settings.py looks there first.

Everything else about the package is declared in pyproject.toml.
"""

import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SITE_FOLDERS = ("templates", "static", "locale")


def _compile_catalogue(po: Path, mo: Path) -> None:
    """msgfmt (GNU gettext) when present; else a .mo compiled beforehand in the checkout."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt:
        subprocess.run([msgfmt, "--check-format", "-o", str(mo), str(po)], check=True)
    elif po.with_suffix(".mo").is_file():
        shutil.copy2(po.with_suffix(".mo"), mo)
    else:
        raise SystemExit(f"cannot compile {po}: install gettext (msgfmt) or compile it first")


class BuildPyWithSiteFiles(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the folders from the checkout itself
        target = Path(self.build_lib) / "config" / "site_files"
        for name in SITE_FOLDERS:
            source = ROOT / name
            for path in sorted(source.rglob("*")):
                if not path.is_file() or "__pycache__" in path.parts or path.suffix == ".mo":
                    continue
                dest = target / path.relative_to(ROOT)
                dest.parent.mkdir(parents=True, exist_ok=True)
                if path.suffix == ".po":
                    _compile_catalogue(path, dest.with_suffix(".mo"))
                else:
                    shutil.copy2(path, dest)


setup(cmdclass={"build_py": BuildPyWithSiteFiles})
