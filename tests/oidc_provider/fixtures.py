"""The test identity provider as pytest fixtures: `identity_provider` starts it (once per test
session, after the live server, whose callback address it registers) and `oidc` points Kindred's
OIDC_* settings at it. Imported by the tests that use them (tests/accounts/test_oidc.py, the
browser test)."""

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.oidc_provider.people import CLIENT_ID, CLIENT_SECRET

ROOT = Path(__file__).resolve().parent.parent.parent


@dataclass
class Provider:
    issuer: str


def free_port() -> int:
    """A free port in this test's range (8310-8399; the team's ports for this work)."""
    for port in range(8310, 8400):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port between 8310 and 8399")


@pytest.fixture(scope="session")
def identity_provider(live_server, tmp_path_factory):
    """The running provider, with Kindred's callback registered as its client's redirect address."""
    folder = tmp_path_factory.mktemp("identity_provider")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "OIDC_PROVIDER_DB": str(folder / "provider.sqlite3"),
        "OIDC_PROVIDER_KEY": str(folder / "key.pem"),
    }
    callback = f"{live_server.url}/accounts/oidc/callback/"
    subprocess.run(
        [sys.executable, "-m", "django", "provider_setup", callback], env=env, cwd=ROOT, check=True
    )
    port = free_port()
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "tests.oidc_provider.wsgi:application"),
            *("--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4"),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=(folder / "provider.log").open("w"),
        start_new_session=True,
    )
    issuer = f"http://127.0.0.1:{port}/o"
    try:  # the provider stops however the tests end
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=10).ok:
                    break
            except requests.RequestException:  # not up yet, or slow on a loaded machine
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError((folder / "provider.log").read_text())
            time.sleep(0.2)
        yield Provider(issuer=issuer)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


@pytest.fixture
def oidc(identity_provider, settings):
    """Kindred configured for the provider, as an operator would through the OIDC_* settings."""
    settings.OIDC_ISSUER = identity_provider.issuer
    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_PROVIDER_NAME = "the Ministry"
    # A shared, loaded test machine: wait longer than production's default before giving up.
    settings.OIDC_TIMEOUT_SECONDS = 30
    # The live server speaks plain HTTP: cookies must not be HTTPS-only.
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    return identity_provider
