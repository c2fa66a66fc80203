"""The forms of set authoring: an upload (a YAML file or its pasted text) and the set's own form, a formset of
criteria each holding a formset of indicators.

What is typed in the set's form becomes the dict a YAML file gives (`SetAuthoring.set_data`), so that one
validation (campaigns.criteria.validation.set_problems) judges both paths; campaigns.criteria.authoring.prefill
does the reverse, for a set copied into a new version or an upload taken back to the form. Every field is a
plain text box or a select that keeps what was typed; numbers are read as Vietnamese officials write them
(1.234,5), dates as dd/mm/yyyy.
"""

import re
from datetime import date, datetime
from decimal import Decimal

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from campaigns.criteria.evaluation import Comparator, IndicatorKind, Rule
from campaigns.criteria.models import Indicator, Level
from campaigns.criteria.problems import Problem
from portal.dates import DATE_INPUT
from portal.numbers import NumberError, parse_id, parse_number
from portal.uploads import KB, UploadRule, check_upload
from portal.vietnamese import fold
from wards.models import Neighbourhood, Ward

MAX_BYTES = 256 * KB
SEPARATOR = " › "

UPLOAD_RULE = UploadRule(
    extensions=(".yaml", ".yml"),
    wrong_extension=_("“%(name)s” is not a YAML file: choose a file whose name ends in .yaml or .yml."),
    max_bytes=MAX_BYTES,
    too_large=_("“%(name)s” is larger than %(max)s: a criteria set's YAML is a few kilobytes."),
)


class UploadForm(forms.Form):
    """A set's YAML as a file or as pasted text; `clean` gives the text in cleaned_data["text"]."""

    file = forms.FileField(
        label=_("YAML file"),
        required=False,
        help_text=_("A .yaml or .yml file of at most 256 KB, written like the shipped sets."),
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml", "class": "form-control"}),
    )
    text = forms.CharField(
        label=_("Or paste the YAML text"),
        required=False,
        strip=False,  # a stripped first line would move every line number the problems name
        max_length=MAX_BYTES,
        widget=forms.Textarea(attrs={"rows": 18, "class": "form-control font-monospace", "spellcheck": "false"}),
    )

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            try:
                check_upload(upload, UPLOAD_RULE)
                upload.seek(0)
                data["text"] = upload.read(MAX_BYTES + 1).decode("utf-8-sig")
            except forms.ValidationError as error:
                self.add_error("file", error)
            except UnicodeDecodeError:
                self.add_error("file", _("The file is not text in UTF-8: save it as UTF-8 and upload it again."))
        elif not (data.get("text") or "").strip() and "text" not in self.errors:
            raise forms.ValidationError(_("Choose a YAML file or paste its text."))
        return data


# --- the set's form ------------------------------------------------------------------------------------------

TEXT, NUMBER, DATE, CHOICE, KINDS, FLAG, ZONES = "text", "number", "date", "choice", "kinds", "flag", "zones"


def _text(label, help_text="", *, long=False, **attrs):
    widget = forms.Textarea(attrs={"rows": 2, **attrs}) if long else forms.TextInput(attrs=attrs)
    return forms.CharField(label=label, required=False, help_text=help_text, widget=widget, max_length=4000)


def _number(label, help_text=""):
    return _text(label, help_text, inputmode="decimal", autocomplete="off")


def _date(label, help_text=""):
    return _text(label, help_text, placeholder=_("dd/mm/yyyy"), inputmode="numeric", autocomplete="off")


def _choice(label, choices, help_text=""):
    return forms.ChoiceField(label=label, required=False, choices=choices, help_text=help_text)


BLANK = [("", "—")]


