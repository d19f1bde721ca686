#!/usr/bin/env python3
"""The README's two set-up commands, needing nothing but Python and pip:

    python3 run.py demo   # install Kindred in .venv, build the demo on SQLite, serve http://127.0.0.1:8000
                          # (--port 8123 serves another port)
    python3 run.py test   # install what the tests need in .venv and run the test suite

`python3 run.py test` runs the tests in parallel workers and leaves out those marked slow or browser;
`python3 run.py test --all` runs every test, and naming tests (`python3 run.py test tests/browser`) or
a marker expression (`-m slow`) runs what is named. Other arguments go to pytest
(`python3 run.py test -k families -x`; `-n 0` runs in one process). DATABASE_URL picks PostgreSQL.

What is installed comes from the lock files in requirements/ (every package pinned, with its hashes;
`bash requirements/lock.sh` writes them from pyproject.toml), installed with pip's --require-hashes.
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
REQUIREMENTS = ROOT / "requirements"
# The lock files, each holding every package of the one before it (requirements/lock.sh):
# production; with the Redis queue; with the tests, linters and type checker; with the benchmarks'.
LOCKS = ("main", "redis", "dev", "all")
# Where .venv records which lock file it was installed from, and which pyproject.toml Kindred itself.
LOCK_STAMP = VENV / ".installed-lock"
PROJECT_STAMP = VENV / ".installed-project"
# Tests run with DEBUG off, as in production; this key is for tests only.
TEST_ENV = {"DEBUG": "false", "SECRET_KEY": "kindred-tests-only-not-secret"}
# What `python3 run.py test` leaves out unless told otherwise.
QUICK = "not slow and not browser"


def run(*command: str | Path, env: dict[str, str] | None = None) -> None:
    result = subprocess.run([str(c) for c in command], cwd=ROOT, env={**os.environ, **(env or {})})
    if result.returncode:
        sys.exit(result.returncode)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def installed_lock() -> tuple[str, str]:
    """The lock file .venv was installed from and that file's digest then; ("", "") if unknown."""
    if LOCK_STAMP.exists():
        name, _, recorded = LOCK_STAMP.read_text().partition(" ")
        if name in LOCKS:
            return name, recorded.strip()
    return "", ""


def venv_create() -> None:
    try:
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    except subprocess.CalledProcessError:
        sys.exit(
            "Could not create .venv: install Python's venv module (Debian: apt-get install python3-venv)."
        )


def pip(*args: str | Path) -> None:
    run(BIN / "python", "-m", "pip", "--disable-pip-version-check", *args)


def install(lock: str) -> None:
    """Make .venv hold exactly the packages of requirements/<lock>.txt (or of a larger lock file),
    each checked against its hashes, and Kindred itself. Packages are installed again only when
    their lock file changed: then .venv is made anew, so nothing the lock no longer names stays."""
    have, recorded = installed_lock()
    current = bool(have) and (BIN / "python").exists() and recorded == digest(REQUIREMENTS / f"{have}.txt")
    if not current and VENV.exists():
        print(
            f"run.py: the lock files changed; making .venv anew from requirements/{lock}.txt", file=sys.stderr
        )
        shutil.rmtree(VENV)
    if not (BIN / "python").exists():
        venv_create()
    if not current or LOCKS.index(have) < LOCKS.index(lock):
        # --no-deps: the lock file is the whole set; pip checks every file against its hashes.
        pip("install", "--quiet", "--require-hashes", "--no-deps", "-r", REQUIREMENTS / f"{lock}.txt")
        LOCK_STAMP.write_text(f"{lock} {digest(REQUIREMENTS / f'{lock}.txt')}")
        PROJECT_STAMP.unlink(missing_ok=True)
    # Kindred itself, editable; its build requirement (setuptools) came from the lock file.
    if not PROJECT_STAMP.exists() or PROJECT_STAMP.read_text() != digest(ROOT / "pyproject.toml"):
        pip("install", "--quiet", "--no-deps", "--no-build-isolation", "--editable", ROOT)
        PROJECT_STAMP.write_text(digest(ROOT / "pyproject.toml"))


def compile_catalogues() -> None:
    """Compile the translation catalogues (.po -> .mo; the .mo files are not committed)."""
    if shutil.which("bash"):
        run("bash", ROOT / ".ci" / "ensure-gettext")
    if shutil.which("msgfmt"):
        run(BIN / "kindred", "compilemessages", "--ignore", ".venv", env={"DEBUG": "true"})
    else:
        print("msgfmt not found: Kindred runs in English only (install gettext).", file=sys.stderr)


def pdf_libraries() -> None:
    """Debian's Pango and DejaVu fonts, which WeasyPrint needs for reports as PDF (installed as root)."""
    if shutil.which("bash"):
        run("bash", ROOT / ".ci" / "ensure-pdf-libraries")


def demo(args: list[str]) -> None:
    """Install, then become `kindred demo` (exec, not a child process): Ctrl-C and a TERM reach the
    demo itself, which stops its server and worker."""
    install("main")
    pdf_libraries()
    compile_catalogues()
    os.chdir(ROOT)
    env = {**os.environ, "DEBUG": "true", "KINDRED_VAR_DIR": str(ROOT / "var" / "demo")}
    kindred = str(BIN / "kindred")
    os.execve(kindred, [kindred, "demo", *args], env)


def names_tests(args: list[str]) -> bool:
    """Whether pytest's arguments name tests (a file, a folder, a test id) or a marker expression."""
    return any(
        arg == "-m"
        or (arg.startswith("-m") and not arg.startswith("--"))
        or (ROOT / arg.split("::")[0]).exists()
        for arg in args
    )


def pytest_arguments(args: list[str]) -> list[str]:
    """The arguments run.py test gives pytest: parallel workers (two per core) unless told a number,
    and the slow and browser tests left out unless --all is given or tests are named."""
    everything = "--all" in args
    args = [arg for arg in args if arg != "--all"]
    chosen = []
    told = ("-n", "--numprocesses", "no:xdist")
    if not any(arg in told or arg.startswith(("-n", "--numprocesses=")) for arg in args):
        # Two workers per core: a test spends much of its time waiting on Chromium, on servers it
        # started and on the database, not computing (CI measured 33% of two cores busy with one each).
        # Idle workers take tests from busy ones' queues (worksteal), so a few long tests at the end
        # do not leave the cores waiting.
        chosen += ["-n", str(2 * (os.cpu_count() or 1)), "--dist", "worksteal"]
    if not everything and not names_tests(args):
        chosen += ["-m", QUICK]
    return chosen + args


def test(args: list[str]) -> None:
    install("dev")
    if shutil.which("bash"):
        run("bash", ROOT / ".ci" / "ensure-chromium")
    pdf_libraries()
    compile_catalogues()
    run(BIN / "pytest", *pytest_arguments(args), env=TEST_ENV)


def main() -> None:
    commands = {"demo": demo, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
