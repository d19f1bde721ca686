from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kindred.core.progress import worded


class Job(models.Model):
    """A long piece of work run by the background worker, with its progress and outcome.

    The django-tasks result says whether the task ran; this row says how far it got and
    what it found, so pages can show a progress bar and a report.
    """

    class Kind(models.TextChoices):
        IMPORT_SCHOOLS = "import_schools", _("Import schools")
        IMPORT_MEASURES = "import_measures", _("Import measures")
        IMPORT_LINKS = "import_links", _("Import links between schools")
        GENERATE = "generate", _("Generate a synthetic country")
        RECOMPUTE = "recompute", _("Recompute evidence")
        BROKERING = "brokering", _("Brokering or network formation")
        SELFCHECK = "selfcheck", _("Self-check of the evidence model")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=32, choices=Kind.choices)
    # The job's title, in English (a gettext message id), and the values of its placeholders (a
    # file's name, a region's): `display_label` words it in the reader's language. A title that is
    # no message id (written before, or by a test) is shown as stored.
    label = models.CharField(max_length=200)
    label_params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveBigIntegerField(default=0)
    total = models.PositiveBigIntegerField(null=True, blank=True)
    # The last progress message, in English (a gettext message id), and the values of its
    # placeholders: `display_message` words it in the reader's language (kindred.core.progress).
    message = models.CharField(max_length=300, blank=True)
    message_params = models.JSONField(default=dict, blank=True)
    outcome = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return _("%(label)s (%(status)s)") % {
            "label": self.display_label,
            "status": self.get_status_display(),
        }

    def get_absolute_url(self) -> str:
        return reverse("job_detail", args=[self.pk])

    @property
    def display_label(self) -> str:
        """The job's title in the reader's language."""
        return worded(self.label, self.label_params)

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))

    @property
    def display_message(self) -> str:
        """The last progress message in the reader's language."""
        return worded(self.message, self.message_params)

    @property
    def display_error(self) -> str:
        """Why a failed job failed, in the reader's language (kindred.core.jobs.failure_said). A job
        that failed before errors were kept as codes shows its error's text as written."""
        outcome = self.outcome if isinstance(self.outcome, dict) else {}
        return worded(outcome.get("error") or "", outcome.get("error_params"))

    @property
    def display_summary_line(self) -> str:
        """A report's one-line summary in the reader's language (one kept before: as written)."""
        outcome = self.outcome if isinstance(self.outcome, dict) else {}
        return worded(outcome.get("summary_line") or "", outcome.get("summary_line_params"))

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)


class Lock(models.Model):
    """A named lock held by one piece of long work at a time (one row while held).

    A dead holder cannot keep it (`core.locks.lock_hold`): on PostgreSQL the holder's session also
    holds an advisory lock, which ends with the session; on SQLite `host` and `pid` say whether the
    holder's process still runs. Failing both, the row expires unless its holder renews it.
    """

    name = models.CharField(max_length=64, unique=True)
    token = models.CharField(max_length=32)
    # Who or what holds it, for people: a message id (`core.locks.here()`, a background job) with the
    # values of its placeholders, worded for each reader (`display_holder`); a person's name as it is.
    holder = models.CharField(max_length=200, blank=True, help_text=_("Who or what holds it, for people."))
    holder_params = models.JSONField(default=dict, blank=True)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    host = models.CharField(max_length=255, blank=True, help_text=_("The holder's host name."))
    pid = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("The holder's process id on its host.")
    )
    started_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} (held since {self.started_at:%Y-%m-%d %H:%M})"

    @property
    def display_holder(self) -> str:
        """Who or what holds it, in the reader's language (one kept before as written)."""
        return worded(self.holder, self.holder_params)


class ScheduledJob(models.Model):
    """One scheduled job (`core.schedule.JOBS`): when it runs next, and how its last run went.

    `kindred scheduler` queues a job for the worker when `next_run_at` has passed, moving `next_run_at`
    on in the same conditional update, so two schedulers never queue one run twice.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    code = models.CharField(max_length=32, unique=True)
    schedule = models.CharField(max_length=16, help_text=_("The schedule next_run_at was worked out from."))
    next_run_at = models.DateTimeField(null=True, blank=True)
    last_queued_at = models.DateTimeField(null=True, blank=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    last_message = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code
