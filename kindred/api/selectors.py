"""Reads of the API app: a person's tokens, and the token a request presents."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from kindred.accounts.models import User
from kindred.api.models import ApiToken
from kindred.api.services import TOKEN_START, token_hash


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).select_related("region", "organisation")


def token_of(user: User, pk: int) -> ApiToken:
    """One of `user`'s own tokens; 404 for anyone else's (a token is nobody else's business)."""
    return get_object_or_404(ApiToken, user=user, pk=pk)


def token_presented(secret: str) -> ApiToken | None:
    """The live token whose secret this is, with its person, if that person is still active."""
    if not secret.startswith(TOKEN_START):
        return None
    token = (
        ApiToken.objects.live().select_related("user", "region").filter(key_hash=token_hash(secret)).first()
    )
    if token is None or not token.user.is_active:
        return None
    return token
