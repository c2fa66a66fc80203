"""Forms of campaigns and tasks: they read what was typed; the rules live in campaigns.movement.

Choices come from the user's scope, so a ward or neighbourhood id forged into a POST is not a choice.
"""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Min, Q
from django.utils.translation import gettext_lazy as _

from campaigns.criteria.models import Criterion
from campaigns.movement.models import Campaign, Target, Task, TaskUpdate
from campaigns.movement.services.history import target_shown
from portal import scope
from portal.dates import date_field, date_filter
from portal.numbers import NumberField
from portal.people import person
from wards.models import City, Membership, Neighbourhood, Ward


def _styled(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, (forms.CheckboxInput, forms.HiddenInput)):
            widget.attrs.setdefault("class", "form-control")


def managed_wards(user):
    """Wards whose campaigns the user may launch: administrators any, ward staff and leaders their own."""
    s = scope.scope_of(user)
    if s.is_admin:
        return Ward.objects.all()
    return Ward.objects.filter(id__in=s.edit_ward_ids | s.review_ward_ids)


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=Campaign.Kind.choices, initial=Campaign.Kind.THEMATIC)
    ward = forms.ModelChoiceField(
        label=_("Owning ward"), queryset=Ward.objects.none(), required=False, empty_label=_("The whole city")
    )
    city = forms.ModelChoiceField(label=_("City"), queryset=None, required=False)
    start = date_field(_("Start"))
    end = date_field(_("End"))
    goal = forms.CharField(label=_("Goal"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    # Checkbox lists (templates/campaigns/movement/_checklist.html, static/campaigns/checklist.js): a city has
    # 166 wards, too many for a multiple select that needs Ctrl+click and does not work on a phone.
    wards = forms.ModelMultipleChoiceField(
        label=_("Participating wards"),
        queryset=Ward.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    criteria = forms.ModelMultipleChoiceField(
        label=_("Criteria it pushes"),
        queryset=Criterion.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user, campaign: Campaign | None = None, **kwargs):
        if campaign is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": campaign.name,
                "kind": campaign.kind,
                "ward": campaign.ward_id,
                "city": campaign.city_id,
                "start": campaign.start,
                "end": campaign.end,
                "goal": campaign.goal,
                "wards": list(campaign.wards.values_list("pk", flat=True)),
                "criteria": list(campaign.criteria.values_list("pk", flat=True)),
            }
        super().__init__(*args, **kwargs)
        s = scope.scope_of(user)
        self.fields["ward"].queryset = managed_wards(user).order_by("search_key")
        if s.is_admin:
            cities = City.objects.visible_to(user).order_by("name")
            self.fields["city"].queryset = cities
            only = list(cities[:2])
            if len(only) == 1:
                # One city to choose from: it is chosen, not picked from "---------".
                self.fields["city"].empty_label = None
                self.fields["city"].initial = only[0].pk
        else:
            # Only administrators launch city-wide campaigns; the city follows from the owning ward.
            self.fields["ward"].required = True
            self.fields["ward"].empty_label = None
            del self.fields["city"]
        self.fields["wards"].queryset = Ward.objects.visible_to(user).order_by("search_key")
        self.fields["criteria"].queryset = Criterion.objects.select_related("criteria_set").order_by(
            "criteria_set__name", "order", "id"
        )
        self.fields["criteria"].label_from_instance = lambda c: f"{c.criteria_set.name} · {c.number}. {c.name}"
        _styled(self)


class TargetForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Target"), max_length=300)
    unit = forms.CharField(label=_("Unit"), max_length=60, required=False)
    value = NumberField(label=_("Target value"), column=Target._meta.get_field("value"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)
        self.fields["unit"].widget.attrs["placeholder"] = _("signs, houses, million VND")


TargetFormSet = forms.formset_factory(TargetForm, extra=2, can_delete=True)


def target_initial(campaign: Campaign | None) -> list[dict]:
    if campaign is None:
        return []
    return [{"id": t.pk, "name": t.name, "unit": t.unit, "value": t.value} for t in campaign.targets.all()]


def target_rows(formset) -> list[dict]:
    """The formset as campaigns.movement.campaign_save takes it; untouched blank rows are left out."""
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data:
            continue
        rows.append(
            {
                "id": data.get("id"),
                "name": data.get("name", ""),
                "unit": data.get("unit", ""),
                "value": data.get("value"),
                "delete": bool(data.get("DELETE")),
            }
        )
    return rows


def people_of(wards):
    """The active staff and leaders of `wards`, each with the name of (one of) their wards among them: whom a
    task of those wards may be put in charge of. Only people of wards the user may assign tasks to."""
    in_wards = Q(memberships__ward__in=wards, memberships__role__in=Membership.WARD_ROLES)
    return (
        get_user_model()
        .objects.filter(in_wards, is_active=True)
        .annotate(ward_name=Min("memberships__ward__name", filter=in_wards))
        .order_by("ward_name", "last_name", "first_name", "username")
    )


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=300)
    target = forms.ModelChoiceField(
        label=_("Counts towards"), queryset=Target.objects.none(), required=False, empty_label=_("No target")
    )
    ward = forms.ModelChoiceField(label=_("Assigned ward"), queryset=Ward.objects.none())
    neighbourhood = forms.ModelChoiceField(
        label=_("Assigned neighbourhood"),
        queryset=Neighbourhood.objects.none(),
        required=False,
        empty_label=_("The ward itself"),
    )
    assignee = forms.ModelChoiceField(
        label=_("Person in charge"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("Nobody named yet"),
        help_text=_("Staff and leaders of the assigned ward."),
    )
    start = date_field(_("Start"))
    due = date_field(_("Due"))
    target_value = NumberField(label=_("Target value"), required=False, column=Task._meta.get_field("target_value"))
    progress = NumberField(label=_("Progress (%)"), required=False, initial=0, column=Task._meta.get_field("progress"))

    def __init__(self, *args, campaign: Campaign, wards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = campaign.targets.all()
        self.fields["target"].label_from_instance = target_shown
        self.fields["ward"].queryset = wards.order_by("search_key")
        self.fields["neighbourhood"].queryset = (
            Neighbourhood.objects.current().filter(ward__in=wards).select_related("ward")
        )
        self.fields["neighbourhood"].label_from_instance = lambda n: f"{n.ward.name} · {n.name}"
        self.fields["assignee"].queryset = people_of(wards)
        self.fields["assignee"].label_from_instance = lambda u: f"{person(u)} · {u.ward_name}"
        _styled(self)

    def clean_progress(self):
        return self.cleaned_data.get("progress") or 0


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class TaskUpdateForm(forms.Form):
    text = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    figure = NumberField(
        label=_("Figure reached so far"),
        required=False,
        column=TaskUpdate._meta.get_field("figure"),
        help_text=_("The value reached so far, e.g. 32 signs installed."),
    )
    progress = NumberField(label=_("Progress (%)"), required=False, column=TaskUpdate._meta.get_field("progress"))
    files = MultipleFileField(label=_("Photos or documents"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class TaskFilter(django_filters.FilterSet):
    """Runs on tasks_visible_to(user): it can only narrow what the user sees."""

    status = django_filters.ChoiceFilter(
        label=_("Status"),
        method="filter_status",
        empty_label=_("All"),
        choices=[*Task.Status.choices, ("overdue", _("Overdue"))],
    )
    ward = django_filters.ModelChoiceFilter(label=_("Ward"), queryset=Ward.objects.none(), empty_label=_("All wards"))
    neighbourhood = django_filters.ModelChoiceFilter(
        label=_("Neighbourhood"), queryset=Neighbourhood.objects.none(), empty_label=_("All")
    )
    campaign = django_filters.ModelChoiceFilter(
        label=_("Campaign"), queryset=Campaign.objects.none(), empty_label=_("All campaigns")
    )
    due_from = date_filter(_("Due from"), field_name="due", lookup_expr="gte")
    due_to = date_filter(_("Due until"), field_name="due", lookup_expr="lte")

    class Meta:
        model = Task
        fields = ["status", "ward", "neighbourhood", "campaign", "due_from", "due_to"]

    def __init__(self, *args, user, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        filters = self.filters
        filters["ward"].queryset = Ward.objects.visible_to(user).order_by("search_key")
        # Only neighbourhoods that have tasks: a city leader's list would otherwise hold thousands.
        filters["neighbourhood"].queryset = (
            Neighbourhood.objects.visible_to(user)
            .filter(pk__in=Task.objects.visible_to(user).filter(neighbourhood__isnull=False).values("neighbourhood"))
            .select_related("ward")
        )
        filters["campaign"].queryset = Campaign.objects.visible_to(user).order_by("-start", "name")

    @property
    def form(self):
        form = super().form
        _styled(form)
        for field in form.fields.values():
            field.widget.attrs["class"] += (
                " form-control-sm" if "form-control" in field.widget.attrs["class"] else (" form-select-sm")
            )
        return form

    def active_count(self) -> int:
        """How many filters the list is narrowed by (the phone's "Bộ lọc" button shows it)."""
        form = self.form
        if not form.is_bound:
            return 0
        form.is_valid()
        return sum(1 for name in self.filters if form.cleaned_data.get(name) not in (None, "", []))

    def filter_status(self, qs, name, value):
        if value == "overdue":
            return qs.overdue(self.today)
        return qs.filter(status=value)
