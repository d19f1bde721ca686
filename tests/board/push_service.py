"""A real push service for the tests, on 127.0.0.1: an HTTP server that receives what Kindred sends
a browser's push service, checks it as FCM or Mozilla's autopush would (the VAPID token's ES256
signature, audience and expiry, RFC 8292; the aes128gcm content coding) and decrypts the payload
with the subscription's private key, the way the browser does (RFC 8291), written here from the
RFC with `cryptography`'s primitives (not with http_ece, which Kindred encrypts with).

`PushService.subscription()` plays the browser's part in subscribing: a P-256 key pair and a
16-byte auth secret, and an endpoint on this server. What arrives is kept in `received`; what the
server answers can be set per subscription (`answer`) to act out a gone (410) or failing (500)
service.
"""

import base64
import hashlib
import hmac
import json
import os
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def point(key) -> bytes:
    return key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)


def _hmac(key: bytes, data: bytes) -> bytes:
    return hmac.new(key, data, hashlib.sha256).digest()


def decrypt(body: bytes, *, private_key: ec.EllipticCurvePrivateKey, auth_secret: bytes) -> bytes:
    """RFC 8291 section 3.4 and RFC 8188 section 2, as a browser decrypts a push message."""
    salt, record_size, id_length = body[:16], struct.unpack("!L", body[16:20])[0], body[20]
    sender_public = body[21 : 21 + id_length]
    ciphertext = body[21 + id_length :]
    if id_length != 65 or len(ciphertext) > record_size:
        raise ValueError("not one aes128gcm record with the sender's P-256 key as its key id")
    sender = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), sender_public)
    ecdh_secret = private_key.exchange(ec.ECDH(), sender)
    key_info = b"WebPush: info\x00" + point(private_key) + sender_public
    ikm = _hmac(_hmac(auth_secret, ecdh_secret), key_info + b"\x01")
    prk = _hmac(salt, ikm)
    cek = _hmac(prk, b"Content-Encoding: aes128gcm\x00\x01")[:16]
    nonce = _hmac(prk, b"Content-Encoding: nonce\x00\x01")[:12]
    padded = AESGCM(cek).decrypt(nonce, ciphertext, None)
    unpadded = padded.rstrip(b"\x00")
    if not unpadded.endswith(b"\x02"):
        raise ValueError("the last record does not end with the delimiter 2")
    return unpadded[:-1]


def vapid_check(authorization: str, *, audience: str, server_key: str) -> dict:
    """The claims of a `vapid t=..., k=...` header, after checking it as a push service does."""
    scheme, _space, params = authorization.partition(" ")
    if scheme != "vapid":
        raise ValueError(f"not a VAPID authorization: {scheme!r}")
    fields = dict(part.strip().split("=", 1) for part in params.split(","))
    if fields["k"] != server_key:
        raise ValueError("signed with another key than the one the browser subscribed with")
    header, claims, signature = fields["t"].split(".")
    if json.loads(unb64(header)) != {"typ": "JWT", "alg": "ES256"}:
        raise ValueError("not an ES256 JWT")
    raw = unb64(signature)
    if len(raw) != 64:
        raise ValueError("an ES256 signature is 64 bytes")
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(fields["k"]))
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        public.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise ValueError("the VAPID signature does not verify") from None
    decoded = json.loads(unb64(claims))
    if decoded["aud"] != audience:
        raise ValueError(f"audience {decoded['aud']!r}, not {audience!r}")
    if not time.time() < decoded["exp"] <= time.time() + 24 * 3600:
        raise ValueError("expired, or expiring more than 24 hours ahead")
    if not decoded["sub"].startswith(("mailto:", "https://")):
        raise ValueError("the subject is neither mailto: nor https:")
    return decoded


@dataclass
class Subscription:
    """A browser's subscription: what it tells the server, and the private half it keeps."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes

    @property
    def p256dh(self) -> str:
        return b64(point(self.private_key))

    @property
    def auth(self) -> str:
        return b64(self.auth_secret)


@dataclass
class Received:
    endpoint: str
    headers: dict
    claims: dict
    payload: dict


@dataclass
class PushService:
    server_key: str  # the VAPID public key the browsers subscribed with
    received: list[Received] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # what failed the checks, and why
    answer: dict[str, int] = field(default_factory=dict)  # endpoint -> status (201 by default)
    subscriptions: dict[str, Subscription] = field(default_factory=dict)
    origin: str = ""

    def subscription(self) -> Subscription:
        name = os.urandom(8).hex()
        made = Subscription(
            endpoint=f"{self.origin}/push/{name}",
            private_key=ec.generate_private_key(ec.SECP256R1()),
            auth_secret=os.urandom(16),
        )
        self.subscriptions[made.endpoint] = made
        return made

    def handle(self, path: str, headers, body: bytes) -> int:
        endpoint = self.origin + path
        subscription = self.subscriptions.get(endpoint)
        if subscription is None:
            return 404
        try:
            if headers.get("Content-Encoding") != "aes128gcm":
                raise ValueError(f"Content-Encoding {headers.get('Content-Encoding')!r}")
            if not headers.get("TTL", "").isdigit():
                raise ValueError("no TTL")
            claims = vapid_check(
                headers.get("Authorization", ""), audience=self.origin, server_key=self.server_key
            )
            plain = decrypt(body, private_key=subscription.private_key, auth_secret=subscription.auth_secret)
        except (ValueError, KeyError) as error:
            self.refused.append(f"{endpoint}: {error}")
            return 400
        status = self.answer.get(endpoint, 201)
        if status == 201:
            self.received.append(Received(endpoint, dict(headers), claims, json.loads(plain)))
        return status


def push_service_running(server_key: str):
    """Start a PushService on a free port; returns (service, stop)."""
    service = PushService(server_key=server_key)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status = service.handle(self.path, self.headers, body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    service.origin = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        server.server_close()

    return service, stop