class AuthoringForm(forms.Form):
    """A part of the set's form. `keys` maps each field to its place in the part's dict and to its kind."""

    keys: dict[str, tuple[tuple, str]] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            else:
                widget.attrs.setdefault("class", "form-control form-control-sm")

    def raw(self, name: str):
        """What was posted for a field (a list for the unit kinds)."""
        return self[name].value()

    @property
    def is_deleted(self) -> bool:
        return "DELETE" in self.fields and bool(self["DELETE"].value())

    @property
    def is_blank(self) -> bool:
        """Nothing typed in its text boxes (its selects keep their first choice in a new row)."""
        for name, (_key, kind) in self.keys.items():
            value = self.raw(name)
            if kind in (FLAG, KINDS) and value:
                return False
            if kind not in (CHOICE, FLAG, KINDS) and str(value or "").strip():
                return False
        return True

    def part(self, path: tuple, prefix: str) -> tuple[dict, list[Problem]]:
        """The part's dict as a YAML file would give it, with the problems of reading its boxes (a number or a
        date that cannot be read). Empty boxes give no key, as a file leaves an optional key out."""
        self.is_valid()
        out, problems = {}, []
        for name, (key, kind) in self.keys.items():
            where = SEPARATOR.join(p for p in (prefix, str(self.fields[name].label)) if p)
            if name in self.errors:
                problems += [Problem(where, str(message), path + key) for message in self.errors[name]]
                continue
            value = self.cleaned_data.get(name)
            try:
                value = _read(kind, value)
            except ValueError as error:
                problems.append(Problem(where, str(error), path + key))
                continue
            if value is None or value is False or (isinstance(value, str | list | dict) and not value):
                continue  # 0 is a number: a threshold of 0 is kept
            target = out
            for step in key[:-1]:
                target = target.setdefault(step, {})
            target[key[-1]] = value
        return out, problems


def native(number: Decimal | None) -> int | float | None:
    """A number as YAML gives it: an int when whole, else a float (written back exactly as typed)."""
    if number is None:
        return None
    if number == number.to_integral_value():
        return int(number)
    return float(format(number.normalize(), "f"))


def _read_number(text: str):
    """A number typed as people write it (1.234,5); a text that is none is kept as typed, for the validation to
    name it as it names it in a file."""
    try:
        return native(parse_number(text))
    except NumberError:
        return text


