"""Choose the API library: django-ninja against Django REST framework with drf-spectacular; prints JSON.

    .venv/bin/pip install djangorestframework drf-spectacular   # only for this run, never in the lock
    .venv/bin/python benchmarks/bench_api_libraries.py --runs 7

One list endpoint written in each library the way Kindred's API writes it (a typed schema of a
school's fields, a `limit` query parameter, a JSON list out), serving the same 200 rows held in
memory (no database: the libraries' own cost is what differs), requested through Django's test
client in one process, interleaved (ninja, DRF, ninja, DRF ...). Also timed: building the OpenAPI
document once from a cold start, and the number of packages each library adds to an install that
already has Django and pydantic (Kindred's importer uses pydantic already).

Not part of the test suite. The result and the choice are in docs/api.md ("Why django-ninja").
"""

import argparse
import importlib.metadata
import json
import os
import statistics
import sys
import time

ROWS = [
    {
        "registry_id": f"{100000 + i}",
        "name": f"School number {i}",
        "phase": "primary" if i % 3 else "secondary",
        "region": "North",
        "local_authority": f"Authority {i % 40}",
        "pupils": 200 + i,
        "fsm_percent": round(10 + (i % 37) * 0.7, 1),
        "latitude": 51.0 + i / 1000,
        "longitude": -1.0 - i / 1000,
    }
    for i in range(200)
]


def _configure() -> None:
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench",
        ROOT_URLCONF=__name__,
        ALLOWED_HOSTS=["testserver"],
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "rest_framework",
            "drf_spectacular",
        ],
        MIDDLEWARE=[],
        DATABASES={},
        REST_FRAMEWORK={
            "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
            "DEFAULT_AUTHENTICATION_CLASSES": [],
            "DEFAULT_PERMISSION_CLASSES": [],
            "UNAUTHENTICATED_USER": None,
        },
    )
    import django

    django.setup()


def _ninja_api():
    from ninja import NinjaAPI, Schema

    class SchoolOut(Schema):
        registry_id: str
        name: str
        phase: str
        region: str
        local_authority: str
        pupils: int
        fsm_percent: float
        latitude: float
        longitude: float

    api = NinjaAPI(urls_namespace="ninja")

    @api.get("/schools", response=list[SchoolOut])
    def schools(request, limit: int = 100):
        return ROWS[:limit]

    return api


def _drf_view():
    from rest_framework import serializers
    from rest_framework.decorators import api_view
    from rest_framework.response import Response

    class SchoolSerializer(serializers.Serializer):
        registry_id = serializers.CharField()
        name = serializers.CharField()
        phase = serializers.CharField()
        region = serializers.CharField()
        local_authority = serializers.CharField()
        pupils = serializers.IntegerField()
        fsm_percent = serializers.FloatField()
        latitude = serializers.FloatField()
        longitude = serializers.FloatField()

    class Query(serializers.Serializer):
        limit = serializers.IntegerField(default=100)

    from drf_spectacular.utils import extend_schema

    @extend_schema(parameters=[Query], responses=SchoolSerializer(many=True))
    @api_view(["GET"])
    def schools(request):
        query = Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(SchoolSerializer(ROWS[: query.validated_data["limit"]], many=True).data)

    return schools


urlpatterns: list = []


def _packages_added(name: str, base: set[str]) -> list[str]:
    """The distributions `name` needs, recursively, that are not in `base`."""
    seen: set[str] = set()
    todo = [name]
    while todo:
        dist = todo.pop().lower().replace("_", "-")
        if dist in seen or dist in base:
            continue
        seen.add(dist)
        for requirement in importlib.metadata.requires(dist) or []:
            if "extra ==" in requirement:
                continue
            todo.append(
                requirement.split(";")[0]
                .split("[")[0]
                .split("<")[0]
                .split(">")[0]
                .split("=")[0]
                .split("!")[0]
                .split("~")[0]
                .strip()
            )
    return sorted(seen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--requests", type=int, default=200, help="requests per run and library")
    args = parser.parse_args()
    os.environ.pop("DJANGO_SETTINGS_MODULE", None)
    _configure()
    from django.test import Client
    from django.urls import path

    started = time.perf_counter()
    ninja_api = _ninja_api()
    urlpatterns.append(path("ninja/", ninja_api.urls))
    ninja_api.get_openapi_schema()
    ninja_schema_s = time.perf_counter() - started

    drf_view = _drf_view()
    urlpatterns.append(path("drf/schools", drf_view))
    from drf_spectacular.generators import SchemaGenerator

    started = time.perf_counter()
    drf_schema = SchemaGenerator(patterns=[path("drf/schools", drf_view)]).get_schema(
        request=None, public=True
    )
    assert "limit" in str(drf_schema) and "fsm_percent" in str(drf_schema)
    drf_schema_s = time.perf_counter() - started

    client = Client()
    assert client.get("/ninja/schools?limit=100").json() == client.get("/drf/schools?limit=100").json()
    times: dict[str, list[float]] = {"ninja": [], "drf": []}
    for _ in range(args.runs):
        for name, url in (("ninja", "/ninja/schools?limit=100"), ("drf", "/drf/schools?limit=100")):
            started = time.perf_counter()
            for _ in range(args.requests):
                client.get(url)
            times[name].append((time.perf_counter() - started) / args.requests * 1000)
    base = {
        "django",
        "pydantic",
        "pydantic-core",
        "typing-extensions",
        "annotated-types",
        "typing-inspection",
        "asgiref",
        "sqlparse",
        "pyyaml",
    }
    result = {
        "rows_per_response": 100,
        "ms_per_request_median": {k: round(statistics.median(v), 3) for k, v in times.items()},
        "ms_per_request_runs": {k: [round(x, 3) for x in v] for k, v in times.items()},
        "openapi_cold_s": {"ninja": round(ninja_schema_s, 3), "drf": round(drf_schema_s, 3)},
        "packages_added": {
            "ninja": _packages_added("django-ninja", base),
            "drf": sorted(
                set(_packages_added("djangorestframework", base))
                | set(_packages_added("drf-spectacular", base))
            ),
        },
        "versions": {
            d: importlib.metadata.version(d)
            for d in ("django-ninja", "djangorestframework", "drf-spectacular", "pydantic")
        },
        "load_average": os.getloadavg(),
        "cpu_s": round(time.process_time(), 2),
    }
    json.dump(result, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
