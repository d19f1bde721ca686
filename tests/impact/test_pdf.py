"""Reports as PDF, made on the server by WeasyPrint (impact/pdf.py): the evidence pack, a network's and a
programme's impact report — in Arabic (shaped, right to left) and Welsh, with Debian's DejaVu fonts, and
nothing fetched."""

import pytest
from django.test import Client
from weasyprint.formatting_structure import boxes

from kindred.impact import pdf
from kindred.impact.services import programme_create, programme_network_add, survey_create
from kindred.networks.models import Network

pytestmark = pytest.mark.django_db

ARABIC_NETWORK = "شبكة القراءة في الدلتا"
ARABIC_PROGRAMME = "برنامج المدارس معًا"
WELSH_NETWORK = "Rhwydwaith Dŵr a Thŷ"


@pytest.fixture
def laid_out(monkeypatch) -> list:
    """The documents the views lay out (WeasyPrint's own pages and boxes), as they are written."""
    made = []
    original = pdf.pdf_document

    def keep(*args, **kwargs):
        document = original(*args, **kwargs)
        made.append(document)
        return document

    monkeypatch.setattr(pdf, "pdf_document", keep)
    return made


def text_boxes(document) -> list:
    found = []

    def walk(box):
        if isinstance(box, boxes.TextBox):
            found.append(box)
        for child in getattr(box, "children", ()):
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return found


def text_of(document) -> str:
    return " ".join(box.text for box in text_boxes(document))


def is_pdf(response, filename: str) -> bytes:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response.content.startswith(b"%PDF-") and response.content.rstrip().endswith(b"%%EOF")
    return response.content


def written_glyphs(document) -> dict[str, set[int]]:
    """Each character the written PDF carries in Debian's DejaVu Sans (the font pdf.css names, embedded
    as a subset), with the glyphs drawn for it: the PDF's ToUnicode map, which is how a reader copies
    or searches its text."""
    families = {font.family for font in document.fonts.values()}
    assert "DejaVu Sans" in families, families
    glyphs: dict[str, set[int]] = {}
    for font in document.fonts.values():
        for glyph, text in font.to_unicode.items():
            for character in text:
                glyphs.setdefault(character, set()).add(glyph)
    return glyphs


def assert_arabic_shaped(document, words: str) -> None:
    """Every letter of `words` is in the PDF, and letters that join are drawn in more than one form
    (initial, medial, final: HarfBuzz's shaping), not as isolated letters side by side."""
    glyphs = written_glyphs(document)
    letters = {c for c in words if "\u0600" <= c <= "\u06ff"}
    assert letters <= set(glyphs), letters - set(glyphs)
    assert [c for c in letters if len(glyphs[c]) >= 2], "no Arabic letter drawn in a joined form"


def test_the_evidence_pack_as_a_pdf_in_arabic_holds_its_arabic_text_right_to_left(
    pack_network, school_leader_x, laid_out
):
    Network.objects.filter(pk=pack_network.pk).update(name=ARABIC_NETWORK)
    client = Client()
    client.force_login(school_leader_x)
    page = client.get(f"/impact/networks/{pack_network.pk}/pack/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert f"/impact/networks/{pack_network.pk}/pack.pdf" in page
    response = client.get(f"/impact/networks/{pack_network.pk}/pack.pdf", HTTP_ACCEPT_LANGUAGE="ar")
    is_pdf(response, f"network-{pack_network.pk}-evidence-pack.pdf")
    [document] = laid_out
    text = text_of(document)
    for words in ("ملف", "أدلة", "الدلتا", "القراءة", "Rowan Rural School", "Authority A1 director"):
        assert words in text
    title = next(box for box in text_boxes(document) if "الدلتا" in box.text)
    assert title.style["direction"] == "rtl"
    assert_arabic_shaped(document, ARABIC_NETWORK)
    assert len(document.pages) >= 2


def test_the_networks_impact_report_as_a_pdf_in_welsh(pack_network, school_leader_x, laid_out):
    Network.objects.filter(pk=pack_network.pk).update(name=WELSH_NETWORK)
    client = Client()
    client.force_login(school_leader_x)
    page = client.get(f"/impact/networks/{pack_network.pk}/", HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    assert f"/impact/networks/{pack_network.pk}/report.pdf" in page
    response = client.get(f"/impact/networks/{pack_network.pk}/report.pdf", HTTP_ACCEPT_LANGUAGE="cy")
    is_pdf(response, f"network-{pack_network.pk}-impact.pdf")
    [document] = laid_out
    text = text_of(document)
    assert "Effaith" in text and "Dŵr" in text and "Thŷ" in text
    assert "1.23" in text and "0.45" in text  # the stored effect and its interval
    assert next(b for b in text_boxes(document) if "Dŵr" in b.text).style["direction"] == "ltr"
    assert {"ŵ", "ŷ"} <= set(written_glyphs(document))


def test_the_programmes_impact_report_as_a_pdf_in_arabic_with_its_survey(
    pack_network, system_leader, region_a, laid_out
):
    programme = programme_create(name=ARABIC_PROGRAMME, kind="scheme", region=region_a, by=system_leader)
    programme_network_add(programme=programme, network=pack_network, by=system_leader)
    survey_create(
        programme=programme,
        title="العمل معًا",
        statements=["أتعلم من زملائي"],
        min_respondents=3,
        by=system_leader,
    )
    client = Client()
    client.force_login(system_leader)
    page = client.get(f"/impact/programmes/{programme.pk}/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert f"/impact/programmes/{programme.pk}/report.pdf" in page
    response = client.get(f"/impact/programmes/{programme.pk}/report.pdf", HTTP_ACCEPT_LANGUAGE="ar")
    is_pdf(response, f"programme-{programme.pk}-impact.pdf")
    [document] = laid_out
    text = text_of(document)
    assert "معًا" in text and "المدارس" in text and "أتعلم" in text and "زملائي" in text
    assert next(b for b in text_boxes(document) if "المدارس" in b.text).style["direction"] == "rtl"
    assert_arabic_shaped(document, ARABIC_PROGRAMME + "أتعلم من زملائي")


def test_the_pdfs_follow_their_pages_rules(pack_network, teacher_x, teacher_y, system_leader, region_a):
    programme = programme_create(name="Private", kind="scheme", region=region_a, by=system_leader)
    client = Client()
    client.force_login(teacher_x)  # a member's teacher: reads the impact page, not the pack or programme
    assert client.get(f"/impact/networks/{pack_network.pk}/report.pdf").status_code == 200
    assert client.get(f"/impact/networks/{pack_network.pk}/pack.pdf").status_code == 403
    assert client.get(f"/impact/programmes/{programme.pk}/report.pdf").status_code == 404
    client.logout()
    assert client.get(f"/impact/networks/{pack_network.pk}/pack.pdf").status_code == 302


def test_a_pdf_fetches_nothing_it_names():
    fetcher = pdf.nothing_fetched()
    for url in ("http://example.org/x.png", "file:///etc/passwd", "https://127.0.0.1/admin/"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_without_pango_a_pdf_says_what_is_missing_and_the_pages_still_work(
    pack_network, school_leader_x, monkeypatch
):
    def missing():
        raise pdf.PdfUnavailable("cannot load library 'libpango-1.0.so.0'")

    monkeypatch.setattr(pdf, "_weasyprint", missing)
    client = Client()
    client.force_login(school_leader_x)
    refused = client.get(f"/impact/networks/{pack_network.pk}/pack.pdf")
    assert refused.status_code == 503 and "Pango" in refused.content.decode()
    assert client.get(f"/impact/networks/{pack_network.pk}/pack/").status_code == 200
