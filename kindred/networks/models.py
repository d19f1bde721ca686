"""Networks of schools: membership with its full history, people's roles, the rota, profiles.

History is never deleted: a school leaving ends its `Membership` (left_at, leave_reason), a
person stepping down ends their `NetworkRole` (ended_at). "Active" means not ended.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kindred.core.changes import ChangeTracked, ChangeTrackedQuerySet
from kindred.core.choices import ChoiceLabels
from kindred.schools.models import School


def generated_name(made_by: str, params: dict) -> str:
    """The name of a network Kindred made, in the active language ("" if it was not made so, or its
    parameters are incomplete: the stored name is shown then)."""
    try:
        if made_by == Network.Made.FORMATION:
            return _("%(region)s network %(number)s (%(host)s)") % {
                "region": params["region"],
                "number": params["number"],
                "host": params["host"],
            }
        if made_by == Network.Made.BROKERING:
            return _("%(need)s with %(partner)s") % {"need": params["need"], "partner": params["partner"]}
    except (KeyError, TypeError):
        return ""
    return ""


class Network(ChoiceLabels, ChangeTracked):
    class Kind(models.TextChoices):
        COMMUNITY = "community", _("Community")
        CLUSTER = "cluster", _("Cluster")
        SUBJECT = "subject", _("Subject network")
        #: The exams officers of several schools (issue 23, item 3: a board's exams officers' WeChat
        #: and WhatsApp groups): an informal group's kind where the installation allows it.
        EXAMS_OFFICERS = "exams_officers", _("Exams officers' group")
        PARTNERSHIP = "partnership", _("Partnership")
        # A community of communities (issue 23, item 5): its members are networks (`NetworkLink`),
        # its board's announcements and its events reach their people.
        NETWORKS = "networks", _("Community of communities")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: anyone signed in sees it and its members")
        PRIVATE = "private", _("Private: members only")

    class Status(models.TextChoices):
        FORMING = "forming", _("Forming")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    class Made(models.TextChoices):
        """Who named a network Kindred made itself (blank: a person named it, as typed)."""

        FORMATION = "formation", _("Network formation")
        BROKERING = "brokering", _("Partner brokering")

    # The name as a person typed it; for a network Kindred made (`made_by`), its name in English,
    # kept for search, sorting and the API: pages show `display_name`, in the reader's language.
    name = models.CharField(_("name"), max_length=200)
    # A network Kindred made: by which run kind, and the data its name is made of (region, number
    # and host school for formation; the two schools for brokering), never the generated words.
    made_by = models.CharField(_("made by"), max_length=16, choices=Made.choices, blank=True)
    name_params = models.JSONField(_("name parameters"), default=dict, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    region = models.ForeignKey(
        "schools.Region", null=True, blank=True, on_delete=models.SET_NULL, related_name="networks"
    )
    phase = models.CharField(_("phase"), max_length=16, choices=School.Phase.choices, blank=True)
    subject = models.CharField(_("subject"), max_length=100, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.FORMING)
    capacity = models.PositiveIntegerField(
        _("most member schools"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Groups from below (issue 23, item 3): started by any member of staff, seen and moderated by
    # the leaders over its members, until a leader makes it a formal network (`FormalRequest`).
    informal = models.BooleanField(_("informal group"), default=False)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="groups_started",
        verbose_name=_("started by"),
    )

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["kind", "status"], name="network_kind_status_idx"),
            models.Index(fields=["informal", "region"], name="network_informal_region_idx"),
            models.Index(fields=["region", "kind"], name="network_region_kind_idx"),
            models.Index(fields=["subject"], name="network_subject_idx"),
            models.Index(fields=["name"], name="network_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=2), name="network_capacity_at_least_two"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("networks:detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        """The name in the active language: a person's name as typed; a name Kindred made, with its
        words in the reader's language around the data it is made of."""
        return generated_name(self.made_by, self.name_params) or self.name

    @property
    def display_purpose(self) -> str:
        """The purpose as typed; for a network Kindred made without one, where it came from."""
        if self.purpose or not self.made_by:
            return self.purpose
        return str(PROPOSED_BY[self.made_by])

    @property
    def wants_members(self) -> bool:
        """Whether schools and people may ask to join: not a partnership, which is between its own
        schools (brokered or agreed), is private and is not in the directory; not a community of
        communities, whose members are networks its coordinators invite."""
        return self.kind not in (self.Kind.PARTNERSHIP, self.Kind.NETWORKS)

    @property
    def has_member_networks(self) -> bool:
        """Whether this is a community of communities (its members are networks)."""
        return self.kind == self.Kind.NETWORKS


