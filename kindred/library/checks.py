"""What a library upload may be, decided by its content (puremagic), not by its name or the
browser's claim: size limit, allowed types, and the extension agreeing with the content."""

import hashlib
from dataclasses import dataclass
from pathlib import PurePath

import puremagic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Extension → the MIME type served. Office formats are ZIP containers, told apart by puremagic.
ALLOWED = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".txt": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
}
TEXT = {".txt", ".csv"}


@dataclass(frozen=True)
class Checked:
    filename: str
    size: int
    content_type: str
    sha256: str


def check_upload(upload) -> Checked:
    """The upload's checked facts, or ValidationError saying what is wrong."""
    limit = settings.LIBRARY_MAX_UPLOAD_MB * 1024 * 1024
    if upload.size > limit:
        raise ValidationError(_("Files may be at most %(mb)s MB.") % {"mb": settings.LIBRARY_MAX_UPLOAD_MB})
    if upload.size == 0:
        raise ValidationError(_("The file is empty."))
    name = PurePath(upload.name).name[:200]
    ext = PurePath(name).suffix.lower()
    if ext not in ALLOWED:
        raise ValidationError(
            _("Files of this type cannot be shared. Allowed: %(types)s.")
            % {"types": ", ".join(sorted(ALLOWED))}
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if ext in TEXT:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ValidationError(_("A text file must be UTF-8 text.")) from error
        if "\x00" in text or text.lstrip().lower().startswith(("<!doctype", "<html", "<script", "<svg")):
            raise ValidationError(_("The file's content is not plain text."))
    else:
        try:
            found = {m.extension.lower() for m in puremagic.magic_string(data)}
        except puremagic.PureError:
            found = set()
        same = {ext} | ({".jpg", ".jpeg"} if ext in {".jpg", ".jpeg"} else set())
        if not found & same:
            raise ValidationError(_("The file's content does not match its name (%(ext)s).") % {"ext": ext})
    return Checked(
        filename=name, size=upload.size, content_type=ALLOWED[ext], sha256=hashlib.sha256(data).hexdigest()
    )
