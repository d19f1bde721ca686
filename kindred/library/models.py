"""The resource library: files and links shared in a network or publicly, with versions, licences,
download counts; and policy templates a network agrees and its member schools adopt."""

import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kindred.core.changes import ChangeTracked
from kindred.schools.models import School


class Resource(ChangeTracked):
    class Kind(models.TextChoices):
        FILE = "file", _("File")
        LINK = "link", _("Link")
        POLICY = "policy", _("Policy template")

    class Licence(models.TextChoices):
        CC_BY = "CC-BY-4.0", _("Creative Commons Attribution 4.0")
        CC_BY_SA = "CC-BY-SA-4.0", _("Creative Commons Attribution-ShareAlike 4.0")
        CC_BY_NC = "CC-BY-NC-4.0", _("Creative Commons Attribution-NonCommercial 4.0")
        CC_BY_NC_SA = "CC-BY-NC-SA-4.0", _("Creative Commons Attribution-NonCommercial-ShareAlike 4.0")
        CC_BY_ND = "CC-BY-ND-4.0", _("Creative Commons Attribution-NoDerivatives 4.0")
        CC0 = "CC0-1.0", _("Creative Commons Zero (public domain)")

    network = models.ForeignKey(
        "networks.Network",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="resources",
        help_text=_("Empty: shared publicly with everyone signed in."),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.FILE)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    domain = models.CharField(_("framework domain"), max_length=64, blank=True)
    subject = models.CharField(_("subject"), max_length=100, blank=True)
    phase = models.CharField(_("phase"), max_length=16, choices=School.Phase.choices, blank=True)
    tags = models.CharField(_("other tags"), max_length=300, blank=True, help_text=_("Separated by commas."))
    licence = models.CharField(_("licence"), max_length=16, choices=Licence.choices, default=Licence.CC_BY)
    url = models.URLField(_("link"), blank=True)
    download_count = models.PositiveIntegerField(default=0, editable=False)
    agreed_version = models.ForeignKey(
        "ResourceVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("For a policy template: the version the network agreed."),
    )
    agreed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "pk"]
        indexes = [
            models.Index(fields=["network", "-created_at"], name="resource_network_idx"),
            models.Index(fields=["domain"], name="resource_domain_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="link") | ~Q(url=""), name="resource_link_has_url"),
            models.CheckConstraint(
                condition=~Q(kind="policy") | Q(network__isnull=False),
                name="resource_policy_belongs_to_network",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("library:detail", args=[self.pk])

    @property
    def tag_list(self) -> list[str]:
        """The tags, separated by commas (Latin "," or Arabic "،")."""
        return [t.strip() for t in re.split("[,،]", self.tags) if t.strip()]


class ResourceVersion(models.Model):
    """One uploaded file of a resource; a new version never replaces the old ones."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to="library/%Y/%m/")
    filename = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "number"], name="resourceversion_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.resource} v{self.number}"


class PolicyAdoption(models.Model):
    """A member school adopting a version of a network's policy template: who, which version, when."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="adoptions")
    version = models.ForeignKey(ResourceVersion, on_delete=models.PROTECT, related_name="adoptions")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="policy_adoptions")
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    adopted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-adopted_at"]
        constraints = [
            models.UniqueConstraint(fields=["version", "school"], name="policyadoption_once_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.school} adopted {self.version}"
