"""Forms of the report pages: how a scope's reports are addressed and signed, and a report's number.

They read and normalise what was typed (NFC, one item per line); reports.services saves it.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.vietnamese import nfc
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
