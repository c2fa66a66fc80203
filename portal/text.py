"""Text the portal keeps: never a character that XML, and so an .xlsx workbook, cannot carry.

XML 1.0 allows neither the control characters other than tab and line breaks, nor U+FFFE and U+FFFF, nor a
lone surrogate. One of them in a saved note makes every workbook holding that note unreadable, so they are
refused where text comes in (every form's text fields, see `install`) and removed where text goes out to a
workbook (`strip_illegal`, used by portal.spreadsheets.text_cell_value) for what was saved before.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# XML 1.0's Char production, inverted: what no XML document may hold, escaped or not.
ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def strip_illegal(text: str) -> str:
    """The text without the characters XML cannot carry."""
    return ILLEGAL.sub("", text)


def first_illegal(text: str) -> str | None:
    """The first character XML cannot carry, as "U+FFFE"; None when there is none."""
    match = ILLEGAL.search(text)
    return f"U+{ord(match.group()):04X}" if match else None


def illegal_message(char: str) -> str:
    return _("The text holds a character that cannot be saved (%(char)s); delete it and type the text again.") % {
        "char": char
    }


def validate_text(value) -> None:
    """A form field validator: refuse text holding a character XML cannot carry.

    NUL is left to Django's own ProhibitNullCharactersValidator, which every CharField has, so that it is not
    reported twice. Values that are not text (a JSON field's list) are not looked at.
    """
    if not isinstance(value, str):
        return
    char = first_illegal(value.replace("\x00", ""))
    if char is not None:
        raise ValidationError(illegal_message(char), code="illegal_character")


def install() -> None:
    """Give every form CharField (and its subclasses: model forms, the admin, filters, NumberField) the check.

    Called once from PortalConfig.ready(). Subclasses that declare their own default validators (EmailField,
    URLField, SlugField) keep theirs; no form of the portal takes free text through them.
    """
    if validate_text not in forms.CharField.default_validators:
        forms.CharField.default_validators = [*forms.CharField.default_validators, validate_text]
