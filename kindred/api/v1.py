"""The API's first version, /api/v1/: django-ninja, its OpenAPI 3 document at /api/v1/openapi.json.

Every endpoint needs a token (auth.TokenAuth) and reads through the apps' selectors and permission
layer; nothing here decides who may see what (scope.py narrows by the token, never widens).
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import NinjaAPI

from kindred.api.auth import RateLimited, TokenAuth
from kindred.api.routers_deletions import router as deletions_router
from kindred.api.routers_library import router as library_router
from kindred.api.routers_networks import router as networks_router
from kindred.api.routers_plans import router as plans_router
from kindred.api.routers_schools import router as schools_router
from kindred.api.routers_voice import router as voice_router
from kindred.api.routers_writes_board import router as writes_board_router
from kindred.api.routers_writes_events import router as writes_events_router
from kindred.api.routers_writes_imports import router as writes_imports_router
from kindred.api.routers_writes_networks import router as writes_networks_router
from kindred.api.writes import Refused
from kindred.core.geojson import MEDIA_TYPE as GEOJSON


class KindredAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any):
        """The schema ninja draws, but the maps' answers (paths ending `.geojson`, whose views set
        their content type) are declared as GeoJSON rather than JSON."""
        schema = super().get_openapi_schema(**kwargs)
        for path, operations in schema["paths"].items():
            if not path.endswith(".geojson"):
                continue
            for operation in operations.values():
                content = operation["responses"][200]["content"]
                content[GEOJSON] = content.pop("application/json")
        return schema


api = KindredAPI(
    title="Kindred API",
    version="1",
    description="Schools, evidence, networks and events of a Kindred installation. Guide: docs/api.md.",
    urls_namespace="api_v1",
    auth=TokenAuth(),
    docs_url=None,
    openapi_url="/openapi.json",
)
api.add_router("", schools_router)
api.add_router("", networks_router)
api.add_router("", library_router)
api.add_router("", plans_router)
api.add_router("", voice_router)
api.add_router("", deletions_router)
api.add_router("", writes_networks_router)
api.add_router("", writes_events_router)
api.add_router("", writes_board_router)
api.add_router("", writes_imports_router)


@api.exception_handler(RateLimited)
def rate_limited(request: HttpRequest, error: RateLimited):
    response = api.create_response(request, {"detail": str(error)}, status=429)
    response["Retry-After"] = str(error.retry_after)
    return response


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, error: PermissionDenied):
    """What the pages answer with 403: the person sees the object but may not do this (or the
    token may only read)."""
    return api.create_response(request, {"detail": str(error) or "Forbidden."}, status=403)


@api.exception_handler(ValidationError)
def refused_by_service(request: HttpRequest, error: ValidationError):
    """A service refused the write (it is atomic: nothing was written): 422 with its reasons, or
    429 for the per-person limits on writing that the pages also apply (ratelimit.check)."""
    limited = any(e.code == "rate_limited" for e in getattr(error, "error_list", []))
    response = api.create_response(
        request, {"detail": " ".join(error.messages)}, status=429 if limited else 422
    )
    if limited:
        response["Retry-After"] = "60"
    return response


@api.exception_handler(Refused)
def refused_by_form(request: HttpRequest, error: Refused):
    """What was sent is not what the page's form takes (api/writes.cleaned): 422, by field."""
    return api.create_response(request, {"detail": str(error), "errors": error.errors}, status=422)
