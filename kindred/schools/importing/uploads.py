"""Files uploaded to import: where they are kept, and when they are deleted.

An upload is saved under MEDIA_ROOT/imports/ and imported by a background job. When the job
succeeds the file is deleted at once; when it fails the file is kept for
IMPORT_FAILED_UPLOAD_DAYS days (to look into it), with the job's errors CSV beside it in
imports/errors/. Files the mapping builder keeps while a mapping is made (imports/builder/) are
kept as long. `uploads_clean` deletes whatever is older: every import job calls it, and so does
`kindred import_uploads_clean` (for a daily timer).
"""

import time
from pathlib import Path

from django.conf import settings

UPLOAD_DIR = "imports"
ERRORS_DIR = "imports/errors"
BUILDER_DIR = "imports/builder"


def upload_finished(path: Path, *, succeeded: bool) -> None:
    """An import job has ended: delete its upload if it succeeded (a failed one's is kept a while)."""
    if succeeded:
        path.unlink(missing_ok=True)


def uploads_clean(*, now: float | None = None) -> int:
    """Delete uploads, builder files and errors CSVs older than IMPORT_FAILED_UPLOAD_DAYS; returns how many."""
    root = Path(settings.MEDIA_ROOT) / UPLOAD_DIR
    if not root.is_dir():
        return 0
    cutoff = (time.time() if now is None else now) - settings.IMPORT_FAILED_UPLOAD_DAYS * 86_400
    deleted = 0
    for path in [*root.glob("*"), *root.glob("errors/*"), *root.glob("builder/*")]:
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted
