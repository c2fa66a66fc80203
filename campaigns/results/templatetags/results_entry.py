"""What the results entry page shows beside the form's fields and the view does not hand it."""

from django import template

from campaigns.results.forms import ResultsForm, carried_from
from campaigns.results.models import Period, Submission

register = template.Library()


@register.simple_tag
def carried_sources(form: ResultsForm, submission: Submission) -> dict[int, Period]:
    """{% carried_sources form submission as carried %}: indicator id → the period its yearly value came from."""
    return carried_from(submission, form.results)
