"""Brokering and formation runs under review, their proposals, and schools' answers.

A system leader starts a `Run` for a region (brokering: partners for needs; formation: networks).
The background job fills it with proposals; the leader adjusts them (move a school, lock a network,
exclude a school) and publishes. Publishing creates the networks in the network spaces and invites
each school; a school's answer (`Invitation.Status`) decides whether it becomes a member.
The good-practice finder's shortlist and approaches live here too (`Approach`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from kindred import countries
from kindred.core.progress import Said, stored_message, worded
from kindred.networks.models import Network
from kindred.schools.models import Region, School


class Run(models.Model):
    class Kind(models.TextChoices):
        BROKERING = "brokering", _("Partner brokering")
        FORMATION = "formation", _("Network formation")

    class Status(models.TextChoices):
        COMPUTING = "computing", _("Computing")
        REVIEW = "review", _("Ready for review")
        PUBLISHED = "published", _("Published")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="brokering_runs")
    phase = models.CharField(_("phase"), max_length=16, choices=School.Phase.choices, blank=True)
    min_size = models.PositiveSmallIntegerField(_("fewest schools in a network"), default=8)
    max_size = models.PositiveSmallIntegerField(_("most schools in a network"), default=15)
    incremental = models.BooleanField(
        _("place new schools into existing networks"),
        default=False,
        help_text=_("Formation: keep every existing network and its members; only place schools in none."),
    )
    other_authority = models.BooleanField(
        _("partners from another authority only"),
        default=False,
        help_text=_("Brokering: propose only partners outside the need school's own authority."),
    )
    neighbours = models.BooleanField(
        _("look beyond the region's border"),
        default=False,
        help_text=_(
            "Brokering: schools of neighbouring regions may be partners too (only this region's needs are "
            "brokered)."
        ),
    )
    across_countries = models.BooleanField(
        _("partners in other countries too"),
        default=False,
        help_text=_(
            "Brokering: partners may come from another country of the installation (neighbouring regions "
            "across a border). Off: only schools of the region's own country are proposed."
        ),
    )
    fewer_partners = models.BooleanField(
        _("prefer one partner covering several needs"),
        default=False,
        help_text=_(
            "Brokering: each partner school beyond a school's first costs as much as an hour's travel "
            "(engine/fewer_partners.py)."
        ),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.COMPUTING)
    report = models.JSONField(_("quality report"), default=dict, blank=True)
    job = models.ForeignKey("core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published = models.JSONField(
        _("what was published"),
        default=dict,
        blank=True,
        help_text=_("Networks created and joined, schools invited, and who coordinates the new networks."),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(min_size__lte=models.F("max_size")), name="run_sizes_ordered"),
        ]

    def __str__(self) -> str:
        """The run's name in the reader's language: "Partner brokering in South East (run 5)"."""
        return worded(*stored_message(self.job_title()))

    def get_absolute_url(self) -> str:
        return reverse("brokering_run", args=[self.pk])

    @property
    def display_error(self) -> str:
        """Why the run failed, in the reader's language (a run that failed before: as written)."""
        report = self.report if isinstance(self.report, dict) else {}
        return worded(report.get("error") or "", report.get("error_params"))

    @property
    def still_short_display(self) -> list[str]:
        """The existing networks an incremental run left below the fewest schools, each named in the
        reader's language with its size; a run computed before, or a network gone: as written."""
        kept = self.report.get("still_short") or [] if isinstance(self.report, dict) else []
        ids = [item["network"] for item in kept if isinstance(item, dict)]
        networks = Network.objects.in_bulk(ids) if ids else {}
        shown = []
        for item in kept:
            if not isinstance(item, dict):
                shown.append(str(item))
                continue
            network = networks.get(item["network"])
            shown.append(f"{network.display_name if network else item['name']} ({item['size']})")
        return shown

    def job_title(self) -> Said:
        """The title of the job that computes this run, worded for each reader (Job.display_label)."""
        return Said(JOB_TITLES[Run.Kind(self.kind)], region=self.region.name, run=self.pk)


# The title of a run's job (Job.label), as a message id: worded in each reader's language.
JOB_TITLES = {
    Run.Kind.BROKERING: gettext_noop("Partner brokering in %(region)s (run %(run)s)"),
    Run.Kind.FORMATION: gettext_noop("Network formation in %(region)s (run %(run)s)"),
}


