"""Forms of the report pages: how a scope's reports are addressed and signed, a report's number, and when
the schedules run.

They read and normalise what was typed (NFC, one item per line); reports.services saves it.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.vietnamese import nfc
from reports import schedules
from reports.models import DocumentSettings

MAX_LINES = {"addressee": 6, "recipients": 15, "signer_title": 3}


def _lines(text: str) -> list[str]:
    """Each non-empty line in NFC with single spaces."""
    return [line for line in (nfc(raw) for raw in (text or "").splitlines()) if line]


class DocumentSettingsForm(forms.ModelForm):
    class Meta:
        model = DocumentSettings
        fields = list(DocumentSettings.FIELDS)
        widgets = {
            "addressee": forms.Textarea(attrs={"rows": 2}),
            "recipients": forms.Textarea(attrs={"rows": 5}),
            "signer_title": forms.Textarea(attrs={"rows": 2}),
        }

    def _clean_lines(self, name: str) -> list[str]:
        found = _lines(self.cleaned_data.get(name, ""))
        if len(found) > MAX_LINES[name]:
            raise forms.ValidationError(
                _("At most %(count)s lines, so that the signature stays on the page."),
                params={"count": MAX_LINES[name]},
            )
        return found

    def clean_addressee(self) -> str:
        return "\n".join(self._clean_lines("addressee"))

    def clean_recipients(self) -> str:
        # NĐ 30: every recipient on a line of its own that starts with a dash.
        return "\n".join(line if line.startswith("-") else f"- {line}" for line in self._clean_lines("recipients"))

    def clean_signer_title(self) -> str:
        return "\n".join(self._clean_lines("signer_title"))

    def clean_signer_name(self) -> str:
        return nfc(self.cleaned_data.get("signer_name"))

    def clean_place(self) -> str:
        return nfc(self.cleaned_data.get("place"))


class ReportNumberForm(forms.Form):
    number = forms.CharField(
        label=_("Document number"),
        max_length=40,
        required=False,
        help_text=_("e.g. 15/BC-UBND; a number alone gets “/BC-UBND”. Leave empty to number by hand."),
    )

    def clean_number(self) -> str:
        return nfc(self.cleaned_data.get("number"))


def _whole(label, low: int, high: int, message) -> forms.IntegerField:
    """A whole number between low and high; one message for every way of getting it wrong. A text input
    (not type=number) so that what was typed is shown back as typed."""
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        error_messages=dict.fromkeys(("required", "invalid", "min_value", "max_value"), message),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 3}),
    )


class ScheduleForm(forms.Form):
    """The day and time of one known schedule, without cron text: a day of the month for the monthly and
    annual ones (1–28, so that February has it too), a month for the annual one, an hour and a minute."""

    day = _whole(_("Day of the month"), 1, 28, _("Enter a day of the month from 1 to 28 (every month has it)."))
    month = _whole(_("Month"), 1, 12, _("Enter a month from 1 to 12."))
    hour = _whole(_("Hour"), 0, 23, _("Enter an hour from 0 to 23."))
    minute = _whole(_("Minute"), 0, 59, _("Enter a minute from 0 to 59."))
    enabled = forms.BooleanField(label=_("Run on this schedule"), required=False)

    def __init__(self, *args, cadence: str, **kwargs):
        super().__init__(*args, **kwargs)
        if cadence != schedules.ANNUAL:
            del self.fields["month"]
        if cadence == schedules.DAILY:
            del self.fields["day"]

    @classmethod
    def initial_for(cls, times: schedules.Times | None, enabled: bool) -> dict:
        """The form's values from the schedule; empty fields when it is one only the admin site can show."""
        if times is None:
            return {"enabled": enabled}
        return {"day": times.day, "month": times.month, "hour": times.hour, "minute": times.minute, "enabled": enabled}

    def times(self) -> schedules.Times:
        data = self.cleaned_data
        return schedules.Times(hour=data["hour"], minute=data["minute"], day=data.get("day"), month=data.get("month"))
