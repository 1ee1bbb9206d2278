"""`python -m bench NAME [ARGS...]`: set up Django, then run bench/NAME.py's main(ARGS).

Each benchmark prints its result as ONE JSON object on the last line of its output.
Without DATABASE_URL the benchmarks use var/bench.sqlite3, never the development database.
"""

import importlib
import os
import pkgutil
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def available() -> list[str]:
    here = Path(__file__).resolve().parent
    return sorted(m.name for m in pkgutil.iter_modules([str(here)]) if not m.name.startswith("_"))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    names = available()
    if not argv or argv[0] not in names:
        print(
            f"usage: python -m bench NAME [ARGS...]   (NAME: {', '.join(names)})", file=sys.stderr
        )
        return 2
    var_dir = Path(os.environ.get("ANJU_VAR_DIR", BASE_DIR / "var"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{var_dir / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Measure what production runs, whatever the shell exports for development (DEBUG=1 for
    # runserver would mean template debug info, a query log and WhiteNoise looking for files
    # on every request); the in-process client speaks plain HTTP, so the HTTPS-only switches
    # stay off.
    if os.environ.get("DEBUG", "0").strip().lower() not in {"0", "false", "no", "off", ""}:
        print("bench: ignoring DEBUG from the environment: measuring with DEBUG=0", file=sys.stderr)
    for name, value in {
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
    }.items():
        os.environ[name] = value
    sys.path.insert(0, str(BASE_DIR))

    import django

    from bench import environment

    environment.START_LOAD = os.getloadavg()[0]
    django.setup()
    module = importlib.import_module(f"bench.{argv[0]}")
    return module.main(argv[1:]) or 0


if __name__ == "__main__":
    sys.exit(main())
