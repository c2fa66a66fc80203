"""The title path in the annual report: the section "Đăng ký, kiểm tra và công nhận danh hiệu": per programme
with anything in the year, the five figures per ward and in total; the titles decided and withdrawn with their
decisions. What each figure means is defined once, in campaigns.movement.services.title_figures; this module
only arranges them.
"""

from django.db.models import F

from campaigns.movement.models import Recognition
from campaigns.movement.services.title_figures import (
    FIGURE_KEYS,
    decided_titles,
    programme_rows,
    withdrawn_titles,
)
from wards.models import Ward

__all__ = ["FIGURE_KEYS", "titles_section"]

LIST_LIMIT = 300  # titles listed by name: counts are exact, lists are capped


# --- the annual report's section -------------------------------------------------------------------------------


def _unit_name(r: Recognition) -> str:
    return (r.neighbourhood or r.ward).name


def _title_lists(wards, year: int) -> dict:
    """The titles awarded for the year and those withdrawn during it, with their decisions (capped lists,
    exact counts). Four queries."""
    order = ("ward__search_key", F("neighbourhood__search_key").asc(nulls_first=True), "title", "pk")
    decided = decided_titles(wards, year)
    withdrawn = withdrawn_titles(wards, year)
    decided_rows = decided.select_related("ward", "neighbourhood").order_by(*order)[:LIST_LIMIT]
    withdrawn_rows = withdrawn.select_related("ward", "neighbourhood").order_by("withdrawn_on", *order)[:LIST_LIMIT]
    return {
        "decided": {
            "count": decided.count(),
            "units": [
                {
                    "name": _unit_name(r),
                    "ward": r.ward.name,
                    "title": r.title,
                    "decision": r.decision_number,
                    "decision_date": r.decision_date.isoformat(),
                    "signer": r.signer,
                    "valid_until": r.valid_until.isoformat() if r.valid_until else None,
                    "withdrawn": r.status == Recognition.Status.WITHDRAWN,
                }
                for r in decided_rows
            ],
        },
        "withdrawn": {
            "count": withdrawn.count(),
            "units": [
                {
                    "name": _unit_name(r),
                    "ward": r.ward.name,
                    "title": r.title,
                    "year": r.year,
                    "decision": r.decision_number,
                    "withdrawal": r.withdrawal_number,
                    "withdrawn_on": r.withdrawn_on.isoformat(),
                    "signer": r.withdrawal_signer,
                    "reason": r.withdrawal_reason,
                }
                for r in withdrawn_rows
            ],
        },
    }


def titles_section(wards, year: int) -> dict:
    """The section "Đăng ký, kiểm tra và công nhận danh hiệu" of the annual report: per programme with anything
    in the year, its figures per ward (in name order, wards with any) and in total; then the titles awarded and
    withdrawn with their decisions. Plain JSON, ordered: the same build gives the same snapshot."""
    rows = programme_rows(wards, year)
    ward_ids = {w for row in rows for w in row["by_ward_id"]}
    names = {w.pk: (w.code, w.name) for w in Ward.objects.filter(pk__in=ward_ids).order_by("search_key", "code")}
    programmes = []
    for row in rows:
        p = row["programme"]
        by_ward = [
            {"code": code, "name": name, **row["by_ward_id"][pk]}
            for pk, (code, name) in names.items()
            if pk in row["by_ward_id"]
        ]
        programmes.append(
            {
                "code": p.code,
                "name": p.name,
                "title": p.title,
                "level": p.level,
                "valid_until": p.valid_until(year).isoformat(),
                "totals": row["totals"],
                "by_ward": by_ward,
            }
        )
    return {"year": year, "programmes": programmes, **_title_lists(wards, year)}
