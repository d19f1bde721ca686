"""The board's part in a person's privacy: their e-mails go when their account does, and the
files attached to their posts are in their personal-data download (docs/privacy.md)."""

from django.dispatch import receiver

from kindred.accounts.personal_data import plain
from kindred.accounts.services import account_deleting
from kindred.board.delivery import outbox_scrub
from kindred.board.models import Attachment


@receiver(account_deleting, dispatch_uid="kindred_board_account_deleting")
def scrub_outbox(sender, user, **kwargs):
    outbox_scrub(user=user)


def attachments_of(user) -> list[dict]:
    """The files attached to the person's posts (no column of theirs points at them)."""
    return [
        {
            "id": attachment.pk,
            "post": attachment.post_id,
            "name": attachment.name,
            "content_type": attachment.content_type,
            "size": attachment.size,
            "file": plain(attachment.file),
        }
        for attachment in Attachment.objects.filter(post__author=user).order_by("pk")
    ]
