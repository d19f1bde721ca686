"""Creates the provider's tables, Kindred's client registration and the provider's people."""

from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import BaseCommand
from oauth2_provider.models import Application

from tests.oidc_provider.people import CLIENT_ID, CLIENT_SECRET, PASSWORD, PEOPLE


class Command(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("redirect_uri")

    def handle(self, *args, redirect_uri, **options):
        call_command("migrate", verbosity=0)
        Application.objects.create(
            name="Kindred",
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            hash_client_secret=True,
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=redirect_uri,
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )
        for username, first, last, email in PEOPLE:
            User.objects.create_user(
                username=username, first_name=first, last_name=last, email=email, password=PASSWORD
            )
