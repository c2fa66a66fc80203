"""Forms of recognitions (propose, decide). The rules live in campaigns.movement."""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.movement.models import Recognition
from campaigns.movement.services.recognitions import RECOGNITION_TITLE
from portal.dates import date_field


class ProposeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, initial=RECOGNITION_TITLE)


class DecideForm(forms.Form):
    CONFIRM, REJECT = "confirm", "reject"

    decision = forms.ChoiceField(
        label=_("Decision"), choices=[(CONFIRM, _("Confirm")), (REJECT, _("Reject"))], widget=forms.RadioSelect
    )
    decision_number = forms.CharField(label=_("Decision number"), max_length=60, required=False)
    decision_date = date_field(_("Decision date"), required=False)
    signer = forms.CharField(label=_("Signed by"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    @property
    def confirm(self) -> bool:
        return self.cleaned_data.get("decision") == self.CONFIRM

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.CONFIRM:
            if not (data.get("decision_number") or "").strip():
                self.add_error("decision_number", _("A confirmation needs the decision's number."))
            if not data.get("decision_date") and "decision_date" not in self.errors:
                self.add_error("decision_date", _("A confirmation needs the decision's date."))
        return data


STATUS_CHOICES = [("", _("All")), *Recognition.Status.choices]