def _read_date(text: str) -> date:
    for pattern in (DATE_INPUT, "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(gettext("“%(value)s” is not a date; write it as dd/mm/yyyy, e.g. 01/07/2026") % {"value": text})


def zone_codes() -> dict[str, str]:
    """Zone codes by what may be typed for them: the code or the zone's name, accents and case aside."""
    codes = {}
    for code, label in Ward.Zone.choices:
        codes[fold(code)] = code
        codes[fold(str(label))] = code
    return codes


_ZONE_ITEM = re.compile(r"\s*(?P<zone>[^=:]+?)\s*[=:]\s*(?P<value>.+?)\s*")


def _read_zones(text: str) -> dict:
    """ "mien_nui=70; ven_bien=80" as {"mien_nui": 70, "ven_bien": 80}. An unknown zone is kept as typed, for
    the validation to name it."""
    zones, known = {}, zone_codes()
    for item in re.split(r"[;\n]", text):
        if not item.strip():
            continue
        match = _ZONE_ITEM.fullmatch(item)
        if not match:
            raise ValueError(gettext("Write the zones as mien_nui=70; ven_bien=80."))
        zone = known.get(fold(match["zone"]), match["zone"])
        zones[zone] = _read_number(match["value"])
    return zones


def _read(kind: str, value):
    if kind in (TEXT, CHOICE):
        return (value or "").strip()
    if kind == NUMBER:
        return _read_number((value or "").strip())
    if kind == DATE:
        return _read_date(value.strip()) if (value or "").strip() else None
    if kind == ZONES:
        return _read_zones(value or "")
    if kind == KINDS:
        return list(value or [])
    return bool(value)  # FLAG


def _unit_kind_choices():
    return [
        (str(Level.WARD.label), Ward.Kind.choices),
        (str(Level.NEIGHBOURHOOD.label), Neighbourhood.Kind.choices),
    ]


class SetForm(AuthoringForm):
    code = _text(_("Code"), _("Letters, digits and hyphens, e.g. thon-tdp-van-hoa. Every version keeps it."))
    version = _number(_("Version"))
    name = _text(_("Name"))
    level = _choice(_("Level"), BLANK + Level.choices)
    unit_kinds = forms.MultipleChoiceField(
        label=_("Applies to kinds"),
        required=False,
        choices=_unit_kind_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every kind of its level."),
    )
    document_number = _text(_("Decision number"), _("e.g. 86/2023/NĐ-CP"))
    document_date = _date(_("Decision date"))
    issuer = _text(_("Issued by"))
    effective_from = _date(_("In force from"))
    effective_to = _date(_("In force until"), _("Empty: until a new version replaces it."))
    replaces = _text(_("Replaces (code)"), _("The code of the set this one replaces; its latest version ends."))
    extends = _text(_("Extends (code)"), _("The code of a national frame this set adds criteria to."))
    source = _text(_("Source"), _("Where the text was read: addresses of the decision."), long=True)

    keys = {
        "code": (("code",), TEXT),
        "version": (("version",), NUMBER),
        "name": (("name",), TEXT),
        "level": (("level",), CHOICE),
        "unit_kinds": (("unit_kinds",), KINDS),
        "document_number": (("document", "number"), TEXT),
        "document_date": (("document", "date"), DATE),
        "issuer": (("document", "issuer"), TEXT),
        "effective_from": (("effective_from",), DATE),
        "effective_to": (("effective_to",), DATE),
        "replaces": (("replaces",), TEXT),
        "extends": (("extends",), TEXT),
        "source": (("source",), TEXT),
    }


class CriterionForm(AuthoringForm):
    number = _text(_("Number"), _("e.g. 2 or II"))
    name = _text(_("Name"))
    short = _text(_("Short name"), _("A few words for table headers."))
    group = _text(_("Group"))
    rule = _choice(_("Met when"), Rule.choices)
    k = _number(_("k"), _("For “at least k”: how many indicators."))
    min_points = _number(_("Points needed"), _("For a points total."))
    decision = _text(_("From decision"), _("Empty: the set's own decision."))

    keys = {
        "number": (("number",), TEXT),
        "name": (("name",), TEXT),
        "short": (("short",), TEXT),
        "group": (("group",), TEXT),
        "rule": (("rule",), CHOICE),
        "k": (("k",), NUMBER),
        "min_points": (("min_points",), NUMBER),
        "decision": (("decision",), TEXT),
    }


class IndicatorForm(AuthoringForm):
    code = _text(_("Code"), _("e.g. 2.1"))
    name = _text(_("Name"), long=True)
    kind = _choice(_("Kind"), BLANK + IndicatorKind.choices)
    unit = _text(_("Unit"), _("e.g. %, households"))
    comparator = _choice(_("Comparator"), Comparator.choices)
    threshold = _number(_("Threshold"), _("Empty: any value is met."))
    zones = _text(_("Thresholds by zone"), _("e.g. mien_nui=70; ven_bien=80 (zones: dong_bang, mien_nui, ven_bien)."))
    example = forms.BooleanField(label=_("Example threshold"), required=False)
    max_points = _number(_("Maximum points"))
    frequency = _choice(_("Frequency"), Indicator.Frequency.choices)
    source = _choice(_("Computed from"), Indicator.Source.choices)
    bounded_by = _choice(_("Bounded by the profile"), Indicator.Bound.choices)
    decision = _text(_("From decision"), _("Empty: the set's own decision."))

    keys = {
        "code": (("code",), TEXT),
        "name": (("name",), TEXT),
        "kind": (("kind",), CHOICE),
        "unit": (("unit",), TEXT),
        "comparator": (("comparator",), CHOICE),
        "threshold": (("threshold",), NUMBER),
        "zones": (("zones",), ZONES),
        "example": (("example",), FLAG),
        "max_points": (("max_points",), NUMBER),
        "frequency": (("frequency",), CHOICE),
        "source": (("source",), CHOICE),
        "bounded_by": (("bounded_by",), CHOICE),
        "decision": (("decision",), TEXT),
    }


class RowsFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["DELETE"].widget.attrs["class"] = "form-check-input"


def _rows(form_class):
    return forms.formset_factory(
        form_class, formset=RowsFormSet, extra=0, can_delete=True, max_num=200, absolute_max=200
    )


CriterionFormSet = _rows(CriterionForm)
IndicatorFormSet = _rows(IndicatorForm)

SET_PREFIX, CRITERIA_PREFIX = "set", "c"


def indicators_prefix(n: int) -> str:
    return f"{CRITERIA_PREFIX}-{n}-i"


def _formset_kwargs() -> dict:
    # Every row is read whole, a new one too: whether a row is blank is decided here (AuthoringForm.is_blank),
    # not by comparing it with its initial values.
    return {"form_kwargs": {"empty_permitted": False, "use_required_attribute": False}}


class SetAuthoring:
    """The set's form, its criteria formset and each criterion's indicators formset, bound to what was posted."""

    def __init__(self, data: QueryDict):
        self.data = data
        self.set_form = SetForm(data, prefix=SET_PREFIX, use_required_attribute=False)
        self.criteria = CriterionFormSet(data, prefix=CRITERIA_PREFIX, **_formset_kwargs())
        self.indicators = [
            IndicatorFormSet(data, prefix=indicators_prefix(n), **_formset_kwargs())
            for n in range(len(self.criteria.forms))
        ]
        for form, indicators in zip(self.criteria.forms, self.indicators, strict=True):
            form.indicator_formset = indicators
        self.general: list[Problem] = []  # problems that belong to no one field

    # --- rows added without JavaScript: a button posts the form and it comes back with one more row

    @staticmethod
    def with_row(data: QueryDict, what: str) -> QueryDict:
        """The posted data with an empty criterion ("criterion") or indicator ("indicator-<n>") added."""
        data = data.copy()
        total = parse_id(data.get(f"{CRITERIA_PREFIX}-TOTAL_FORMS")) or 0
        if what == "criterion" and total < CriterionFormSet.absolute_max:
            data[f"{CRITERIA_PREFIX}-TOTAL_FORMS"] = str(total + 1)
            data[f"{indicators_prefix(total)}-TOTAL_FORMS"] = "1"
            data[f"{indicators_prefix(total)}-INITIAL_FORMS"] = "0"
        elif what.startswith("indicator-"):
            n = parse_id(what.removeprefix("indicator-"))
            if n is not None and n < total:
                key = f"{indicators_prefix(n)}-TOTAL_FORMS"
                count = parse_id(data.get(key)) or 0
                if count < IndicatorFormSet.absolute_max:
                    data[key] = str(count + 1)
        return data

    # --- what was typed as the dict a YAML file gives

    def set_data(self) -> tuple[dict, list[Problem]]:
        """The set as a YAML file would give it, and the problems of reading the boxes.

        Deleted rows and blank rows are left out; `self.places` remembers which row each criterion and
        indicator of the dict came from, to put each problem of the validation next to its box.
        """
        data, problems = self.set_form.part((), "")
        for formset in (self.criteria, *self.indicators):
            if formset.management_form.errors or not formset.management_form.is_bound:
                problems.append(Problem("", gettext("The form was damaged on its way: open it again.")))
        criteria, self.places = [], {}
        for form in self.criteria.forms:
            if form.is_deleted:
                continue
            c_index = len(criteria)
            rows = [f for f in form.indicator_formset.forms if not f.is_deleted and not f.is_blank]
            if form.is_blank and not rows:
                continue
            number = str(form.raw("number") or "").strip()
            label = (
                gettext("Criterion %(number)s") % {"number": number}
                if number
                else gettext("Criterion no. %(position)s") % {"position": c_index + 1}
            )
            criterion, found = form.part(("criteria", c_index), label)
            problems += found
            self.places[("criteria", c_index)] = form
            indicators = []
            for row in rows:
                i_index = len(indicators)
                code = str(row.raw("code") or "").strip()
                where = (
                    label
                    + SEPARATOR
                    + (
                        gettext("Indicator %(code)s") % {"code": code}
                        if code
                        else gettext("Indicator no. %(position)s") % {"position": i_index + 1}
                    )
                )
                indicator, found = row.part(("criteria", c_index, "indicators", i_index), where)
                problems += found
                self.places[("criteria", c_index, "indicators", i_index)] = row
                indicators.append(indicator)
            criterion["indicators"] = indicators
            criteria.append(criterion)
        data["criteria"] = criteria
        return data, problems

    def attach(self, problems: list[Problem]) -> None:
        """Put each problem next to the box its path names; those of no box stay in `general`."""
        for problem in problems:
            form, field = self._target(tuple(problem.path))
            if form is None:
                self.general.append(problem)
            elif field is None:
                form.add_error(None, str(problem))
            elif problem.message not in [str(m) for m in form.errors.get(field, [])]:
                form.add_error(field, problem.message)
        self.mark_invalid()

    def _target(self, path: tuple) -> tuple[AuthoringForm | None, str | None]:
        if not path:
            return None, None
        form, rest = self.set_form, path
        if path[0] == "criteria":
            for length in (4, 2):
                if path[:length] in self.places:
                    form, rest = self.places[path[:length]], path[length:]
                    break
            else:
                return None, None
            if rest[:1] == ("indicators",):  # a criterion's indicators as a whole
                return form, None
        fields = {key: name for name, (key, _kind) in form.keys.items()}
        for length in range(len(rest), 0, -1):
            if rest[:length] in fields:
                return form, fields[rest[:length]]
        return form, None

    def forms(self) -> list[AuthoringForm]:
        return [self.set_form, *self.criteria.forms, *(f for formset in self.indicators for f in formset.forms)]

    def mark_invalid(self) -> None:
        """Boxes with an error say so to the eye (is-invalid) and to screen readers (aria-invalid, the message)."""
        for form in self.forms():
            for name in form.errors:
                if name not in form.fields:
                    continue
                attrs = form.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{form[name].auto_id}_error"

    @property
    def has_errors(self) -> bool:
        return any(form.errors for form in self.forms())
