from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from kindred.audit.models import AuditEvent


class Command(BaseCommand):
    help = (
        "Delete audit events older than AUDIT_RETENTION_DAYS and sign-in records (django-axes) older "
        "than SIGN_IN_RECORD_DAYS. Run it daily, e.g. from cron."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        cutoff = now - timedelta(days=settings.AUDIT_RETENTION_DAYS)
        deleted, _ = AuditEvent.objects.filter(at__lt=cutoff).delete()
        self.stdout.write(f"Deleted {deleted} audit events older than {cutoff:%Y-%m-%d}.")
        sign_in_cutoff = now - timedelta(days=settings.SIGN_IN_RECORD_DAYS)
        records = 0
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            records += model.objects.filter(attempt_time__lt=sign_in_cutoff).delete()[0]
        self.stdout.write(f"Deleted {records} sign-in records older than {sign_in_cutoff:%Y-%m-%d}.")
