"""Forms of the title's life: the decision that awards a programme's title, its withdrawal (thu hồi).

They read and normalise what was typed (NFC, spaces, dd/mm/yyyy); the rules are in
campaigns.movement.services.titles, which the views call with `cleaned_data`.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.movement.models import Recognition
from campaigns.movement.services.titles import SIGNER_LENGTH, signed_by
from portal.dates import date_field
from portal.vietnamese import nfc


def _text(label, max_length: int, **kwargs) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, **kwargs)


class _Signed(forms.Form):
    """A decision's signer: name and position, stored together ("Nguyễn Văn An, Chủ tịch UBND phường")."""

    signer_name = _text(_("Signed by (name)"), 120)
    signer_position = _text(_("Signer's position"), 120, help_text=_("e.g. Chủ tịch UBND phường"))

    def clean(self):
        data = super().clean()
        for field in ("signer_name", "signer_position"):
            if data.get(field):
                data[field] = " ".join(nfc(data[field]).split())
        signer = signed_by(data.get("signer_name", ""), data.get("signer_position", ""))
        if len(signer) > SIGNER_LENGTH:
            self.add_error(
                "signer_position",
                _("The signer's name and position are too long (at most 200 characters together)."),
            )
        data["signer"] = signer
        return data


class DecisionForm(_Signed):
    """The decision: the ticked units (their city verification visits), number, date and signer."""

    units = forms.TypedMultipleChoiceField(
        label=_("Units awarded the title"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Tick at least one unit to decide."),
            "invalid_choice": _("A ticked unit is no longer among the units the city verified; reload the page."),
        },
    )
    decision_number = _text(_("Decision number"), 60, help_text=_("e.g. 1234/QĐ-UBND"))
    decision_date = date_field(_("Decision date"))

    field_order = ["units", "decision_number", "decision_date", "signer_name", "signer_position"]

    def __init__(self, *args, visit_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].choices = [(pk, str(pk)) for pk in visit_ids]


class WithdrawForm(_Signed):
    """The withdrawal decision: number, date, signer and the reason; `status` is the state the user saw."""

    withdrawal_number = _text(_("Withdrawal decision number"), 60)
    withdrawn_on = date_field(_("Withdrawal decision date"))
    reason = forms.CharField(
        label=_("Reason for withdrawal"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for the withdrawal.")},
    )
    status = forms.ChoiceField(choices=Recognition.Status.choices, widget=forms.HiddenInput, required=False)

    field_order = ["withdrawal_number", "withdrawn_on", "signer_name", "signer_position", "reason", "status"]

    def clean_reason(self):
        return nfc(self.cleaned_data["reason"]).strip()
