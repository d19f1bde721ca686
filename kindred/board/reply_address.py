"""Reply addresses: reply+<person>-<thread>-<signature>@REPLY_DOMAIN, one per person and thread.

The signature is an HMAC of the person's and the thread's ids with SECRET_KEY (Django's
`salted_hmac`, the primitive under `django.core.signing`, with its own salt), so an address cannot
be made up, nor changed to point at another thread or another person: the ids are inside what is
signed. It is written in lower-case hex rather than signing's base64 because mail servers may
change the case of an address's local part; 128 bits of it are kept so the local part stays under
the 64 characters SMTP allows. Keys in SECRET_KEY_FALLBACKS are still accepted, as signing does,
so rotating the key does not break the addresses in e-mails already sent.

An address never expires and says nothing about permission: whether the person may still post in
the thread is decided when the reply arrives, by the board's own service
(`kindred.board.services.post_reply`), exactly as for a reply typed on the site.
"""

import re

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "kindred.board.reply_address"
PREFIX = "reply+"
_TOKEN = re.compile(r"(\d{1,12})-(\d{1,12})-([0-9a-f]{32})")


def _signature(user_id: int, thread_id: int, secret: str | bytes) -> str:
    return salted_hmac(SALT, f"{user_id}-{thread_id}", secret=secret, algorithm="sha256").hexdigest()[:32]


def reply_token(*, user_id: int, thread_id: int) -> str:
    return f"{user_id}-{thread_id}-{_signature(user_id, thread_id, settings.SECRET_KEY)}"


def reply_address(*, user_id: int, thread_id: int) -> str:
    """The address `user_id` replies to for `thread_id`; empty when REPLY_DOMAIN is not set."""
    if not settings.REPLY_DOMAIN:
        return ""
    return f"{PREFIX}{reply_token(user_id=user_id, thread_id=thread_id)}@{settings.REPLY_DOMAIN}"


def is_reply_address(address: str) -> bool:
    """Whether `address` has the shape of a reply address at REPLY_DOMAIN (not whether it is genuine)."""
    local, _at, domain = address.strip().strip("<>").rpartition("@")
    return (
        bool(settings.REPLY_DOMAIN)
        and domain.lower() == settings.REPLY_DOMAIN
        and (local.lower().startswith(PREFIX))
    )


def reply_token_read(address: str) -> tuple[int, int] | None:
    """(person id, thread id) of a genuine reply address at REPLY_DOMAIN; None for anything else."""
    if not is_reply_address(address):
        return None
    local = address.strip().strip("<>").rpartition("@")[0].lower()
    match = _TOKEN.fullmatch(local.removeprefix(PREFIX))
    if not match:
        return None
    user_id, thread_id, signature = int(match[1]), int(match[2]), match[3]
    for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]:
        if constant_time_compare(signature, _signature(user_id, thread_id, secret)):
            return user_id, thread_id
    return None