class MembershipQuerySet(ChangeTrackedQuerySet):
    def active(self):
        return self.filter(left_at__isnull=True)


# A network Kindred made says where it came from where a person would write its purpose.
PROPOSED_BY = {
    Network.Made.FORMATION: _("Proposed by network formation"),
    Network.Made.BROKERING: _("Proposed by brokering"),
}


class Membership(ChangeTracked):
    """A school's membership of a network, from joining to leaving (rows are never deleted)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead school")
        MEMBER = "member", _("Member")
        MENTOR = "mentor", _("Mentor school")
        MENTEE = "mentee", _("Mentee school")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="memberships")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="network_memberships")
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    leave_reason = models.CharField(_("reason for leaving"), max_length=500, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
        help_text=_("The membership of the school that took this school's place."),
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "school"],
                condition=Q(left_at__isnull=True),
                name="membership_one_active_per_school",
            ),
            models.CheckConstraint(
                condition=Q(left_at__isnull=True) | Q(left_at__gte=models.F("joined_at")),
                name="membership_leaves_after_joining",
            ),
        ]
        indexes = [models.Index(fields=["school", "left_at"], name="membership_school_active_idx")]

    def __str__(self) -> str:
        return _("%(school)s in %(network)s") % {"school": self.school.name, "network": self.network}

    @property
    def is_active(self) -> bool:
        return self.left_at is None


class NetworkRoleQuerySet(ChangeTrackedQuerySet):
    def active(self):
        return self.filter(ended_at__isnull=True)


PARTNER_ROLES = ("partner", "expert", "facilitator")


class NetworkRole(ChangeTracked):
    """A person's role in a network; ended roles stay as history."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        CONTACT_TEACHER = "contact_teacher", _("Contact teacher")
        MEMBER = "member", _("Member")
        # A partner organisation's person (issue 23, item 4), with `organisation` set.
        PARTNER = "partner", _("Partner")
        EXPERT = "expert", _("Expert")
        FACILITATOR = "facilitator", _("Facilitator")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="people_roles")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="network_roles")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    school = models.ForeignKey(
        School,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("For a contact teacher: the member school they are the contact for."),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="network_roles",
        verbose_name=_("organisation"),
        help_text=_("For a partner, an expert or a facilitator: the organisation they come from."),
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    objects = NetworkRoleQuerySet.as_manager()

    class Meta:
        ordering = ["started_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "user", "role"],
                condition=Q(ended_at__isnull=True),
                name="networkrole_one_active_per_person_and_role",
            ),
            models.CheckConstraint(
                condition=Q(organisation__isnull=True) | Q(role__in=["partner", "expert", "facilitator"]),
                name="networkrole_organisation_only_for_partners",
            ),
        ]
        indexes = [models.Index(fields=["user", "ended_at"], name="networkrole_user_active_idx")]

    def __str__(self) -> str:
        if self.organisation_id:
            return _("%(person)s (%(organisation)s) — %(role)s of %(network)s") % {
                "person": self.user,
                "organisation": self.organisation.name,
                "role": self.get_role_display(),
                "network": self.network,
            }
        return _("%(person)s — %(role)s of %(network)s") % {
            "person": self.user,
            "role": self.get_role_display(),
            "network": self.network,
        }

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class MembershipRequest(models.Model):
    """A school asking to join a network, or a network inviting a school; a coordinator (for an
    ask) or the school's leader or administrator (for an invitation) decides.

    With `person` set, it is one person asking to join as a member themself (a teacher whose
    school is not joining); approving it gives them a member's `NetworkRole`. With `organisation`
    set too, it is a coordinator inviting one of a partner organisation's people (kind INVITE) with
    a role (`partner_role`: partner, expert, facilitator); the person accepts or declines.
    """

    class Kind(models.TextChoices):
        ASK = "ask", _("Asked to join")
        INVITE = "invite", _("Invited")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="requests")
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.CASCADE, related_name="network_requests"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="network_requests",
        help_text=_("Set when one person asks to join as a member, rather than a school."),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="network_invitations",
        verbose_name=_("organisation"),
    )
    partner_role = models.CharField(
        _("partner's role"),
        max_length=16,
        blank=True,
        choices=[(value, label) for value, label in NetworkRole.Role.choices if value in PARTNER_ROLES],
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    role = models.CharField(
        _("role"), max_length=8, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    message = models.CharField(_("message"), max_length=500, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    replaces = models.ForeignKey(
        "Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replacement_invitations",
        help_text=_(
            "An invitation to take the place of a member that left: accepted, it is the replacement."
        ),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "school"],
                condition=Q(status="pending", person__isnull=True),
                name="membershiprequest_one_pending_per_school",
            ),
            models.UniqueConstraint(
                fields=["network", "person"],
                condition=Q(status="pending", person__isnull=False),
                name="membershiprequest_one_pending_per_person",
            ),
            models.CheckConstraint(
                condition=Q(school__isnull=False) | Q(person__isnull=False),
                name="membershiprequest_for_a_school_or_a_person",
            ),
            models.CheckConstraint(
                condition=Q(organisation__isnull=True, partner_role="")
                | Q(organisation__isnull=False, person__isnull=False, school__isnull=True, kind="invite")
                & ~Q(partner_role=""),
                name="membershiprequest_partner_invitation_complete",
            ),
        ]

    def __str__(self) -> str:
        who = self.person if self.person_id else self.school.name
        return f"{who} — {self.get_kind_display()} — {self.network}"

    @property
    def who(self) -> str:
        if self.organisation_id:
            return f"{self.person} ({self.organisation.name})"
        return str(self.person) if self.person_id else self.school.name

    @property
    def display_message(self) -> str:
        """The message as typed; for an invitation to replace a member sent without one, whose
        place it is, in the reader's language (the school is kept, never the words)."""
        if self.message or self.replaces_id is None:
            return self.message
        return _("Invited to take the place of %(school)s.") % {"school": self.replaces.school.name}


class FormalRequest(models.Model):
    """An informal group asking the leaders over its members to make it a formal network, and
    their decision; rows are never deleted, so the group's page shows every ask and its answer."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="formal_requests")
    message = models.CharField(_("why it should become a formal network"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason for the decision"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["network"], condition=Q(status="pending"), name="formalrequest_one_pending_per_group"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.network} — {self.get_status_display()}"


class RotaTurn(models.Model):
    """One school's turn to host or chair a network meeting on a date.

    A turn whose date has passed is held and never moves; future turns are re-balanced when
    members change (see kindred.engine.rota).
    """

    class Duty(models.TextChoices):
        HOST = "host", _("Host")
        CHAIR = "chair", _("Chair")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="rota_turns")
    school_year = models.PositiveSmallIntegerField(
        _("school year"), help_text=_("The calendar year the school year starts in.")
    )
    date = models.DateField(_("date"))
    duty = models.CharField(_("duty"), max_length=8, choices=Duty.choices)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="rota_turns")

    class Meta:
        ordering = ["date", "duty"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "date", "duty"], name="rotaturn_one_school_per_duty_and_date"
            ),
        ]
        indexes = [models.Index(fields=["network", "school_year"], name="rotaturn_network_year_idx")]

    def __str__(self) -> str:
        return f"{self.date}: {self.school.name} — {self.get_duty_display()}"

    @property
    def is_held(self) -> bool:
        return self.date < timezone.localdate()


class RotaBlockedDate(models.Model):
    """A date a member school cannot host or chair."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="blocked_dates")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "school", "date"], name="rotablockeddate_once_per_school"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school.name} cannot on {self.date}"


class Profile(models.Model):
    """What a person tells colleagues about themselves, and who may see it."""

    class Visibility(models.TextChoices):
        NETWORKS = "networks", _("People in my networks")
        REGION = "region", _("People in my networks and my region")
        EVERYONE = "everyone", _("Everyone signed in")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    job_title = models.CharField(_("role"), max_length=200, blank=True)
    subjects = models.CharField(
        _("subjects"), max_length=300, blank=True, help_text=_("Separate subjects with commas.")
    )
    phases = models.CharField(_("phases"), max_length=200, blank=True)
    offer = models.TextField(_("what I can offer"), blank=True)
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    visibility = models.CharField(
        _("who can see my profile"), max_length=8, choices=Visibility.choices, default=Visibility.NETWORKS
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return _("Profile of %(person)s") % {"person": self.user}

    def get_absolute_url(self) -> str:
        return reverse("networks:person", args=[self.user_id])


class PartnerProfile(models.Model):
    """What a school tells schools looking for partners (issue 23, item 2): the languages it teaches
    in and the subjects it would work on with a partner school, at home or in another country. Only
    schools with a profile open to partners are found by the partner finder (`/networks/partners/`).
    Languages are stored as codes (",en,cy,": one query finds a language in any position) and shown
    in the reader's language."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="partner_profile")
    instruction_languages = models.CharField(_("languages of instruction"), max_length=200, blank=True)
    interests = models.CharField(
        _("subjects and interests"),
        max_length=300,
        blank=True,
        help_text=_("What your school would work on with a partner school; separate them with commas."),
    )
    open_to_partners = models.BooleanField(_("looking for partner schools"), default=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["open_to_partners"], name="partnerprofile_open_idx")]

    def __str__(self) -> str:
        return _("Partner profile of %(school)s") % {"school": self.school.name}

    @property
    def language_codes(self) -> list[str]:
        return [code for code in self.instruction_languages.split(",") if code]


class Connection(models.Model):
    """One person asking to connect with another; the other accepts or declines."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Connected")
        DECLINED = "declined", _("Declined")

    from_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    message = models.CharField(_("message"), max_length=500, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["from_user", "to_user"], name="connection_once_per_pair"),
            models.CheckConstraint(condition=~Q(from_user=models.F("to_user")), name="connection_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.from_user} → {self.to_user} ({self.get_status_display()})"


# How deep communities of communities may nest: a programme's, a country's, a region's, then the
# clusters (three links from the top to the bottom). Reading through the links (networks/access.py)
# follows at most this many, so the limit is enforced when a link is made.
MOST_LINKS_DEEP = 3


class NetworkLinkQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=NetworkLink.Status.ACTIVE)

    def open(self):
        return self.filter(status__in=[NetworkLink.Status.INVITED, NetworkLink.Status.ACTIVE])


class NetworkLink(models.Model):
    """A network's membership of a community of communities (issue 23, item 5), from the invitation
    to its end: the parent's coordinators invite, the member network's coordinators accept or
    decline; either side's coordinators may end it later, with a reason. Rows are never deleted:
    each invitation is one row, and its history is read from its dates and status."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACTIVE = "active", _("Member")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        ENDED = "ended", _("Left")

    parent = models.ForeignKey(
        Network,
        on_delete=models.CASCADE,
        related_name="member_links",
        verbose_name=_("community of communities"),
    )
    member = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="parent_links", verbose_name=_("member network")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.INVITED)
    message = models.CharField(_("message"), max_length=500, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(_("invited"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When the invitation was accepted (the member joined), declined or withdrawn.
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_at = models.DateTimeField(_("left"), null=True, blank=True)
    end_reason = models.CharField(_("reason for leaving"), max_length=500, blank=True)

    objects = NetworkLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-invited_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "member"],
                condition=Q(status__in=["invited", "active"]),
                name="networklink_one_open_per_pair",
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("member")), name="networklink_not_itself"),
        ]
        indexes = [
            models.Index(fields=["member", "status"], name="networklink_member_status_idx"),
            models.Index(fields=["parent", "status"], name="networklink_parent_status_idx"),
        ]

    def __str__(self) -> str:
        return _("%(member)s in %(parent)s") % {"member": self.member, "parent": self.parent}

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE
