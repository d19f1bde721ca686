"""What is kept of a reply by e-mail: the new text, without the quoted message or the signature,
whatever the language of the mail program."""

import pytest

from kindred.board.quotes import html_text, reply_text


@pytest.mark.parametrize(
    "header",
    [
        "On Mon, 7 Dec 2026 at 09:12, Kindred <kindred@example.org> wrote:",
        "On Mon, 7 Dec 2026 at 09:12, Kindred <kindred@example.org>\nwrote:",  # wrapped by the client
        "Ar Llun, 7 Rhag 2026 am 09:12, Kindred <kindred@example.org> ysgrifennodd:",  # Welsh Gmail
        "\u200fفي الاثنين، 7 ديسمبر 2026 في 9:12 ص، Kindred <kindred@example.org> كتب:",  # Arabic Gmail
        "Kindred <kindred@example.org> كتب:",
        "Le lun. 7 déc. 2026 à 09:12, Kindred <kindred@example.org> a écrit :",
        "Am Mo., 7. Dez. 2026 um 09:12 Uhr schrieb Kindred <kindred@example.org>:",
        "-----Original Message-----",
        "________________________________\nFrom: Kindred <kindred@example.org>\nSent: 07 December 2026 09:12",
        "From: Kindred <kindred@example.org>\nDate: Monday, 7 December 2026\nTo: Teacher X",
        "Oddi wrth: Kindred <kindred@example.org>\nAnfonwyd: 07 Rhagfyr 2026 09:12",
        "من: Kindred <kindred@example.org>\nتاريخ الإرسال: 7 ديسمبر 2026",
    ],
)
def test_the_quoted_message_is_cut_at_its_header_in_each_mail_programs_language(header):
    text = f"Yes please.\n\n{header}\n> New reply in “Reading”\n>   Yann: Fridays\nand the rest"
    assert reply_text(text) == "Yes please."


@pytest.mark.parametrize(
    "signature",
    [
        "-- \nJane Jones\nHead of English",
        "--\nJane",
        "Sent from my iPhone",
        "Sent from my Galaxy",
        "Get Outlook for Android",
        "Anfonwyd o'm iPhone",
        "أُرسلت من iPhone الخاص بي",
    ],
)
def test_signatures_go(signature):
    assert reply_text(f"See you there.\n\n{signature}") == "See you there."


def test_quoted_lines_between_answers_go_and_the_answers_stay():
    text = "> Who runs a book club?\nWe do.\n> On which day?\nThursdays.\n"
    assert reply_text(text) == "We do.\nThursdays."


def test_a_dash_list_and_ordinary_words_are_kept():
    text = "Three things:\n- books\n- tea\nFrom the library, we borrow sets. Sent them on."
    assert reply_text(text) == text


def test_arabic_and_welsh_text_is_kept_whole():
    assert reply_text("شكراً جزيلاً، نلتقي يوم الخميس") == "شكراً جزيلاً، نلتقي يوم الخميس"
    assert reply_text("Diolch yn fawr — wela i chi ddydd Iau") == "Diolch yn fawr — wela i chi ddydd Iau"


def test_an_html_only_reply_loses_its_quoted_blocks():
    html = (
        '<div dir="ltr">Ours is on <b>Thursdays</b>.<br>After school.</div><br>'
        '<div class="gmail_quote"><div class="gmail_attr">On Mon, Kindred wrote:</div>'
        "<blockquote><div>New reply</div></blockquote></div>"
    )
    assert reply_text(html_text(html)) == "Ours is on Thursdays.\nAfter school."
