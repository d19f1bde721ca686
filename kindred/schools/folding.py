"""Search keys that find a name whatever the form of its letters.

`fold` turns text into the form search compares: lower case (casefold), accents and other
combining marks removed (Welsh ŵ ŷ â ô → w y a o; Arabic short vowels, shadda, sukun, tanwin,
and the hamza or madda written above or below a letter), and the Arabic letters people write
interchangeably made one: أ إ آ ٱ → ا, ة → ه, ى → ي, ؤ → و, ئ → ي, tatweel (ـ) dropped, Persian
and Urdu forms (ک ی) read as Arabic. So "مدرسة الأمل" is found by "مدرسه الامل" and
"Ysgol Gymraeg Bro Dinefŵr" by "dinefwr". Pure text: no Django, used on both sides of a search.
"""

import unicodedata

_ARABIC = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ؤ": "و",
        "ئ": "ي",
        "ء": "",
        "ـ": "",
        "ک": "ك",
        "ی": "ي",
        "\u200c": "",  # zero-width non-joiner
        "\u200f": "",  # right-to-left mark
    }
)


def fold(text: str) -> str:
    """`text` as search compares it: see the module docstring."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_ARABIC))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # Decomposing may leave a bare alef where a hamza sat on it, so translate once more.
    return " ".join(bare.translate(_ARABIC).casefold().split())


def school_search_key(name: str, town: str = "") -> str:
    """What a school is found by: its name and town, folded."""
    return fold(f"{name} {town}")
