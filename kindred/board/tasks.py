"""Background tasks of the messageboard: sending the outbox, and the scheduled digest."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from kindred.board import delivery, push


@task()
def outbox_send() -> int:
    """Send the web pushes waiting, then the e-mails in the outbox (those of pushes that no device
    took among them); queued after each post that notifies someone."""
    push.push_send()
    return delivery.outbox_send()


def next_digest_time(now: datetime) -> datetime:
    """The next DIGEST_HOUR o'clock (in TIME_ZONE) after `now`."""
    local = timezone.localtime(now)
    at = timezone.make_aware(datetime.combine(local.date(), time(settings.DIGEST_HOUR)), local.tzinfo)
    return at if at > local else at + timedelta(days=1)


@task()
def digest_scheduled() -> dict:
    """Run the digest, then queue the next run for tomorrow at DIGEST_HOUR (`kindred digest --schedule`)."""
    summary = delivery.digest_run()
    digest_scheduled.using(run_after=next_digest_time(timezone.now())).enqueue()
    return {"emails": summary.emails, "sent": summary.sent, "people": summary.people}
