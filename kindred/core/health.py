"""`/health/` (liveness) and `/ready/` (readiness) for load balancers, containers and systemd.

`/health/` says only that the process answers: it touches nothing else, so a database outage does
not make an orchestrator kill healthy web processes. `/ready/` checks what a request needs: the
database answers, every migration is applied, the job queue answers (Redis when TASKS_BACKEND=redis;
the database queue is the database), and the uploads folder is writable with at least
READY_MIN_FREE_DISK_MB free. Both answer JSON with no secrets: a failed check names the kind of
error (its class), never its message, which could carry a host name or a user name.

`HealthCheckMiddleware` answers both paths first in the middleware stack: a probe from inside a
container or from the proxy calls by IP address (not a name in ALLOWED_HOSTS) and over plain
HTTP (no HTTPS redirect), and needs no session, language or CSRF cookie.
"""

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse

Check = dict[str, object]

# Set once every migration is found applied: migrations are not unapplied under a running
# process, and building the migration graph costs tens of milliseconds per probe.
_migrations_applied = False


def database_check() -> Check:
    start = time.perf_counter()
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "ms": round((time.perf_counter() - start) * 1000, 1)}


def migrations_check() -> Check:
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if unapplied:
            return {"ok": False, "unapplied": len(unapplied)}
        _migrations_applied = True
    return {"ok": True}


def queue_check() -> Check:
    """The job queue: Redis answers a PING when TASKS_BACKEND=redis; otherwise it is the database."""
    if settings.TASKS_BACKEND != "redis":
        return {"ok": True, "backend": settings.TASKS_BACKEND}
    # Not imported at the top: redis is the `redis` extra, installed only where TASKS_BACKEND=redis
    # (settings refuses that value without it), and a production install has no redis otherwise.
    import redis

    start = time.perf_counter()
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()
    return {"ok": True, "backend": "redis", "ms": round((time.perf_counter() - start) * 1000, 1)}


def disk_check() -> Check:
    """The uploads folder (MEDIA_ROOT) exists or can be made, is writable, and has room left."""
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    free_mb = shutil.disk_usage(media).free // (1024 * 1024)
    writable = os.access(media, os.W_OK)
    return {
        "ok": writable and free_mb >= settings.READY_MIN_FREE_DISK_MB,
        "free_mb": free_mb,
        "min_free_mb": settings.READY_MIN_FREE_DISK_MB,
        "writable": writable,
    }


CHECKS: dict[str, Callable[[], Check]] = {
    "database": database_check,
    "migrations": migrations_check,
    "queue": queue_check,
    "disk": disk_check,
}


def readiness() -> tuple[bool, dict[str, Check]]:
    """Every check's result; a check that raises is a failure named by its exception's class."""
    results: dict[str, Check] = {}
    for name, check in CHECKS.items():
        if name == "migrations" and not results["database"]["ok"]:
            results[name] = {"ok": False, "error": "database unavailable"}
            continue
        try:
            results[name] = check()
        except Exception as error:
            results[name] = {"ok": False, "error": type(error).__name__}
    return all(result["ok"] for result in results.values()), results


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def health(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Nothing else is touched."""
    return _no_store(JsonResponse({"status": "ok"}))


def ready(request: HttpRequest) -> HttpResponse:
    """Readiness: 200 when every check passes, 503 (with each check's result) when one fails."""
    ok, results = readiness()
    body = {"status": "ok" if ok else "unavailable", "checks": results}
    return _no_store(JsonResponse(body, status=200 if ok else 503))


PROBES = {"/health/": health, "/ready/": ready}


class HealthCheckMiddleware:
    """Answers GET/HEAD `/health/` and `/ready/` before host validation and the HTTPS redirect."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is not None and request.method in {"GET", "HEAD"}:
            return probe(request)
        return self.get_response(request)
