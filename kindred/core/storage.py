"""Uploaded files on a full disk: nothing half-stored, and a page that says so (issue #26's fault drill).

Django's file system storage creates the file, then writes it chunk by chunk; when the disk fills
up halfway (ENOSPC, a quota: EDQUOT, a file size limit: EFBIG) it raises, and leaves the part it
wrote behind. `UploadStorage` (the default storage: board attachments, library documents,
self-evaluation evidence, import uploads) removes that part and raises `StorageFull`; the request's
transaction rolls back as for any error, so no row points at a missing or broken file, and
`StorageFullMiddleware` answers 507 with a page saying that nothing was stored and to try again
later (the error is logged for the administrators). `/ready/` already reports the uploads folder's
free space (READY_MIN_FREE_DISK_MB).
"""

import contextlib
import errno
import logging
import os

from django.core.files.storage import FileSystemStorage
from django.shortcuts import render

logger = logging.getLogger(__name__)

FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


class StorageFull(OSError):
    """There was no room to store an uploaded file; what had been written of it was removed."""


class UploadStorage(FileSystemStorage):
    def _save(self, name, content):
        path = self.path(name)
        existed = os.path.lexists(path)
        try:
            return super()._save(name, content)
        except OSError as error:
            if error.errno not in FULL:
                raise
            if not existed:
                with contextlib.suppress(FileNotFoundError):
                    os.remove(path)  # the part written before the disk filled up
            raise StorageFull(error.errno, f"no room to store {name}: {error.strerror}") from error


class StorageFullMiddleware:
    """Turns StorageFull into a 507 page (the view's transaction has rolled back by then)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, StorageFull):
            return None
        logger.error("Upload refused, the disk is full: %s (%s %s)", exception, request.method, request.path)
        return render(request, "507.html", status=507)
