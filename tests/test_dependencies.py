"""The lock files (requirements/*.txt) hold what pyproject.toml asks for, each install only what it needs."""

import itertools
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.markers import Marker

ROOT = Path(__file__).resolve().parent.parent
LOCKS = ("main", "redis", "dev", "all")  # each holds the one before (requirements/lock.sh)


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lock: str) -> dict[str, tuple[str, str]]:
    """Each package of a lock file: (version, marker)."""
    found = {}
    for line in (ROOT / "requirements" / f"{lock}.txt").read_text().splitlines():
        if match := re.match(
            r"^([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==([^ ;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$", line
        ):
            found[canonical(match[1])] = (match[2], (match[3] or "").strip())
    return found


def installed(lock: str) -> set[str]:
    """The packages pip installs from a lock file here (those whose marker is true on this machine)."""
    return {
        name for name, (_version, marker) in pins(lock).items() if not marker or Marker(marker).evaluate()
    }


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def direct(requirements: list[str]) -> dict[str, str]:
    return {
        canonical(re.split(r"[\[=<>; ]", r)[0]): r.split("==")[1].split(";")[0].strip() for r in requirements
    }


def test_every_pinned_dependency_is_in_the_lock_files_at_its_pinned_version():
    extras = project()["optional-dependencies"]
    wanted = {
        "main": direct(project()["dependencies"]),
        "redis": direct(extras["redis"]),
        "dev": direct(extras["dev"]),
        "all": direct(extras["bench"]),
    }
    for position, lock in enumerate(LOCKS):
        locked = pins(lock)
        for smaller in LOCKS[: position + 1]:
            for name, version in wanted[smaller].items():
                assert locked.get(name, ("missing",))[0] == version, (
                    f"requirements/{lock}.txt has {name} {locked.get(name, ('missing',))[0]}, pyproject.toml "
                    f"{version}: run bash requirements/lock.sh"
                )


def test_each_lock_file_holds_the_one_before_it_at_the_same_versions():
    for smaller, larger in itertools.pairwise(LOCKS):
        small, large = pins(smaller), pins(larger)
        assert installed(smaller) <= installed(larger), f"{smaller}.txt has packages {larger}.txt lacks"
        assert {n: small[n][0] for n in small} == {n: large[n][0] for n in small}


def test_every_locked_package_has_hashes():
    for lock in LOCKS:
        text = (ROOT / "requirements" / f"{lock}.txt").read_text()
        entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
        for entry in entries:
            if "==" in entry:
                assert "--hash=sha256:" in entry, f"{lock}.txt: {entry.splitlines()[0]} has no hash"


def test_a_production_install_has_no_pandas_no_redis_queue_and_no_test_libraries():
    production = installed("main")
    assert "ortools" in production or "scipy" in production
    assert "pandas" not in production
    assert {"django-tasks-rq", "rq", "redis", "freezegun"}.isdisjoint(production)
    assert set(direct(project()["optional-dependencies"]["dev"])).isdisjoint(production)


def test_the_tests_run_without_pandas_as_production_does():
    assert "pandas" not in installed("dev")
    assert "pandas" in installed("all"), "the benchmarks' pandas baseline"


@pytest.mark.parametrize(
    "module", ["kindred.engine.brokering", "kindred.engine.formation", "kindred.engine.flow"]
)
def test_the_min_cost_flow_engine_never_imports_pandas(module):
    # pandas made unimportable (as in a production install): the engine's flow still solves.
    code = f"""
import sys
sys.modules["pandas"] = None
import numpy as np
import {module}
from kindred.engine import flow
sent = flow.solve(3, np.array([0, 1]), np.array([1, 2]), np.array([5, 5]), np.array([1, 1]), np.array([4, 0, -4]))
assert sent.tolist() == [4, 4], sent
assert "pandas" not in {{name.split(".")[0] for name, m in sys.modules.items() if m is not None}}
print("ok")
"""
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env={**os.environ}
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "ok"


# Modules of packages a production install (requirements/main.txt) does not have.
NOT_IN_PRODUCTION = [
    *("redis", "rq", "rq_scheduler", "django_rq", "django_tasks_rq", "freezegun", "croniter"),  # redis extra
    *("pytest", "pytest_django", "xdist", "time_machine", "playwright", "polib", "mypy"),  # dev
    *("pandas", "psutil", "k_means_constrained"),  # bench
]


def test_every_kindred_module_imports_without_what_production_leaves_out(tmp_path):
    # Those packages made unimportable, every module of Kindred (but migrations) is imported.
    code = f"""
import importlib, pkgutil, sys
for name in {NOT_IN_PRODUCTION!r}:
    sys.modules[name] = None
import django
django.setup()
import kindred
names = [m.name for m in pkgutil.walk_packages(kindred.__path__, "kindred.") if ".migrations" not in m.name]
for name in names:
    importlib.import_module(name)
print(len(names))
"""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TASKS_BACKEND"}}
    env.update(DEBUG="true", KINDRED_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="kindred.settings")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert int(result.stdout) > 100
