"""The two-factor set-up page stored a new unconfirmed TOTP device on every visit, so everyone who
looked at it left a secret behind (issue 20, item 9). It now keeps the secret in the session until
the app's first code confirms it; the devices never confirmed are removed."""

from django.db import migrations


def remove_unconfirmed(apps, schema_editor):
    apps.get_model("otp_totp", "TOTPDevice").objects.filter(confirmed=False).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_pending_welcome"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(remove_unconfirmed, migrations.RunPython.noop)]
