from django import forms
from django.utils.translation import gettext_lazy as _

from kindred.board.models import NotificationSettings, ThreadRead
from kindred.core.attachments import MultipleFileField
from kindred.core.mail import single_line

BODY_HELP = _(
    "Markdown: **bold**, *italic*, [a link](https://example.org), lists with “- ”. Mention someone with @**Their Name**."
)


class PostForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}), help_text=BODY_HELP)
    files = MultipleFileField(
        label=_("Attachments"), required=False, help_text=_("Images, PDF, office documents or plain text.")
    )


class ThreadForm(PostForm):
    title = forms.CharField(label=_("Title"), max_length=200, validators=[single_line])
    pinned = forms.BooleanField(label=_("Pin as an announcement"), required=False)
    field_order = ["title", "body", "files", "pinned"]


class EditForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}), help_text=BODY_HELP)


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with this post?"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class LevelForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Notifications for this thread"), choices=ThreadRead.Level.choices, widget=forms.RadioSelect
    )


class NotificationSettingsForm(forms.ModelForm):
    class Meta:
        model = NotificationSettings
        fields = ["email_at_once", "mentions_in_muted_threads", "digest"]
        widgets = {"digest": forms.RadioSelect}
        labels = {
            "email_at_once": _(
                "Tell me at once when I am mentioned or someone replies in a thread I follow: by e-mail, "
                "or by a push notification on the devices where I turned them on"
            )
        }


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the boards"), max_length=200, required=False)
