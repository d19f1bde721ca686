"""Invitations to replace a member sent before their message was worded when read: the message was
written in the sender's language of the time ("Invited to take the place of Oak School."). Where an
invitation that replaces a member still has that message, drop it: the invitation keeps whose place
it is (`replaces`), and `MembershipRequest.display_message` words it in each reader's language.

The texts of the time are written out below (English and the Welsh and Arabic catalogues of the
time), not taken from today's catalogues, which may have changed since."""

from django.db import migrations

MESSAGES = (
    "Invited to take the place of %(school)s.",
    "Wedi'i gwahodd i gymryd lle %(school)s.",
    "مدعوّة لأخذ مكان %(school)s.",
)


def forwards(apps, schema_editor):
    MembershipRequest = apps.get_model("networks", "MembershipRequest")
    invitations = MembershipRequest.objects.filter(replaces__isnull=False).exclude(message="")
    for invitation in invitations.select_related("replaces__school").iterator():
        params = {"school": invitation.replaces.school.name}
        if invitation.message in {(text % params)[:500] for text in MESSAGES}:
            MembershipRequest.objects.filter(pk=invitation.pk).update(message="")


class Migration(migrations.Migration):

    dependencies = [
        ('networks', '0006_network_made_by_name_params'),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
