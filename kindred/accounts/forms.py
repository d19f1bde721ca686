from math import ceil

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UsernameField
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kindred.accounts import backends, services, throttle
from kindred.accounts.models import JoinRequest, SchoolStaff, User
from kindred.core.mail import single_line


class SignInForm(AuthenticationForm):
    """Django's sign-in form, with the e-mail field's length checked before anyone looks it up."""

    username = UsernameField(
        label=_("Email address"), max_length=254, widget=forms.EmailInput(attrs={"autofocus": True})
    )

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError as error:
            wait = getattr(self.request, "sign_in_wait", None)
            if wait is None and not settings.LOCAL_PASSWORDS and error.code == "invalid_login":
                # The same answer whoever tried, so the break-glass administrator's address is not told.
                raise forms.ValidationError(
                    _(
                        "Passwords are switched off here, except for the site's emergency administrator, "
                        "and this address and password are not theirs. Sign in with your organisation's "
                        "account."
                    ),
                    code="passwords_off",
                ) from None
            if wait is None:
                raise
            minutes = max(1, ceil(wait.total_seconds() / 60))
            raise forms.ValidationError(
                ngettext(
                    "There have been several wrong passwords for this address, so signing in with it "
                    "is paused: try again in %(minutes)d minute, or reset your password.",
                    "There have been several wrong passwords for this address, so signing in with it "
                    "is paused: try again in %(minutes)d minutes, or reset your password.",
                    minutes,
                )
                % {"minutes": minutes},
                code="delayed",
            ) from None


class ThrottledPasswordResetForm(PasswordResetForm):
    """Django's reset form, sending through `services.password_reset_request` (limits per address and IP)."""

    def get_users(self, email):
        # With LOCAL_PASSWORDS off only the break-glass administrator has a password to reset.
        return (user for user in super().get_users(email) if backends.password_sign_in_allowed(user.email))

    def save(self, *, request, **kwargs):
        services.password_reset_request(
            email=self.cleaned_data["email"],
            ip=throttle.client_ip(request),
            send=lambda: super(ThrottledPasswordResetForm, self).save(request=request, **kwargs),
        )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    role = forms.ChoiceField(
        label=_("Role"), choices=SchoolStaff.Role.choices, initial=SchoolStaff.Role.TEACHER
    )


class AccountFromInvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Your full name"), max_length=200, validators=[single_line])
    password1 = forms.CharField(label=_("Choose a password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("The password again"), widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        data = super().clean()
        one, two = data.get("password1"), data.get("password2")
        if one and two and one != two:
            raise forms.ValidationError(_("The two passwords differ."))
        if one:
            password_validation.validate_password(
                one, User(email=self.email, full_name=data.get("full_name", ""))
            )
        return data


class JoinRequestForm(forms.ModelForm):
    class Meta:
        model = JoinRequest
        fields = ["role", "message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 3, "maxlength": 500})}
        labels = {"message": _("A word for the administrator (optional)")}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("decline", _("Decline"))])


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Six-digit code from your authenticator app"),
        regex=r"^\d{6}$",
        max_length=6,
        error_messages={"invalid": _("Enter the six digits your app shows.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ConfirmForm(forms.Form):
    """The confirmation step of a destructive action: a hidden field the confirmation page sends."""

    confirm = forms.BooleanField(widget=forms.HiddenInput, initial=True)


class DeleteAccountForm(forms.Form):
    password = forms.CharField(label=_("Your password, to confirm"), widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return password
