"""How `kindred serve` starts gunicorn: the command line, and the number of workers from the cores."""

import os
from pathlib import Path

# Each request line with its status, size, referrer, browser and the time taken in milliseconds.
ACCESS_LOG_FORMAT = '%(h)s "%(r)s" %(s)s %(B)s "%(f)s" "%(a)s" %(M)sms'


def workers_default() -> int:
    """2 x the cores this process may use + 1: gunicorn's rule for workers that wait on a database."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return 2 * cores + 1


def gunicorn_argv(*, bind: str, workers: int, python: Path) -> list[str]:
    """The gunicorn master's command line: synchronous workers, access log on standard output."""
    argv = [
        str(python),
        "-m",
        "gunicorn",
        "kindred.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        # A request taking longer than this is stuck: the worker is replaced (long work is a job).
        "--timeout",
        "60",
        # TERM and HUP let requests in flight finish for this long.
        "--graceful-timeout",
        "30",
        # A worker is replaced after about this many requests, so slow leaks never build up.
        "--max-requests",
        "5000",
        "--max-requests-jitter",
        "500",
        "--access-logfile",
        "-",
        "--access-logformat",
        ACCESS_LOG_FORMAT,
        "--error-logfile",
        "-",
        "--name",
        "kindred",
    ]
    if Path("/dev/shm").is_dir():
        # Workers' heartbeat files in memory: a container's disk can stall them.
        argv += ["--worker-tmp-dir", "/dev/shm"]
    return argv
