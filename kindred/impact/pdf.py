"""Reports as PDF, made on the server by WeasyPrint (issue #25.6): a network's and a programme's impact
report and a network's evidence pack.

The PDF is the page itself: the same template and context, in a frame without the site's navigation
(`impact/pdf_base.html`, given to the page as `base_template`), laid out with the print stylesheet
(`impact/print.css`) and the PDF's own (`impact/pdf.css`: A4, page numbers, the font; the site's own
stylesheet is for screens). Text is laid out by Pango with HarfBuzz, so Arabic is shaped and runs right to left as on
screen; the font is DejaVu Sans (Debian's `fonts-dejavu-core`, which covers Latin with Welsh's ŵ and ŷ,
and Arabic), found through fontconfig — nothing is downloaded.

WeasyPrint fetches nothing: the stylesheets are read from Kindred's own files and given to it, and its
URL fetcher refuses every address, so a report cannot be made to load a page, a file of the server or
an upload. The inline SVG pictures of intervals are drawn by WeasyPrint itself.

WeasyPrint loads Debian's Pango when it is imported, so it is imported when a PDF is first asked for:
a server without Pango (.ci/ensure-pdf-libraries) still serves every page, and answers a PDF with a
page saying what is missing (503).
"""

from functools import cache
from pathlib import Path
from types import ModuleType

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from kindred.core.actions import problem_page

APPS = Path(__file__).resolve().parent.parent
STYLESHEETS = (
    APPS / "impact" / "static" / "impact" / "print.css",
    APPS / "impact" / "static" / "impact" / "pdf.css",
)
PDF_BASE = "impact/pdf_base.html"


class PdfUnavailable(Exception):
    """WeasyPrint cannot run here: Debian's Pango (or a library it loads) is missing."""


@cache
def _weasyprint() -> tuple[ModuleType, type]:
    """WeasyPrint and a URL fetcher that fetches nothing (every address a page names is refused and
    left out), imported on first use (see the module's docstring)."""
    try:
        import weasyprint
        from weasyprint.urls import URLFetcher
    except OSError as error:  # cffi could not open libpango-1.0.so.0 or another of its libraries
        raise PdfUnavailable(str(error)) from error

    class NothingFetched(URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError(f"A PDF made by Kindred loads nothing: {url[:100]}")

    return weasyprint, NothingFetched


def nothing_fetched():
    """The URL fetcher every PDF is made with."""
    return _weasyprint()[1]()


def pdf_document(request: HttpRequest, template: str, context: dict):
    """The page `template` with `context`, laid out in pages (a WeasyPrint Document) in the request's
    language."""
    weasyprint, _fetcher = _weasyprint()
    html = render_to_string(template, {**context, "base_template": PDF_BASE}, request=request)
    fetcher = nothing_fetched()
    stylesheets = [
        weasyprint.CSS(string=path.read_text(encoding="utf-8"), url_fetcher=fetcher) for path in STYLESHEETS
    ]
    page = weasyprint.HTML(string=html, base_url=request.build_absolute_uri("/"), url_fetcher=fetcher)
    return page.render(stylesheets=stylesheets)


def pdf_download(request: HttpRequest, template: str, context: dict, *, filename: str) -> HttpResponse:
    try:
        pdf = pdf_document(request, template, context).write_pdf()
    except PdfUnavailable:
        return problem_page(
            request,
            _(
                "This server cannot make PDFs: it lacks Debian's Pango libraries (see docs/deploying.md). "
                "Use your browser's Print instead."
            ),
            status=503,
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
