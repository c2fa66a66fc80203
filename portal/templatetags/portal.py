from django import template

from portal.numbers import number_shown, percent, percent_of
from portal.people import person

register = template.Library()

register.filter("person", person)
# Shares in one format everywhere: {{ part|percent:whole }} → "17,0 %"; {{ share|percent_of }}.
register.filter("percent", percent)
register.filter("percent_of", percent_of)
# Numbers as officials write them, no trailing zeros: {{ 1234.50|number }} → "1.234,5"; None → "—".
register.filter("number", number_shown)


@register.filter
def get_item(mapping, key):
    """`mapping[key]` in a template, or None."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def status_label(value: str | None) -> str:
    """A submission's status as people read it ("Đã gửi"), or "Not started" when there is none."""
    from django.utils.translation import gettext

    from campaigns.results.models import Submission

    if not value:
        return gettext("Not started")
    try:
        return str(Submission.Status(value).label)
    except ValueError:
        return value


@register.filter
def rating_label(level: str | None) -> str:
    """A party cell's rating as people read it ("Hoàn thành tốt nhiệm vụ")."""
    from campaigns.movement.models import PartyCellRating

    if not level:
        return ""
    try:
        return str(PartyCellRating.Level(level).label)
    except ValueError:
        return level


@register.filter
def progress_class(percent) -> str:
    """The class that draws a progress bar `percent` wide ("pct-37", static/portal/progress.css), whole
    percent from 0 to 100: pages carry no style attribute, which the Content-Security-Policy refuses."""
    try:
        value = round(float(percent))
    except (TypeError, ValueError, OverflowError):
        value = 0
    return f"pct-{min(100, max(0, value))}"
