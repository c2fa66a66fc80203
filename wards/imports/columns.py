"""The columns of a neighbourhood file, found by their header whatever its accents, case or spacing."""

import re

from django.utils.translation import gettext as _

from portal.vietnamese import fold
from wards.imports.outcome import RowError

COLUMNS = {
    "ward_code": (
        "ma phuong/xa",
        "ma phuong xa",
        "ma xa/phuong",
        "ma xa",
        "ma phuong",
        "ma don vi",
        "ward code",
        "ward_code",
    ),
    "name": ("ten", "ten thon/to dan pho", "ten khu dan cu", "name"),
    "kind": ("loai", "kind"),
    "households": ("so ho", "ho", "households"),
    "people": ("so nhan khau", "nhan khau", "so dan", "people"),
}


def COLUMN_LABELS() -> dict[str, str]:  # noqa: N802 - a table, translated when read
    return {
        "ward_code": _("Ward code"),
        "name": _("Name"),
        "kind": _("Kind"),
        "households": _("Households"),
        "people": _("People"),
    }


def column_map(number: int, header: list) -> tuple[dict[str, int], list[RowError]]:
    """Where each column is (its index in a row), and an error for each one missing."""
    folded = [_header_key(h) for h in header]
    labels = COLUMN_LABELS()
    found, errors = {}, []
    for key, names in COLUMNS.items():
        for i, h in enumerate(folded):
            if h in names:
                found[key] = i
                break
        else:
            errors.append(RowError(number, labels[key], _("Missing column “%(name)s”.") % {"name": labels[key]}))
    return found, errors


def _header_key(cell) -> str:
    return re.sub(r"\s*/\s*", "/", fold(str(cell))) if cell is not None else ""
