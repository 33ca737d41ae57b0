"""The JSON API under /api/v1: one NinjaAPI, auth in one place, errors as {"error": ...}."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth import authenticate
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, django_auth

from qingyuan.alarms.api import router as alarms_router
from qingyuan.assessment.api import router as assessment_router
from qingyuan.briefings.api import router as briefings_router
from qingyuan.complaints.api import router as complaints_router
from qingyuan.core import tokens
from qingyuan.core.api import ERRORS, ErrorOut
from qingyuan.core.models import ApiToken
from qingyuan.enterprises.api import router as enterprises_router
from qingyuan.inspections.api import router as inspections_router
from qingyuan.loads.api import router as loads_router
from qingyuan.plans.api import router as plans_router
from qingyuan.quality.api import router as quality_router
from qingyuan.sections.api import router as sections_router
from qingyuan.tasks.api import router as tasks_router


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = tokens.user_for(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Qingyuan API",
    version="1",
    description="Chemical-park supervision: enterprises, monitoring points and more. "
    "Authenticate with POST /api/v1/auth/token, then send `Authorization: Bearer <token>`.",
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
)


class TokenIn(Schema):
    username: str
    password: str
    name: str = Field("", max_length=100, description="What the token is for (shown in the token list).")


class TokenOut(Schema):
    token: str
    id: int
    name: str
    prefix: str
    expires_at: str


class TokenInfo(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime


@api.post("/auth/token", auth=None, response={200: TokenOut, 401: ErrorOut, 429: ErrorOut}, tags=["auth"])
def create_token(request: HttpRequest, payload: TokenIn) -> Any:
    """A new bearer token (the key is shown only here). A user holds at most QINGYUAN_API_TOKEN_MAX
    active tokens: one more revokes the oldest. Failed attempts are throttled like the login form (429)."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None or not user.is_active:
        return Status(401, {"error": "Invalid username or password."})
    key, token = tokens.do_issue_api_token(user, name=payload.name, acting_user=user)
    return {"token": key, "id": token.pk, "name": token.name, "prefix": token.prefix,
            "expires_at": token.expires_at.isoformat()}


@api.get("/auth/tokens", response={200: list[TokenInfo], **ERRORS}, tags=["auth"])
def list_tokens(request: HttpRequest) -> Any:
    """The caller's active tokens (never their keys)."""
    return list(ApiToken.objects.active().filter(user=request.user))


@api.delete("/auth/tokens/{token_id}", response={204: None, **ERRORS}, tags=["auth"])
def revoke_token(request: HttpRequest, token_id: int) -> Any:
    """Revoke one of the caller's tokens (another user's is 404)."""
    token = get_object_or_404(ApiToken.objects.active(), pk=token_id, user=request.user)
    tokens.do_revoke_api_token(token, acting_user=request.user, reason=_("Revoked by its owner."))
    return Status(204, None)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"error": "Invalid input.", "detail": exc.errors}, status=422)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"error": "Authentication required."}, status=401)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"error": "Not found."}, status=404)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"error": str(exc)}, status=exc.status_code)


api.add_router("/", enterprises_router)
api.add_router("/", plans_router)
api.add_router("/", tasks_router)
api.add_router("/", inspections_router)
api.add_router("/", complaints_router)
api.add_router("/", quality_router)
api.add_router("/", alarms_router)
api.add_router("/", loads_router)
api.add_router("/", sections_router)
api.add_router("/", assessment_router)
api.add_router("/", briefings_router)
