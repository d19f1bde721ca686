"""Attached files, shared by the messageboard and self-evaluation evidence: the type is read from
the file's first bytes (puremagic), never from its name.

Allowed: images that browsers show safely (PNG, JPEG, GIF, WebP), PDF, office documents
(OpenDocument and Office Open XML) and plain UTF-8 text. Everything is served as a download
(`Content-Disposition: attachment`, `X-Content-Type-Options: nosniff`, a sandboxing CSP), so
even an allowed file never runs in Kindred's origin (`download`). Each app keeps its own model
(a `FileField` in the default storage) and access rule, and calls `check` before writing anything.
"""

from dataclasses import dataclass

import puremagic
from django import forms
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from kindred.core.bidi import without_bidi_controls

ALLOWED_TYPES = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.oasis.opendocument.presentation": ".odp",
    "text/plain": ".txt",
}


@dataclass(frozen=True)
class Checked:
    content_type: str
    size: int


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still text.
        return error.start >= len(head) - 3
    lowered = head.lstrip().lower()
    # HTML and SVG are text, but a browser would run their scripts: never accept them.
    return not lowered.startswith((b"<!doctype", b"<html", b"<svg", b"<?xml", b"<script"))


def check(uploaded, *, limit: int) -> Checked:
    """The upload's real type and size (at most `limit` bytes), or ValidationError saying what is wrong."""
    if uploaded.size > limit:
        raise ValidationError(
            _("%(name)s is %(size)d KB; attachments may be at most %(limit)d KB.")
            % {"name": uploaded.name, "size": uploaded.size // 1024, "limit": limit // 1024}
        )
    if uploaded.size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": uploaded.name})
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(0)
    content_type = ""
    try:
        content_type = puremagic.from_string(head, mime=True)
    except puremagic.PureError:
        content_type = ""
    # Office files are zip archives: read the whole (size-checked) file so puremagic looks inside.
    if content_type not in ALLOWED_TYPES and head.startswith(b"PK"):
        try:
            content_type = puremagic.from_string(uploaded.read(), mime=True)
        except puremagic.PureError:
            content_type = ""
        uploaded.seek(0)
    if content_type not in ALLOWED_TYPES and _looks_like_text(head):
        content_type = "text/plain"
    if content_type not in ALLOWED_TYPES:
        raise ValidationError(
            _("%(name)s is not a kind of file Kindred accepts (images, PDF, office documents, plain text).")
            % {"name": uploaded.name}
        )
    return Checked(content_type=content_type, size=uploaded.size)


def download(fieldfile, *, filename: str, content_type: str) -> FileResponse:
    """A stored attachment as a download that never runs in Kindred's origin; 404 when the file is gone.
    The caller has already checked that the person may see it."""
    try:
        handle = fieldfile.open("rb")
    except FileNotFoundError as missing:
        raise Http404("The file is missing.") from missing
    # A name stored before override characters were dropped (kindred.core.bidi) is saved without them.
    response = FileResponse(
        handle, as_attachment=True, filename=without_bidi_controls(filename), content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe); each is checked by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []
