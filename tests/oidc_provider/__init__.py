"""A real OpenID Connect provider for the sign-in tests: a second Django project, run in its own
process by tests/accounts/test_oidc.py, with django-oauth-toolkit's OIDC provider switched on.

It stands for the ministry's identity provider: its own database of people, its own sign-in page,
its own RSA signing key made when it starts. Nothing of Kindred is imported here.
"""
