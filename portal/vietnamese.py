"""Vietnamese text: NFC normalisation and accent-folding for search.

Names are stored in NFC (one code point per accented letter) so that the same
name typed on a phone and pasted from a Word file compares equal. Search works
on a folded copy: no diacritics, "đ" → "d", lower case, single spaces, so
"dong cuong" finds "Đông Cương" on SQLite and PostgreSQL alike.
"""

import unicodedata

_D_MAP = str.maketrans({"đ": "d", "Đ": "d"})


def nfc(text: str | None) -> str:
    """Return `text` in Unicode NFC with surrounding and repeated spaces removed."""
    if not text:
        return ""
    return " ".join(unicodedata.normalize("NFC", str(text)).split())


def fold(text: str | None) -> str:
    """Return the search key of `text`: no diacritics, lower case, single spaces."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", str(text).translate(_D_MAP))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())
