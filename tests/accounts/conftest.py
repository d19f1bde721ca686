"""The test identity provider's fixtures (tests/oidc_provider/fixtures.py), for test_oidc.py."""

from tests.oidc_provider.fixtures import identity_provider, oidc  # noqa: F401
