"""Self-evaluation frameworks (domains → standards, rated on a scale), a school's ratings, peer review.

A framework is versioned: loading a changed file makes a new `FrameworkVersion`, and ratings point
at the standards of the version they were made on, so a new version never rewrites past ratings.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kindred import countries
from kindred.frameworks.shipped import shipped_text


class Framework(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the reader's language if it is a shipped example's (frameworks/shipped.py)."""
        return shipped_text(self.name)

    @property
    def display_description(self) -> str:
        return shipped_text(self.description)

    def latest_version(self) -> "FrameworkVersion | None":
        return self.versions.order_by("-number").first()


class FrameworkVersion(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    # One label per level, weakest first: scale[0] is level 1.
    scale = models.JSONField(_("scale"))
    digest = models.CharField(max_length=64, help_text=_("Fingerprint of the loaded content."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["framework__name", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="frameworkversion_unique_number"),
        ]

    def __str__(self) -> str:
        return _("%(framework)s, version %(number)s") % {
            "framework": self.framework.display_name,
            "number": self.number,
        }

    @property
    def scale_max(self) -> int:
        return len(self.scale)

    @property
    def display_scale(self) -> list[str]:
        """The levels' labels in the reader's language where they are a shipped example's."""
        return [shipped_text(label) for label in self.scale]

    def levels(self) -> list[tuple[int, str]]:
        return list(enumerate(self.display_scale, start=1))


class Domain(models.Model):
    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="domains")
    code = models.SlugField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="domain_unique_code_per_version")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The domain's name in the page's language (the country profile translates the shipped
        frameworks' domains; see countries.Profile.framework_domain_name)."""
        return countries.spoken().framework_domain_name(self.code, self.name)


class Standard(models.Model):
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="standards")
    code = models.CharField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=300)
    position = models.PositiveIntegerField(default=0)
    # descriptors[i] describes level i + 1; behaviours are the observable behaviours it names.
    descriptors = models.JSONField(default=list, blank=True)
    behaviours = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["domain__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["domain", "code"], name="standard_unique_code_per_domain"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.display_name}"

    @property
    def display_name(self) -> str:
        """The name, descriptors and behaviours in the reader's language where they are a shipped
        example's (frameworks/shipped.py); a framework's own texts as written."""
        return shipped_text(self.name)

    @property
    def display_descriptors(self) -> list[str]:
        return [shipped_text(text) for text in self.descriptors]

    @property
    def display_behaviours(self) -> list[str]:
        return [shipped_text(text) for text in self.behaviours]


class PeerReview(models.Model):
    """A school asks another school to review it against a framework for a year."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="peer_reviews")
    reviewer_school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="peer_reviews_given"
    )
    version = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="peer_reviews")
    year = models.PositiveSmallIntegerField(_("year"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "school__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "reviewer_school", "version", "year"], name="peerreview_once_per_pair_year"
            ),
            models.CheckConstraint(
                condition=~Q(school=models.F("reviewer_school")), name="peerreview_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_school.name} reviews {self.school.name} ({self.year})"


class Evaluation(models.Model):
    """One set of ratings of a school against a framework version for a year.

    SELF is the school's own evaluation, kept by its leaders (one per school, version and year);
    STAFF is one member of staff's view (one per person); PEER is one reviewer's view from the
    school named in a `PeerReview`.
    """

    class Kind(models.TextChoices):
        SELF = "self", _("School's own evaluation")
        STAFF = "staff", _("A member of staff's view")
        PEER = "peer", _("Peer review")

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="evaluations")
    version = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="evaluations")
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(max_length=8, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="evaluations"
    )
    peer_review = models.ForeignKey(
        PeerReview, null=True, blank=True, on_delete=models.CASCADE, related_name="evaluations"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "version", "year"],
                condition=Q(kind="self"),
                name="evaluation_one_self_per_school_year",
            ),
            models.UniqueConstraint(
                fields=["school", "version", "year", "kind", "author"],
                condition=~Q(kind="self"),
                name="evaluation_one_view_per_person",
            ),
            models.CheckConstraint(
                condition=Q(kind="peer", peer_review__isnull=False)
                | (~Q(kind="peer") & Q(peer_review__isnull=True)),
                name="evaluation_peer_has_review",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.school.name} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("selfeval_school", args=[self.school.registry_id])


class Rating(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="ratings")
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="ratings")
    level = models.PositiveSmallIntegerField(_("level"))
    evidence = models.TextField(_("evidence"), blank=True, max_length=5000)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "standard"], name="rating_once_per_standard"),
            models.CheckConstraint(condition=Q(level__gte=1), name="rating_level_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.standard.code}: {self.level}"


class EvidenceFile(models.Model):
    """A file attached to the evidence for one standard in a school's own evaluation; its type was
    found from its content (kindred.core.attachments). It belongs to the evaluation, not to the
    rating, so clearing a level keeps the evidence."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="files")
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="evidence_files")
    file = models.FileField(upload_to="self-evaluation/%Y/%m/")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("selfeval_file", args=[self.pk])


class SelfEvalSharing(models.Model):
    """A school's choice to show its self-evaluation (domain scores, strengths and needs) to the
    members of its networks and the schools it is paired with. Without a row it is not shared:
    its own staff, the system leaders over it and site administrators see it, nobody else
    (docs/privacy.md)."""

    school = models.OneToOneField(
        "schools.School", primary_key=True, on_delete=models.CASCADE, related_name="selfeval_sharing"
    )
    with_networks = models.BooleanField(_("shared with our networks and partners"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.school}: {'shared' if self.with_networks else 'not shared'}"
