#!/usr/bin/env python3
"""The README's two set-up commands, needing nothing but Python and pip:

    python3 run.py demo   # install Kindred in .venv, build the demo on SQLite, serve http://127.0.0.1:8000
    python3 run.py test   # install what the tests need in .venv and run the whole suite

`python3 run.py test -k families -x` passes what follows to pytest; DATABASE_URL picks PostgreSQL.
Standard library only: this runs before anything is installed.
"""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
# Tests run with DEBUG off, as in production; this key is for tests only.
TEST_ENV = {"DEBUG": "false", "SECRET_KEY": "kindred-tests-only-not-secret"}


def run(*command: str | Path, env: dict[str, str] | None = None) -> None:
    result = subprocess.run([str(c) for c in command], cwd=ROOT, env={**os.environ, **(env or {})})
    if result.returncode:
        sys.exit(result.returncode)


def install(extra: str = "") -> None:
    """Create .venv and install the project into it, again only when pyproject.toml changed."""
    if not (BIN / "python").exists():
        try:
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        except subprocess.CalledProcessError:
            sys.exit(
                "Could not create .venv: install Python's venv module (Debian: apt-get install python3-venv)."
            )
        run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    stamp = VENV / f".installed{extra}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    target = f".[{extra}]" if extra else "."
    run(BIN / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", target)
    stamp.write_text(digest)


def compile_catalogues() -> None:
    """Compile the translation catalogues (.po -> .mo; the .mo files are not committed)."""
    if shutil.which("bash"):
        run("bash", ROOT / ".ci" / "ensure-gettext")
    if shutil.which("msgfmt"):
        run(BIN / "kindred", "compilemessages", "--ignore", ".venv", env={"DEBUG": "true"})
    else:
        print("msgfmt not found: Kindred runs in English only (install gettext).", file=sys.stderr)


def demo(args: list[str]) -> None:
    install()
    compile_catalogues()
    run(BIN / "kindred", "demo", *args, env={"DEBUG": "true", "KINDRED_VAR_DIR": str(ROOT / "var" / "demo")})


def test(args: list[str]) -> None:
    install("test")
    if shutil.which("bash"):
        run("bash", ROOT / ".ci" / "ensure-chromium")
    compile_catalogues()
    run(BIN / "pytest", *args, env=TEST_ENV)


def main() -> None:
    commands = {"demo": demo, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
