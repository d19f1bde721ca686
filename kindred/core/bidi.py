"""Bidirectional-override characters (issue 20, item 10).

U+202A–U+202E (embeddings and overrides) and U+2066–U+2069 (isolates) reorder the text after them
when shown: a title or a file name such as "invoice\u202efdp.exe" reads as "invoiceexe.pdf". Kindred
drops them from everything people type or upload (`BidiControlsMiddleware`) and from file names
(`kindred.core.attachments`); the marks U+200E, U+200F and U+061C, which only nudge neutral
characters and which right-to-left writing needs, are kept.
"""

import re

BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def without_bidi_controls(text: str) -> str:
    return BIDI_CONTROLS.sub("", text)


def _is_secret(name: str) -> bool:
    # A password is compared, not shown: changing it would lock its owner out.
    return "password" in name.lower()


class BidiControlsMiddleware:
    """Drops the override characters from every submitted text field (but passwords) and every
    uploaded file's name, before the view reads them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST":
            return None
        data = request.POST
        if any(BIDI_CONTROLS.search(value) for _name, values in data.lists() for value in values):
            cleaned = data.copy()
            for name, values in data.lists():
                if not _is_secret(name):
                    cleaned.setlist(name, [without_bidi_controls(value) for value in values])
            cleaned._mutable = False
            request._post = cleaned
        for _name, files in request.FILES.lists():
            for uploaded in files:
                if uploaded.name and BIDI_CONTROLS.search(uploaded.name):
                    uploaded.name = without_bidi_controls(uploaded.name)
        return None
