"""The Web Push protocol, as a sender (an "application server"): what one push request is.

1. The payload is encrypted to the browser's subscription (RFC 8291: an ECDH agreement between a
   fresh P-256 key of ours and the browser's `p256dh` key, mixed with its `auth` secret, then
   AES-128-GCM in the `aes128gcm` content coding of RFC 8188). The encryption is http_ece's, the
   maintained implementation the Web Push libraries share (pywebpush calls the same function);
   pywebpush itself is not used: it imports aiohttp and its seven packages at the top, for an
   asynchronous sender Kindred does not need (docs/board.md, "Push notifications").
2. The request carries a VAPID token (RFC 8292): a JWT signed with the installation's own P-256
   key (ES256), naming the push service's origin (`aud`), an expiry within 24 hours (`exp`) and
   whom to contact (`sub`), with the public key beside it (`k`), which the browser was given when
   it subscribed, so the push service accepts pushes to it from this installation only.
3. The push service answers 201 when it took the message (it delivers it when the device is on
   line, within `TTL` seconds); 404 or 410 when the subscription is gone for good; anything else
   is a failure for this time.

Only push services named in PUSH_SERVICES are ever sent to (`endpoint_allowed`): a subscription is
an address a browser hands us, and without the check anyone signed in could make the server post to
an address of their choosing.
"""

import base64
import json
import time
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

import http_ece
import requests
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings

TIMEOUT_SECONDS = 10
# How long a push service keeps a message for a device that is off line (28 days, the longest
# FCM keeps one): the notification is also on the site's notifications page meanwhile.
TTL_SECONDS = 28 * 24 * 3600
VAPID_TOKEN_SECONDS = 12 * 3600  # RFC 8292: at most 24 hours


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    text = text.strip()
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_bytes(key: ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)


def vapid_keys_generate() -> tuple[str, str]:
    """A new VAPID key pair: (private key for VAPID_PRIVATE_KEY, public key browsers are given)."""
    key = ec.generate_private_key(ec.SECP256R1())
    secret = key.private_numbers().private_value.to_bytes(32, "big")
    return b64url(secret), b64url(public_bytes(key.public_key()))


@lru_cache(maxsize=4)
def _private_key(text: str) -> ec.EllipticCurvePrivateKey:
    return ec.derive_private_key(int.from_bytes(b64url_decode(text), "big"), ec.SECP256R1())


def enabled() -> bool:
    """Whether this installation sends web push (a VAPID key is set)."""
    return bool(settings.VAPID_PRIVATE_KEY)


def vapid_public_key() -> str:
    """The installation's VAPID public key, base64url (the `applicationServerKey` of subscribe())."""
    return b64url(public_bytes(_private_key(settings.VAPID_PRIVATE_KEY).public_key()))


def vapid_subject() -> str:
    if settings.VAPID_SUBJECT:
        return settings.VAPID_SUBJECT
    if settings.SITE_URL.startswith("https://"):
        return settings.SITE_URL.rstrip("/")
    return f"mailto:{settings.DEFAULT_FROM_EMAIL.rpartition('<')[2].strip('> ')}"


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def vapid_authorization(endpoint: str, *, now: float | None = None) -> str:
    """The `Authorization` header of a push to `endpoint` (RFC 8292 section 3)."""
    key = _private_key(settings.VAPID_PRIVATE_KEY)
    claims = {
        "aud": origin(endpoint),
        "exp": int(now if now is not None else time.time()) + VAPID_TOKEN_SECONDS,
        "sub": vapid_subject(),
    }
    header = b64url(json.dumps({"typ": "JWT", "alg": "ES256"}, separators=(",", ":")).encode())
    body = b64url(json.dumps(claims, separators=(",", ":")).encode())
    signing_input = f"{header}.{body}"
    r, s = decode_dss_signature(key.sign(signing_input.encode("ascii"), ec.ECDSA(hashes.SHA256())))
    # JWS (RFC 7518 section 3.4): the signature is r and s, 32 bytes each, not DER.
    signature = b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))
    return f"vapid t={signing_input}.{signature}, k={vapid_public_key()}"


def encrypt(payload: bytes, *, p256dh: str, auth_secret: str) -> bytes:
    """The request body: `payload` encrypted to the subscription (RFC 8291, `aes128gcm`)."""
    return http_ece.encrypt(
        payload,
        private_key=ec.generate_private_key(ec.SECP256R1()),
        dh=b64url_decode(p256dh),
        auth_secret=b64url_decode(auth_secret),
        version="aes128gcm",
    )


def endpoint_allowed(endpoint: str) -> bool:
    """Whether `endpoint` is at one of the push services in PUSH_SERVICES (`https://*.x.org`: any
    host under x.org; a service without a port: any port)."""
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    if not host or parts.username or parts.password:
        return False
    for service in settings.PUSH_SERVICES:
        allowed = urlsplit(service)
        if allowed.scheme != parts.scheme:
            continue
        if allowed.port is not None and allowed.port != port:
            continue
        pattern = (allowed.hostname or "").lower()
        if pattern.startswith("*."):
            if host.endswith(pattern[1:]):
                return True
        elif host == pattern:
            return True
    return False


def subscription_check(*, endpoint: str, p256dh: str, auth_secret: str) -> str | None:
    """What is wrong with a subscription a browser sent, or None."""
    if not endpoint_allowed(endpoint):
        return "not a known push service"
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(p256dh))
        if len(b64url_decode(auth_secret)) != 16:
            return "the auth secret is not 16 bytes"
    except (ValueError, TypeError):
        return "the keys are not P-256 keys in base64url"
    return None


@dataclass
class Outcome:
    delivered: bool
    gone: bool  # the push service says the subscription no longer exists (404, 410)
    reason: str  # why it failed, for the log and the settings page


def push(
    *,
    endpoint: str,
    p256dh: str,
    auth_secret: str,
    payload: bytes,
    topic: str = "",
    session: requests.Session | None = None,
) -> Outcome:
    """Send one push request; never raises for the push service's or the network's failures.
    A `session` keeps its connections to a push service open for the next push (one TLS
    handshake per sender run, not one per push)."""
    if not endpoint_allowed(endpoint):
        return Outcome(False, False, "not a known push service")
    try:
        headers = {
            "TTL": str(TTL_SECONDS),
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
            "Urgency": "normal",
            "Authorization": vapid_authorization(endpoint),
        }
        if topic:
            headers["Topic"] = topic  # a later push with the same topic replaces one not yet delivered
        body = encrypt(payload, p256dh=p256dh, auth_secret=auth_secret)
        response = (session or requests).post(
            endpoint, data=body, headers=headers, timeout=TIMEOUT_SECONDS, allow_redirects=False
        )
    except (requests.RequestException, ValueError, http_ece.ECEException) as error:
        return Outcome(False, False, f"{type(error).__name__}: {error}"[:300])
    if response.status_code in (200, 201, 202):
        return Outcome(True, False, "")
    reason = f"HTTP {response.status_code}: {response.text[:200]}"
    return Outcome(False, response.status_code in (404, 410), reason)
