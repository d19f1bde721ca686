from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from kindred import countries
from kindred.accounts.models import Organisation, User
from kindred.networks.models import PARTNER_ROLES, Membership, Network, NetworkRole, Profile
from kindred.networks.partner_finder import language_choices
from kindred.schools.models import Region, School


class DirectoryForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        # Partnerships are not in the directory (issue 21, item 6).
        choices=[("", _("Any kind")), *[c for c in Network.Kind.choices if c[0] != Network.Kind.PARTNERSHIP]],
    )
    region = forms.ModelChoiceField(
        label=_("Area"), required=False, queryset=Region.objects.all(), empty_label=_("Anywhere")
    )
    phase = forms.ChoiceField(
        label=_("Phase"), required=False, choices=[("", _("Any phase")), *School.Phase.choices]
    )
    subject = forms.CharField(label=_("Subject"), required=False, max_length=100)
    has_room = forms.BooleanField(label=_("Has room to join"), required=False)
    # Networks with a member school teaching in this language (its partner profile, else its country's).
    language = forms.ChoiceField(label=_("Language of instruction"), required=False, choices=[])
    # Several countries installed (issue 23, item 2): networks with members in another country, or in
    # one named; across borders only where the person asks. Removed with one country.
    country = forms.ChoiceField(label=_("Country"), required=False, choices=[])

    def __init__(self, *args, region_label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if region_label:
            self.fields["region"].label = region_label
        self.fields["language"].choices = [("", _("Any language")), *language_choices()]
        if countries.several():
            self.fields["country"].choices = country_choices()
        else:
            del self.fields["country"]


def country_choices() -> list[tuple[str, str]]:
    """Any country, other countries than the reader's, then each installed country by its name."""
    return [
        ("", _("Any country")),
        ("other", _("Other countries than yours")),
        *[(profile.code, profile.country_name()) for profile in countries.installed()],
    ]


class NetworkForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The region in the country's own word (governorate, consortium …), in the reader's language.
        if "region" in self.fields:  # an informal group's form has none
            self.fields["region"].label = countries.profile().word("Region")

    class Meta:
        model = Network
        fields = [
            "name",
            "kind",
            "purpose",
            "description",
            "region",
            "phase",
            "subject",
            "visibility",
            "status",
            "capacity",
        ]

    def clean(self):
        data = super().clean()
        if (
            data.get("kind") == Network.Kind.PARTNERSHIP
            and data.get("visibility") == Network.Visibility.PUBLIC
        ):
            self.add_error(
                "visibility",
                _("A partnership is private: only its schools and the leaders over them see it."),
            )
        return data


class GroupForm(NetworkForm):
    """An informal group started by a member of staff: only the kinds the installation allows; its
    area is its founder's school's, and it is active from the start (issue 23, item 3)."""

    class Meta(NetworkForm.Meta):
        fields = ["name", "kind", "purpose", "description", "phase", "subject", "visibility", "capacity"]

    def __init__(self, *args, kinds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [c for c in Network.Kind.choices if c[0] in kinds]


class GroupCloseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the group closing? (its members see this)"),
        required=False,
        max_length=300,
    )


class FormalRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Why should it become a formal network? (the leaders read this)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FormalDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("decline", _("Decline"))])
    reason = forms.CharField(
        label=_("Your reason (the group's members read this)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AskToJoinForm(forms.Form):
    school = forms.ModelChoiceField(label=_("Your school"), queryset=School.objects.none())
    message = forms.CharField(
        label=_("Message to the coordinators"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools


class PersonalAskForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the coordinators"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SchoolByIdField(forms.CharField):
    """A school given by its registry id."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        school = School.objects.filter(registry_id=value.strip()).first()
        if school is None:
            raise forms.ValidationError(_("No school has the id %(id)s.") % {"id": value})
        return school


class InviteSchoolForm(forms.Form):
    school = SchoolByIdField(label=_("School's registry id"), max_length=32)
    role = forms.ChoiceField(
        label=_("School role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )
    message = forms.CharField(label=_("Message"), required=False, max_length=500)


class SchoolRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("School role"), choices=Membership.Role.choices)


class LeaveForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the school leaving?"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReplaceForm(forms.Form):
    school = SchoolByIdField(label=_("Registry id of the school taking its place"), max_length=32)
    reason = forms.CharField(label=_("Why is the school leaving?"), max_length=500)


# The roles a coordinator gives directly; a partner organisation's people are invited (PartnerInviteForm).
STAFF_ROLES = [(value, label) for value, label in NetworkRole.Role.choices if value not in PARTNER_ROLES]
PARTNER_ROLE_CHOICES = [(value, label) for value, label in NetworkRole.Role.choices if value in PARTNER_ROLES]


class PersonRoleForm(forms.Form):
    email = forms.EmailField(label=_("Their e-mail address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLES)
    school = SchoolByIdField(
        label=_("For a contact teacher: the member school's registry id"), max_length=32, required=False
    )


class PartnerInviteForm(forms.Form):
    """A coordinator invites one of a partner organisation's people, with a role."""

    email = forms.EmailField(label=_("Their e-mail address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=PARTNER_ROLE_CHOICES)
    organisation = forms.ModelChoiceField(
        label=_("Their organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Only needed when the person is one of several organisations' people."),
    )
    message = forms.CharField(label=_("Message"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.all()

    def clean(self):
        data = super().clean()
        email = data.get("email")
        if not email:
            return data
        person = User.objects.filter(email__iexact=email, is_active=True).first()
        theirs = list(Organisation.objects.filter(people__user=person)) if person else []
        if not theirs:
            raise forms.ValidationError(
                _("Nobody with that e-mail address is one of a partner organisation's people.")
            )
        chosen = data.get("organisation")
        if chosen is None:
            if len(theirs) > 1:
                raise forms.ValidationError(
                    _("This person is one of several organisations' people: choose one.")
                )
            chosen = theirs[0]
        elif chosen not in theirs:
            raise forms.ValidationError(
                _("%(person)s is not one of %(organisation)s's people.")
                % {"person": person, "organisation": chosen.name}
            )
        data["person"], data["organisation"] = person, chosen
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("decline", _("Decline"))])


WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
]


class RotaForm(forms.Form):
    """Meeting dates for one school year: the one the first meeting falls in (the country profile
    says when a school year starts), which the last meeting may not leave."""

    first = forms.DateField(
        label=_("First meeting on or after"), widget=forms.DateInput(attrs={"type": "date"})
    )
    last = forms.DateField(
        label=_("Last meeting on or before"), widget=forms.DateInput(attrs={"type": "date"})
    )
    meetings = forms.IntegerField(label=_("Number of meetings"), min_value=1, max_value=60, initial=6)
    weekday = forms.TypedChoiceField(label=_("Meeting day"), choices=WEEKDAYS, coerce=int, initial=3)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        profile = countries.profile()
        today = timezone.localdate()
        self.fields["first"].initial = today
        self.fields["last"].initial = profile.school_year_dates(profile.school_year_of(today))[1]
        self.fields["first"].help_text = _("The rota is for the %(school_year)s this date falls in.") % {
            "school_year": profile.word("school_year")
        }

    def clean(self):
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        if first and last and last < first:
            raise forms.ValidationError(_("The last date comes before the first."))
        if first and first < timezone.localdate():
            self.add_error("first", _("Choose today or a later date."))
        if first and last:
            profile = countries.profile()
            data["school_year"] = profile.school_year_of(first)
            end = profile.school_year_dates(data["school_year"])[1]
            if last > end:
                self.add_error(
                    "last",
                    _("Choose a date in the same %(school_year)s as the first meeting: it ends on %(end)s.")
                    % {"school_year": profile.word("school_year"), "end": date_format(end, "DATE_FORMAT")},
                )
        return data


class BlockDateForm(forms.Form):
    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.none())
    date = forms.DateField(
        label=_("Date it cannot host or chair"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools


class SwapForm(forms.Form):
    other = forms.IntegerField(widget=forms.HiddenInput)


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["job_title", "subjects", "phases", "languages", "offer", "visibility"]
        widgets = {"offer": forms.Textarea(attrs={"rows": 4}), "visibility": forms.RadioSelect}


class PeopleSearchForm(forms.Form):
    q = forms.CharField(label=_("Subject, role or name"), required=False, max_length=100)
    scope = forms.ChoiceField(
        label=_("Where"),
        required=False,
        choices=[
            ("", _("Everyone I can see")),
            ("networks", _("My networks")),
            ("family", _("My school's similar schools")),
        ],
    )
    # Several countries installed (issue 23): people of schools in one country, or in other countries
    # than the reader's. Removed with one country.
    country = forms.ChoiceField(label=_("Country"), required=False, choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if countries.several():
            self.fields["country"].choices = country_choices()
        else:
            del self.fields["country"]


class ConnectForm(forms.Form):
    message = forms.CharField(
        label=_("Message"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class InviteToNetworkForm(forms.Form):
    network = forms.ModelChoiceField(label=_("Network"), queryset=Network.objects.none())

    def __init__(self, *args, networks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = networks


# Communities of communities (issue 23, item 5) ---------------------------------------------


class FindNetworkForm(forms.Form):
    """The coordinators' search for a network to invite into a community of communities."""

    q = forms.CharField(label=_("Find a network by its name"), max_length=100, required=False)


class LinkInviteForm(forms.Form):
    member = forms.IntegerField(label=_("Network"), min_value=1, widget=forms.HiddenInput)
    message = forms.CharField(label=_("Message"), required=False, max_length=500)


class LinkDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])


class LinkEndForm(forms.Form):
    reason = forms.CharField(label=_("Why does the network leave?"), required=False, max_length=500)


class PartnerSearchForm(forms.Form):
    """The partner finder's filters (issue 23, item 2); the country only with several installed."""

    interest = forms.CharField(label=_("Subject or interest"), required=False, max_length=100)
    phase = forms.ChoiceField(
        label=_("Phase"), required=False, choices=[("", _("Any phase")), *School.Phase.choices]
    )
    language = forms.ChoiceField(label=_("Language of instruction"), required=False, choices=[])
    country = forms.ChoiceField(label=_("Country"), required=False, choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("Any language")), *language_choices()]
        if countries.several():
            self.fields["country"].choices = [
                ("", _("Your country")),
                ("other", _("Other countries than yours")),
                ("any", _("Any country")),
                *[(profile.code, profile.country_name()) for profile in countries.installed()],
            ]
        else:
            del self.fields["country"]


class PartnerProfileForm(forms.Form):
    """A school's partner profile: the languages it teaches in, what it would work on, whether it is
    looking for partners."""

    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.none())
    instruction_languages = forms.MultipleChoiceField(
        label=_("Languages of instruction"), choices=[], widget=forms.CheckboxSelectMultiple
    )
    interests = forms.CharField(
        label=_("Subjects and interests"),
        required=False,
        max_length=300,
        help_text=_("What your school would work on with a partner school; separate them with commas."),
    )
    open_to_partners = forms.BooleanField(label=_("Looking for partner schools"), required=False)

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["instruction_languages"].choices = language_choices()
