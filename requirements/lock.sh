#!/usr/bin/env bash
# Writes the lock files from pyproject.toml: every package of each kind of install, pinned, with the
# hashes of every file PyPI has for it (all platforms, Python >= 3.11). Run it after changing a
# dependency in pyproject.toml, and commit what it changed:
#
#     .venv/bin/python -m uv pip ... (through this script): bash requirements/lock.sh
#     bash requirements/lock.sh --upgrade    # also move unpinned (indirect) dependencies to their newest
#
# all.txt is resolved first, with every extra; the others are resolved within it (as constraints),
# so a package has one version in every file. They are the sets run.py installs, each a superset of
# the one before: main (production) ⊂ redis ⊂ dev (run.py test, CI) ⊂ all (benchmarks, with pandas).
set -euo pipefail
cd "$(dirname "$0")/.."
uv="${UV:-.venv/bin/uv}"
common=(--quiet --universal --python-version 3.11 --generate-hashes --no-strip-extras
        --custom-compile-command "bash requirements/lock.sh")
"$uv" pip compile "${common[@]}" "$@" pyproject.toml requirements/build.in --all-extras -o requirements/all.txt
within=(-c requirements/all.txt --overrides requirements/no-pandas.txt)
"$uv" pip compile "${common[@]}" "${within[@]}" pyproject.toml requirements/build.in -o requirements/main.txt
"$uv" pip compile "${common[@]}" "${within[@]}" pyproject.toml requirements/build.in --extra redis \
  -o requirements/redis.txt
"$uv" pip compile "${common[@]}" "${within[@]}" pyproject.toml requirements/build.in --extra redis --extra dev \
  -o requirements/dev.txt
