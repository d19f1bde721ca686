"""`kindred serve` runs the production server as an operator would start it: static files, access
log, readiness, a graceful restart that drops no request, and a clean stop."""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kindred.core.serving import gunicorn_argv, workers_default

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def children_of(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def wait_until(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def production_env(var: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG", "TASKS_BACKEND"}}
    env.update(
        DEBUG="false",
        SECRET_KEY="kindred-serve-test-only-not-secret",
        KINDRED_VAR_DIR=str(var),
        STATIC_ROOT=str(var / "static"),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        DJANGO_SETTINGS_MODULE="kindred.settings",
    )
    return env


@pytest.fixture(scope="module")
def server(tmp_path_factory, migrated_sqlite):
    var = tmp_path_factory.mktemp("serve")
    env = production_env(var)
    migrated_sqlite(var)  # what `kindred migrate` makes (conftest.py: migrated once per run)
    port = free_port()
    log = (var / "server.log").open("w")
    process = subprocess.Popen(
        [BIN / "kindred", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"

    def answers():
        if process.poll() is not None:
            raise AssertionError((var / "server.log").read_text()[-3000:])
        try:
            return get(base + "/ready/")[0] == 200
        except OSError:
            return False

    try:
        wait_until(answers, 120, "kindred serve to answer /ready/")
        yield {"base": base, "process": process, "log": var / "server.log", "static": var / "static"}
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(60)
        log.close()


@pytest.mark.slow
def test_serve_answers_pages_and_readiness_and_logs_each_request(server):
    status, _, page = get(server["base"] + "/")
    assert status == 200 and b"<html" in page
    status, _, body = get(server["base"] + "/ready/")
    assert status == 200 and json.loads(body)["status"] == "ok"
    log = wait_until(lambda: 'GET / HTTP/1.1" 200' in server["log"].read_text(), 10, "the access log")
    assert log


@pytest.mark.slow
def test_serve_collects_and_serves_static_files_compressed_and_cached_for_a_year(server):
    manifest = json.loads((server["static"] / "staticfiles.json").read_text())["paths"]
    name = next(hashed for original, hashed in manifest.items() if original.endswith(".css"))
    request = urllib.request.Request(server["base"] + "/static/" + name, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
        assert response.headers["Content-Encoding"] == "gzip"
        assert "max-age=315360000" in response.headers["Cache-Control"]


@pytest.mark.slow
def test_a_hup_restarts_every_worker_without_dropping_a_request(server):
    master = server["process"].pid
    before = wait_until(
        lambda: children_of(master) if len(children_of(master)) == 2 else None, 30, "2 workers"
    )
    failures, answered, stop = [], [], threading.Event()

    def visitor():
        while not stop.is_set():
            try:
                status = get(server["base"] + "/health/")[0]
            except OSError as error:
                status = repr(error)
            (answered if status == 200 else failures).append(status)

    threads = [threading.Thread(target=visitor) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.5)
        os.kill(master, signal.SIGHUP)
        wait_until(lambda: not children_of(master) & before, 90, "the old workers to finish")
        after = wait_until(
            lambda: children_of(master) if len(children_of(master)) == 2 else None, 90, "2 new"
        )
        time.sleep(0.5)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert not after & before, "every worker was replaced"
    assert failures == [] and len(answered) > 10
    assert server["process"].poll() is None, "the master kept running"


@pytest.mark.slow
def test_term_stops_the_server_cleanly(server):
    # Last in the module: the fixture's server is stopped here.
    process = server["process"]
    process.send_signal(signal.SIGTERM)
    assert process.wait(60) == 0
    with pytest.raises(OSError):
        get(server["base"] + "/health/")


def test_serve_refuses_a_bind_without_a_port_and_zero_workers():
    with pytest.raises(CommandError, match="HOST:PORT"):
        call_command("serve", bind="localhost", no_collectstatic=True)
    with pytest.raises(CommandError, match="at least 1"):
        call_command("serve", workers=0, no_collectstatic=True)


def test_workers_come_from_the_cores_and_the_server_logs_every_request():
    assert workers_default() == 2 * len(os.sched_getaffinity(0)) + 1
    argv = gunicorn_argv(bind="0.0.0.0:8000", workers=3, python=Path("/usr/bin/python3"))
    assert argv[argv.index("--workers") + 1] == "3"
    assert argv[argv.index("--access-logfile") + 1] == "-"
