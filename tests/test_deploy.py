"""The deployment recipe (deploy/) works as written, as far as this machine allows: no container
runtime runs here, so the compose file and the systemd units are read, and each kindred command in
them is run as written (the units' paths pointed at this checkout) with the settings of
deploy/kindred.env.example, against PostgreSQL and Redis when the tests run on them."""

import configparser
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from tests.databases import scratch_database

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent
UNITS = sorted((DEPLOY / "systemd").glob("kindred-*.service"))
INSTALLED = "/srv/kindred/.venv/bin/kindred"


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path)
    return parser


def env_example() -> dict[str, str]:
    pairs = {}
    for line in (DEPLOY / "kindred.env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            pairs[key] = value
    return pairs


def test_the_compose_file_has_every_service_each_kindred_one_built_from_the_containerfile():
    services = compose()["services"]
    assert set(services) == {"db", "redis", "migrate", "web", "worker", "scheduler"}
    for name in ["migrate", "web", "worker", "scheduler"]:
        service = services[name]
        assert service["command"][0] == "kindred"
        assert (DEPLOY / service["build"]["context"] / service["build"]["dockerfile"]).resolve() == (
            DEPLOY / "Containerfile"
        )
        assert service["env_file"] == "kindred.env" and service["environment"]["TASKS_BACKEND"] == "redis"
    for name in ["web", "worker", "scheduler"]:
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    # The image's own command is the web service's.
    containerfile = (DEPLOY / "Containerfile").read_text()
    (cmd,) = re.findall(r"^CMD (.+)$", containerfile, flags=re.MULTILINE)
    assert yaml.safe_load(cmd) == services["web"]["command"]
    for source in re.findall(r"^COPY (\S+) ", containerfile, flags=re.MULTILINE):
        assert (ROOT / source).exists(), source
    assert "--require-hashes --no-deps -r requirements/redis.txt" in containerfile


def test_the_settings_example_names_only_documented_settings_and_every_secret_is_marked():
    readme = (ROOT / "README.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", readme, flags=re.MULTILINE))
    example = env_example()
    assert set(example) - documented == set()
    assert example["DEBUG"] == "false" and "CHANGE" in example["SECRET_KEY"]


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
def test_the_systemd_units_pass_systemds_own_check(tmp_path):
    for path in (DEPLOY / "systemd").iterdir():
        text = path.read_text().replace(INSTALLED, str(BIN / "kindred"))
        text = text.replace("/etc/kindred/kindred.env", str(DEPLOY / "kindred.env.example"))
        (tmp_path / path.name).write_text(text)
    result = subprocess.run(
        ["systemd-analyze", "verify", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and result.stderr.strip() == "", result.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str, **headers: str) -> int:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


@pytest.fixture
def site_database(tmp_path):
    """A new, empty database for the site the recipe runs: PostgreSQL when the tests run on it."""
    with scratch_database(tmp_path / "var" / "kindred.sqlite3", suffix="deploy") as url:
        yield url


def as_written(command: list[str]) -> list[str]:
    """A command of the recipe with the installed `kindred` pointed at this checkout's."""
    return [str(BIN / "kindred") if part in {"kindred", INSTALLED} else part for part in command]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_every_kindred_command_of_the_recipe_runs_as_written(site_database, tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}}
    env.update(env_example())
    env.update(
        SECRET_KEY="deploy-recipe-test-only-not-a-secret-" + "x" * 20,
        DATABASE_URL=site_database,
        KINDRED_VAR_DIR=str(tmp_path / "var"),
        STATIC_ROOT=str(tmp_path / "static"),
        SERVE_BIND=f"127.0.0.1:{port}",
        SERVE_WORKERS="2",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    if "REDIS_URL" in os.environ:  # this machine's Redis, as the example's
        env["REDIS_URL"] = os.environ["REDIS_URL"]
    else:
        env["TASKS_BACKEND"] = "database"
    services = compose()["services"]
    units = {path.stem: unit(path)["Service"] for path in UNITS}

    # The one-off migration, both ways (the second finds nothing to do).
    for command in [services["migrate"]["command"], shlex.split(units["kindred-web"]["ExecStartPre"])]:
        subprocess.run(as_written(command), env=env, cwd=ROOT, check=True, timeout=600)

    # The image collects the static files when it is built; the unit's `serve` does it at start.
    build = re.search(r"(\S+ collectstatic [^\\\n]+)", (DEPLOY / "Containerfile").read_text())
    assert build is not None
    subprocess.run(
        as_written(["kindred", *shlex.split(build[1])[1:]]),
        env={**env, "DEBUG": "false"},
        cwd=ROOT,
        check=True,
    )

    logs = tmp_path / "logs"
    logs.mkdir()
    processes = {}
    try:
        for name, command in [
            ("web", services["web"]["command"]),
            ("worker", services["worker"]["command"]),
            ("scheduler", shlex.split(units["kindred-scheduler"]["ExecStart"])),
        ]:
            with (logs / name).open("w") as log:
                processes[name] = subprocess.Popen(
                    as_written(command),
                    env=env,
                    cwd=ROOT,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
        deadline = time.monotonic() + 180
        while get(f"http://127.0.0.1:{port}/ready/") != 200:
            assert time.monotonic() < deadline, (logs / "web").read_text()
            assert processes["web"].poll() is None, (logs / "web").read_text()
            time.sleep(0.5)
        # Through the proxy's headers (deploy/proxy/nginx.conf) with the example's host: the page, not
        # a redirect to HTTPS again or a refused host.
        assert (
            get(f"http://127.0.0.1:{port}/", Host="kindred.example.org", **{"X-Forwarded-Proto": "https"})
            == 200
        )
        time.sleep(3)
        for name in ["worker", "scheduler"]:
            assert processes[name].poll() is None, (logs / name).read_text()
        assert "Kindred scheduler: digest 07:00" in (logs / "scheduler").read_text()

        # The units' stop signal stops each within the unit's time-out.
        for name, process in processes.items():
            process.send_signal(signal.SIGTERM)
            timeout = int(units[f"kindred-{name}"]["TimeoutStopSec"])
            assert process.wait(timeout=timeout) in (0, -signal.SIGTERM), (logs / name).read_text()
    finally:
        for process in processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)

    # The backup unit's command, its directory pointed at a temporary one.
    backups = tmp_path / "backups"
    backups.mkdir()
    line = (
        units["kindred-backup"]["ExecStart"].replace("%%", "%").replace("/var/backups/kindred", str(backups))
    )
    subprocess.run(
        as_written(shlex.split(line.replace(INSTALLED, str(BIN / "kindred")))), env=env, check=True
    )
    (archive,) = backups.iterdir()
    assert archive.name.endswith(".tar.gz")