class Coordinator(models.TextChoices):
    """Who coordinates the networks a published run creates."""

    LEAD = (
        "lead",
        _(
            "The lead school (in a partnership, the supporting school): whoever accepts for it becomes "
            "coordinator"
        ),
    )
    PUBLISHER = "publisher", _("Me: I become coordinator of every new network now")


class Exclusion(models.Model):
    """A school the leader left out of a run (it is not proposed again when the run is recomputed)."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="exclusions")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "school"], name="exclusion_one_per_school")]

    def __str__(self) -> str:
        return gettext("School %(school)s left out of run %(run)s") % {
            "school": self.school_id,
            "run": self.run_id,
        }


class ProposedNetwork(models.Model):
    """One network of a formation run, or one partnership of a brokering run."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="networks")
    number = models.PositiveIntegerField()
    locked = models.BooleanField(
        _("locked"), default=False, help_text=_("Kept as it is when the run is computed again.")
    )
    domain = models.CharField(
        _("domain"), max_length=64, blank=True, help_text=_("Brokering: the need's domain.")
    )
    cost = models.FloatField(null=True, blank=True)
    network = models.ForeignKey(
        "networks.Network", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    extends = models.ForeignKey(
        "networks.Network",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Incremental formation: the existing network these schools are proposed to join."),
    )

    class Meta:
        ordering = ["run", "number"]
        constraints = [models.UniqueConstraint(fields=["run", "number"], name="proposednetwork_one_number")]

    def __str__(self) -> str:
        return gettext("%(run)s: proposal %(number)s") % {"run": self.run, "number": self.number}


class Invitation(models.Model):
    """A school proposed for a network (formation) or a partnership (brokering), and its answer."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        HOST = "host", _("Meeting point and proposed lead school")
        NEED = "need", _("School asking for support")
        PARTNER = "partner", _("Supporting school")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        INVITED = "invited", _("Invited")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    proposed_network = models.ForeignKey(
        ProposedNetwork, on_delete=models.CASCADE, related_name="invitations"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="brokering_invitations")
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.MEMBER)
    travel_km = models.FloatField(_("road km to the meeting point or partner"), null=True, blank=True)
    reasons = models.JSONField(_("reasons"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PROPOSED)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["proposed_network", "-role", "school__name"]
        constraints = [
            models.UniqueConstraint(fields=["proposed_network", "school"], name="invitation_one_per_school"),
        ]

    def __str__(self) -> str:
        return gettext("School %(school)s in %(proposal)s") % {
            "school": self.school_id,
            "proposal": self.proposed_network,
        }


class Approach(models.Model):
    """From the good-practice finder: a school a leader shortlisted for a need, approached, and the answer."""

    class Status(models.TextChoices):
        SHORTLISTED = "shortlisted", _("Shortlisted")
        APPROACHED = "approached", _("Approached")
        AGREED = "agreed", _("Agreed")
        DECLINED = "declined", _("Declined")

    need_school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="approaches_made")
    domain = models.CharField(_("domain"), max_length=64)
    partner = models.ForeignKey(School, on_delete=models.CASCADE, related_name="approaches_received")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SHORTLISTED)
    contact = models.CharField(_("who was approached"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    network = models.ForeignKey(
        "networks.Network",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The partnership proposed from this approach."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["need_school", "domain", "partner"], name="approach_one_per_pair"
            ),
            models.CheckConstraint(condition=~Q(need_school=models.F("partner")), name="approach_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.need_school_id} → {self.partner_id} ({countries.profile().domain_label(self.domain)})"


class Capacity(models.Model):
    """A school's own word on how many schools it can support at once, over the default from its size
    (loading.default_capacity). 0: not supporting anyone for now."""

    MOST = 10

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="support_capacity")
    schools = models.PositiveSmallIntegerField(_("schools it can support at once"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(schools__lte=10), name="capacity_at_most_ten"),
        ]

    def __str__(self) -> str:
        return gettext("School %(school)s supports up to %(n)s schools") % {
            "school": self.school_id,
            "n": self.schools,
        }
