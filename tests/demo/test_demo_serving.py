"""The demo as a newcomer meets it: the port asked for (a taken one refused before minutes of building),
log-ins printed last, e-mails in a file the demo names with links to the address served, replies
to those e-mails taken by its SMTP server and posted, and stopping the demo stopping its server,
worker and mail-in server."""

import contextlib
import os
import re
import signal
import smtplib
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from email import message_from_string
from email.utils import parseaddr
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def newcomer_env(var: Path) -> dict[str, str]:
    """As a new installer runs it: no DEBUG, no SECRET_KEY, no DATABASE_URL, no e-mail settings."""
    drop = {"DATABASE_URL", "SECRET_KEY", "DEBUG", "SITE_URL", "EMAIL_BACKEND", "EMAIL_FILE", "TASKS_BACKEND"}
    return {**{k: v for k, v in os.environ.items() if k not in drop}, "KINDRED_VAR_DIR": str(var)}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


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
        if value := condition():
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_taken_mail_port_is_refused_at_once_naming_its_option(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "kindred.cli",
                "demo",
                "--port",
                str(free_port()),
                "--mail-port",
                str(port),
            ],
            env=newcomer_env(tmp_path),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 1
    assert f"Port {port} on 127.0.0.1 is taken" in result.stderr
    assert "python3 run.py demo --mail-port" in result.stderr
    assert not (tmp_path / "kindred.sqlite3").exists()


def test_a_taken_port_is_refused_at_once_naming_the_option_and_nothing_is_built(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "kindred.cli", "demo", "--port", str(port)],
            env=newcomer_env(tmp_path),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 1
    assert f"Port {port} on 127.0.0.1 is taken" in result.stderr
    assert "python3 run.py demo --port" in result.stderr
    assert time.monotonic() - started < 60  # refused before building anything
    assert not (tmp_path / "kindred.sqlite3").exists()


@pytest.mark.slow
def test_the_demo_serves_the_port_asked_prints_logins_last_and_stops_with_its_worker(tmp_path):
    port, mail_port = free_port(), free_port()
    demo = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kindred.cli",
            "demo",
            "--schools",
            "150",
            "--port",
            str(port),
            "--mail-port",
            str(mail_port),
        ],
        env=newcomer_env(tmp_path),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(demo.stdout.readline, "")), daemon=True)
    reader.start()
    try:
        wait_until(lambda: any("teacher@demo.kindred.example" in line for line in lines), 900, "the log-ins")
        assert f"Kindred demo: http://127.0.0.1:{port}/\n" in lines
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60) as response:
            assert response.status == 200
        # The worker sends the demo's e-mails (the board's outbox) into the file the demo named,
        # with links to the port served; none of it, nor the server's request log, reaches the console.
        emails = tmp_path / "emails.txt"
        assert f"E-mails the site sends: {emails}\n" in lines
        wait_until(lambda: emails.exists() and "Subject:" in emails.read_text(), 300, "the demo's e-mails")
        time.sleep(3)
        links = set(re.findall(r"https?://[^/\s\"]+", emails.read_text()))
        assert links == {f"http://127.0.0.1:{port}"}
        # The log-ins come last: after their heading, only accounts (the teacher's among them).
        heading = max(i for i, line in enumerate(lines) if line.startswith("Demo log-ins"))
        logins = [line.strip() for line in lines[heading + 1 :]]
        assert logins and all(line.endswith("@demo.kindred.example") for line in logins), logins
        assert any(line.startswith("teacher") and "teacher@demo.kindred.example" in line for line in logins)
        assert not any("Task id=" in line or "GET /" in line for line in lines)
        assert "state=SUCCESSFUL" in (tmp_path / "worker.log").read_text()
        assert '"GET / HTTP/1.1" 200' in (tmp_path / "server.log").read_text()

        # Replies by e-mail: a reply to an e-mail the demo wrote, sent over SMTP to the port it
        # printed from the address that e-mail went to, is posted in its thread, as typed.
        assert any(f"over SMTP to 127.0.0.1:{mail_port}" in line for line in lines)
        sent = [message_from_string(m) for m in emails.read_text().split("\n" + "-" * 79 + "\n")]
        to_reply = next(m for m in sent if "@reply.demo.kindred.example" in str(m["Reply-To"]))
        person = parseaddr(str(to_reply["To"]))[1]
        with smtplib.SMTP("127.0.0.1", mail_port, timeout=60) as client:
            client.sendmail(
                person,
                [str(to_reply["Reply-To"])],
                f"From: {person}\nTo: {to_reply['Reply-To']}\nSubject: Re\n\nReplied by e-mail.\nJane",
            )
        with contextlib.closing(sqlite3.connect(tmp_path / "kindred.sqlite3")) as database:
            assert database.execute(
                "SELECT COUNT(*) FROM board_post WHERE body = ?", ["Replied by e-mail.  \nJane"]
            ).fetchone() == (1,)
        # ... and so is the example it printed, run as printed.
        example = lines[next(i for i, line in enumerate(lines) if "over SMTP to" in line) + 1].strip()
        assert example.startswith("python3 -c ")
        subprocess.run(example.replace("python3", sys.executable, 1), shell=True, check=True, timeout=60)
        with contextlib.closing(sqlite3.connect(tmp_path / "kindred.sqlite3")) as database:
            assert database.execute(
                "SELECT COUNT(*) FROM board_post WHERE body LIKE 'Thank you, see you on Tuesday.  %'"
            ).fetchone() == (1,)

        processes = children_of(demo.pid)
        assert len(processes) == 3  # the server, the worker and mail-in, and nothing they started themselves
        processes |= {grandchild for child in processes for grandchild in children_of(child)}
        demo.send_signal(signal.SIGTERM)
        assert demo.wait(timeout=60) == 0
        wait_until(lambda: not any(alive(pid) for pid in processes), 30, "the demo's children to stop")
        reader.join(timeout=10)
        assert "Stopping the demo, its worker and its mail-in server" in lines[-1]
    finally:
        with contextlib.suppress(ProcessLookupError):  # whatever of its group is left
            os.killpg(demo.pid, signal.SIGKILL)


def test_the_worker_stops_when_the_demo_is_killed_outright(tmp_path, migrated_sqlite):
    """Even a KILL, which the demo cannot catch, takes its worker down (Linux's parent-death signal)."""
    env = newcomer_env(tmp_path)
    env["DEBUG"] = "true"
    migrated_sqlite(tmp_path)  # what `kindred migrate` makes (conftest.py: migrated once per run)
    log = tmp_path / "worker.log"
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import django, sys, time; django.setup(); "
            "from kindred.demo.management.commands.demo import child_start; "
            f"worker = child_start(['worker'], open({str(log)!r}, 'w')); print(worker.pid, flush=True); time.sleep(600)",
        ],
        env={**env, "DJANGO_SETTINGS_MODULE": "kindred.settings"},
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        worker = int(parent.stdout.readline())
        wait_until(lambda: "Starting worker" in log.read_text(), 120, "the worker to start")
        parent.kill()
        parent.wait()
        wait_until(lambda: not alive(worker), 30, "the worker to stop")
    finally:
        with contextlib.suppress(ProcessLookupError):  # whatever of its group is left
            os.killpg(parent.pid, signal.SIGKILL)
