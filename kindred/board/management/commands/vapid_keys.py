"""`kindred vapid_keys`: make the installation's key pair for web push (VAPID, RFC 8292).

It prints the line to add to the environment (VAPID_PRIVATE_KEY=...) and the public key browsers
are given (Kindred derives it from the private key; it is printed to compare). Nothing is stored:
keep the private key with the installation's other secrets. Changing it later makes every browser's
subscription useless until its person turns push on again (docs/deploying.md, "Web push").
"""

from django.core.management.base import BaseCommand

from kindred.board.webpush import vapid_keys_generate


class Command(BaseCommand):
    help = "Make a VAPID key pair for web push notifications and print VAPID_PRIVATE_KEY=... for the environment."

    def handle(self, *args, **options):
        private, public = vapid_keys_generate()
        self.stdout.write(f"VAPID_PRIVATE_KEY={private}")
        if options["verbosity"] > 0:
            self.stderr.write(f"(public key, given to browsers: {public})")
