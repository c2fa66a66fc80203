"""The commendations' section of the annual summary (khen thưởng): counts by form of award and kind of
recipient, and every commendation with its decision (the list capped, the counts exact).

What is counted is defined once, in campaigns.movement.commendations.figures; this module only arranges it.
Forms and kinds are stored by their keys; the files name them (reports.exports.commendations).
"""

from campaigns.movement.commendations.figures import commendation_counts, commendations_of
from campaigns.movement.commendations.models import FORM_NAMES, AwardForm, group_of

LIST_LIMIT = 300  # as reports.summaries: counts are exact, the list is capped
GROUP_KEYS = ("collective", "household", "individual")


def _item(c) -> dict:
    return {
        "form": c.form,
        "form_name": FORM_NAMES[c.form],
        "recipient": c.recipient,
        "name": c.recipient_name,
        "position": c.position,
        "ward": c.ward.name,
        "neighbourhood": c.neighbourhood.name if c.neighbourhood else "",
        "achievement": c.achievement,
        "authority": c.authority,
        "decision_number": c.decision_number,
        "decision_date": c.decision_date.isoformat(),
        "signer": c.signer,
    }


def commendations_section(wards, year: int) -> dict:
    """The year's commendations of the scope: per form (those with any, in the law's order) the number for
    collectives, households and individuals; the totals; and the commendations themselves, by ward, form and
    decision date."""
    counts = commendation_counts(wards, year)
    by_form = []
    for form in AwardForm.values:
        row = dict.fromkeys(GROUP_KEYS, 0)
        for (f, recipient), n in counts.items():
            if f == form:
                row[group_of(recipient)] += n
        if any(row.values()):
            by_form.append({"form": form, "name": FORM_NAMES[form], **row, "all": sum(row.values())})
    by_group = {key: sum(r[key] for r in by_form) for key in GROUP_KEYS}
    items = (
        commendations_of(wards, year)
        .select_related("ward", "neighbourhood", "party_cell")
        .order_by("ward__search_key", "ward__code", "form", "decision_date", "decision_number", "pk")[:LIST_LIMIT]
    )
    return {
        "year": year,
        "count": sum(counts.values()),
        "by_form": by_form,
        "by_group": by_group,
        "items": [_item(c) for c in items],
    }
