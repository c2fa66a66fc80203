"""What checking an upload finds: its errors, its rows against what is saved, and the changes they make."""

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.utils.translation import gettext as _

from campaigns.criteria.evaluation import IndicatorKind, display
from campaigns.criteria.models import Indicator
from campaigns.results.excel.layout import SHEET
from campaigns.results.models import Submission
from wards.models import Neighbourhood


class UploadError(NamedTuple):
    sheet: str
    row: int | None  # None: the file as a whole
    column: str  # "F (Giá trị)", or "" for the file as a whole
    message: str

    def __str__(self) -> str:
        if self.row:
            return _("Sheet %(sheet)s, row %(row)s, column %(column)s: %(message)s") % {
                "sheet": self.sheet,
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return self.message


@dataclass
class UploadRow:
    """One valid row of the file, against what is saved now."""

    row: int
    neighbourhood: Neighbourhood
    indicator: Indicator
    submission: Submission  # unsaved when the unit has no results for the period yet
    value: Decimal | None  # numbers and yes/no (1/0)
    text: str  # text answers
    note: str
    old_value: Decimal | None
    old_text: str
    old_note: str
    has_result: bool
    # The version of the saved result of this period; None when there is none yet (nothing, or a
    # yearly value a new submission will carry over).
    old_version: int | None = None

    @property
    def value_changed(self) -> bool:
        return (self.value, self.text) != (self.old_value, self.old_text)

    @property
    def note_changed(self) -> bool:
        return self.note != self.old_note

    @property
    def changed(self) -> bool:
        return self.value_changed or self.note_changed

    def _raw(self, value, text):
        return text if self.indicator.kind == IndicatorKind.TEXT else value

    @property
    def old_display(self) -> str:
        return display(self.indicator.kind, self._raw(self.old_value, self.old_text)) if self.has_result else "—"

    @property
    def new_display(self) -> str:
        return display(self.indicator.kind, self._raw(self.value, self.text))

    @property
    def place(self) -> str:
        """The row's neighbourhood and indicator, as `UploadResult.base` names them."""
        return f"{self.neighbourhood.pk}:{self.indicator.pk}"

    @property
    def state(self) -> list:
        """What the row was checked against, to tell later whether it moved on: [version, content].

        The content (a short hash of value, text and note) decides when no result of the period was
        saved yet, so that a submission created meanwhile with the same carried-over value is no change.
        """
        content = repr((self.has_result, _plain(self.old_value), self.old_text, self.old_note))
        return [self.old_version, hashlib.sha256(content.encode()).hexdigest()[:16]]

    def moved_since(self, base: list | None) -> bool:
        """Whether what is saved for this row changed since it was `base` (a `state` recorded earlier)."""
        if base is None:
            return True  # not a row of the preview: nothing shows what it was
        version, content = base
        if version is not None:
            return self.old_version != version
        return self.state[1] != content

    def key(self) -> str:
        return "|".join(
            str(x)
            for x in (
                self.neighbourhood.pk,
                self.indicator.pk,
                self.old_value,
                self.old_text,
                self.old_note,
                self.value,
                self.text,
                self.note,
            )
        )


@dataclass
class UploadResult:
    sheet: str = SHEET
    errors: list[UploadError] = field(default_factory=list)
    rows: list[UploadRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    saved: int = 0  # results written by upload_apply
    # At confirmation: rows the file changes whose saved value moved on since the preview (their
    # old_* are the values saved now); nothing is saved while there are any.
    conflicts: list[UploadRow] = field(default_factory=list)
    stale: bool = False  # the changes are not those the confirmed page showed; nothing was saved
    # Where the template says it was made for (ward code, period id), and the column labels found.
    origin: tuple[str, int] | None = field(default=None, repr=False)
    origin_programme: str | None = field(default=None, repr=False)  # the programme code the file was made for
    labels: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def needs_review(self) -> bool:
        """Nothing was saved because what is saved moved on: the preview is shown again, to confirm or replace."""
        return bool(self.conflicts) or self.stale

    @property
    def base(self) -> dict[str, list]:
        """What each row was checked against, by neighbourhood and indicator (see UploadRow.state)."""
        return {r.place: r.state for r in self.rows}

    @property
    def changes(self) -> list[UploadRow]:
        return [r for r in self.rows if r.changed]

    @property
    def digest(self) -> str:
        """A fingerprint of the planned changes, to confirm exactly what the preview showed."""
        h = hashlib.sha256()
        for row in self.changes:
            h.update(row.key().encode())
            h.update(b"\n")
        return h.hexdigest()

    def error(self, row: int | None, column: str, message: str) -> None:
        self.errors.append(UploadError(self.sheet, row, column, message))


def _plain(value: Decimal | None) -> str | None:
    """95, 95.0 and 95.0000 alike, whichever way the database returned them."""
    return None if value is None else format(value.normalize(), "f")
