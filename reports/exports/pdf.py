"""The report as a PDF laid out as a state administrative document.

Layout follows Nghị định 30/2020/NĐ-CP (Phụ lục I): A4 portrait, margins 20/15/20/30 mm,
Times-compatible type (Tinos) at 13 pt, the issuing body top left, the national title and motto
top right, number and symbol, place and date, title, content, signature and recipients.
"""

from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal.numbers import round_half_up
from reports.exports.addressing import document_settings, lines
from reports.exports.commendations import commendations_context
from reports.exports.contributions import contributions_context
from reports.exports.formatting import (
    EXAMPLE_NOTE,
    LEVEL_NAMES,
    NOT_REPORTED,
    SCALE_NAMES,
    criterion_name,
    gap_numbers,
    is_ward_programme,
    lower_first,
    missing_by_number,
    missing_text,
    month_label,
    report_title,
    scope_name,
    status_name,
)
from reports.exports.formatting import vi_number as _num
from reports.exports.formatting import vi_percent as _pct
from reports.exports.plans import plans_context
from reports.exports.profiles import monthly_no_poor, profiles_context
from reports.exports.titles import titles_context

DOC_SYMBOL = "BC-UBND"
FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts" / "tinos"
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV")


def _signed(value, decimals: int | None = None) -> str:
    """A change with its sign: "+20", "−10", "0"; with decimals (percentage points) "+25,0", "−16,7", "0,0",
    rounded half up first, so a change too small to show is "0,0"; "—" when there is nothing to compare."""
    if value is None:
        return "—"
    if decimals is not None:
        value = round_half_up(value, decimals)
    if value > 0:
        return f"+{_num(value, decimals)}"
    return f"−{_num(-value, decimals)}" if value < 0 else _num(value, decimals)


def _dmy(iso: str | None) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else ""


# --- the document's frame ----------------------------------------------------------------------------------


def _place_date(place: str, day: date) -> str:
    """NĐ 30: a day below 10 and the months 1 and 2 take a leading zero ("ngày 05 tháng 02", "tháng 3").

    The place is the unit's proper name by NĐ 30's rule (reports.exports.addressing.place_name) or as configured.
    """
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def _issuing_body(scope: dict) -> tuple[str, str]:
    return "ỦY BAN NHÂN DÂN", scope_name(scope).upper()


def _symbol(number: str) -> str:
    """Number and symbol: "15" → "15/BC-UBND"; a full symbol (as Report.number is often filled in) stays."""
    number = (number or "").strip()
    if not number:
        return ""
    return number if "/" in number else f"{number}/{DOC_SYMBOL}"


def _addressee(text: str) -> dict | None:
    """The "Kính gửi" block per NĐ 30: one addressee on the same line; several each on a line of their own,
    under the colon, with a dash, a semicolon at each end and a full stop after the last."""
    names = lines(text)
    if not names:
        return None
    if len(names) == 1:
        return {"single": names[0].lstrip("-–• "), "lines": []}
    names = [name.lstrip("-–• ").rstrip(";.,") for name in names]
    return {"single": "", "lines": [f"- {name};" for name in names[:-1]] + [f"- {names[-1]}."]}


def _signature(document: dict) -> dict:
    """The signer's position in capitals ("KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH") and their name."""
    return {
        "signer_lines": [line.upper() for line in lines(document["signer_title"])] or ["CHỦ TỊCH"],
        "signer_name": document["signer_name"],
    }


# --- parts of both reports ---------------------------------------------------------------------------------


def _by_ward(unit_list: dict) -> dict:
    """Unit names grouped by ward, in the builder's order, with the exact count and whether names were capped."""
    groups: dict[str, list[str]] = {}
    for unit in unit_list.get("units") or []:
        groups.setdefault(unit["ward"], []).append(unit["name"])
    count = unit_list.get("count", 0)
    shown = len(unit_list.get("units") or [])
    return {
        "count": _num(count),
        "capped": count > shown,
        "shown": _num(shown),
        "groups": [{"ward": ward, "names": names, "count": _num(len(names))} for ward, names in groups.items()],
    }


def _criteria_rows(snapshot: dict) -> list[dict]:
    """Per criterion: units meeting it, assessed, the share, the share compared and the change in percentage
    points; a criterion whose threshold is an example is marked "(*)"."""
    return [
        {
            "number": str(c["number"]),
            "name": criterion_name(c),
            "met": _num(c["met"]),
            "assessed": _num(c["assessed"]),
            "share": _pct(c.get("share")),
            "previous_share": _pct(c.get("previous_share")),
            "change": _signed(c.get("change_pp"), 1),
        }
        for c in snapshot.get("criteria") or []
    ]


def _example_note(snapshot: dict) -> str:
    """The note under the criteria table when some thresholds are examples, not read from a legal text."""
    return EXAMPLE_NOTE if (snapshot.get("criteria_set") or {}).get("has_examples") else ""


# --- parts of the monthly report ---------------------------------------------------------------------------


def _monthly_totals(snapshot: dict) -> dict:
    """Units; reported (on time, late) with its share; approved; not reported, among them returned; complete."""
    totals = snapshot["totals"]
    return {
        "units": _num(totals["units"]),
        "reported": _num(totals["reported"]),
        "reported_share": _pct(totals["reported"], totals["units"]),
        "on_time": _num(totals["on_time"]),
        "late": _num(totals["late"]),
        "approved": _num(totals["approved"]),
        "not_reported": _num(totals["not_reported"]),
        "has_not_reported": totals["not_reported"] > 0,
        "returned": _num(totals["returned"]),
        "has_returned": totals["returned"] > 0,
        "complete": _num(totals["complete"]),
        "complete_share": _pct(totals["complete"], totals["units"]),
    }


def _reporting_rows(reporting: list[dict]) -> list[dict]:
    """Per ward: units, reported (on time, late), not reported (returned), approved, meeting the standard."""
    keys = ("units", "reported", "on_time", "late", "not_reported", "returned", "approved", "complete")
    return [{"name": r["name"], **{key: _num(r[key]) for key in keys}} for r in reporting]


def _not_reported(snapshot: dict) -> dict:
    """The units not reported, grouped by ward, those whose report was returned marked.

    A ward's report names them all; a city's only when the snapshot holds every name (it caps long
    lists): otherwise the table gives the count per ward and the workbook names them.
    """
    listed = snapshot.get("not_reported") or {"count": 0, "units": []}
    shown = len(listed.get("units") or [])
    units = snapshot.get("units")
    if units is None:  # the per-unit rows carry each unit's state; the capped list does not
        chosen = listed.get("units") or []
    else:
        chosen = [u for u in units if u["status"] in NOT_REPORTED][:shown]
    names = [
        {"ward": u["ward"], "name": f"{u['name']} (bị trả lại)" if u.get("status") == "returned" else u["name"]}
        for u in chosen
    ]
    groups = _by_ward({"count": listed.get("count", shown), "units": names})
    return {**groups, "named": bool(snapshot["scope"].get("ward")) or not groups["capped"]}


def _gaps(snapshot: dict) -> list[dict]:
    """Per ward with gaps: the reported units missing each criterion ("TC 2: 7; TC 10: 3") and their sum."""
    numbers = gap_numbers(snapshot)
    gaps = []
    for gap in snapshot.get("gaps") or []:
        missing = missing_by_number(gap)
        items = [f"TC {n}: {_num(missing[n])}" for n in numbers if missing.get(n)]
        if items:
            gaps.append({"name": gap["name"], "items": "; ".join(items), "total": _num(sum(missing.values()))})
    return gaps


def _ward_sets(rows: list[dict]) -> list[dict]:
    """Per ward that reported on its own criteria set: the set, the criteria met of all, those not met; a report
    that does not count shows its state instead."""
    out = []
    for r in rows:
        counts = r.get("met") is not None
        document = f" ({r['document']})" if r.get("document") else ""
        out.append(
            {
                "name": r["name"],
                "set": f"{r['set']}{document}",
                "result": f"{_num(r['met'])}/{_num(r['total'])}" if counts else status_name(r.get("status")),
                "missing": (missing_text(r.get("missing")) or "Đạt đủ các tiêu chí") if counts else "",
            }
        )
    return out


def _tasks_context(tasks: dict | None, until: str = "tính đến cuối kỳ") -> dict | None:
    """Tasks done within the period and overdue at its end (or, while it runs, `until` says when), in all and
    per ward."""
    if tasks is None:
        return None
    return {
        "done": _num(tasks["done"]),
        "overdue": _num(tasks["overdue"]),
        "until": until,
        "by_ward": [
            {"name": r["name"], "done": _num(r["done"]), "overdue": _num(r["overdue"])}
            for r in tasks.get("by_ward") or []
        ],
    }


def _tasks_until(period: dict) -> str:
    """When the overdue tasks are counted: at the period's end, or, while it runs, at the end of the day
    before the build (reports.summaries' "tasks" definition)."""
    as_of = period.get("as_of")
    if as_of and date.fromisoformat(as_of) <= date.fromisoformat(period["end"]):
        return f"tính đến hết ngày {date.fromisoformat(as_of) - timedelta(days=1):%d/%m/%Y}"
    return "tính đến cuối kỳ"


def _monthly_parts(snapshot: dict) -> dict:
    """The numbers of the monthly report's parts after the first four: each is there only with its section."""
    names = [name for name in ("ward_sets", "tasks", "contributions") if snapshot.get(name)]
    return {name: ROMAN[i] for i, name in enumerate(names, start=4)}


def _monthly_context(snapshot: dict) -> dict:
    period = snapshot["period"]
    return {
        "as_of": _dmy(period.get("as_of")),  # only while the period is open: then nobody is late yet
        "previous_period": month_label(snapshot.get("previous_period")),
        "compared_as_of": _dmy(snapshot.get("compared_as_of")),
        "totals": _monthly_totals(snapshot),
        "reporting": _reporting_rows(snapshot.get("reporting") or []),
        "not_reported": _not_reported(snapshot),
        "example_note": _example_note(snapshot),
        "newly_complete": _by_ward(snapshot["newly_complete"]),
        "slipped": _by_ward(snapshot["slipped"]),
        "gaps": _gaps(snapshot),
        "ward_sets": _ward_sets(snapshot.get("ward_sets") or []),
        "tasks": _tasks_context(snapshot.get("tasks"), _tasks_until(period)),
        "no_poor": monthly_no_poor(snapshot.get("no_poor")),
        "parts": _monthly_parts(snapshot),
        "contributions": contributions_context(
            snapshot.get("contributions"), is_city=not snapshot["scope"].get("ward")
        ),
    }


# --- parts of the annual report ----------------------------------------------------------------------------


def _annual_totals(totals: dict) -> dict:
    """The year's units (at its last day), those that reported in the year, and those reaching the standard with
    their share."""
    return {
        "units": _num(totals["units"]),
        "reported": _num(totals["reported"]),
        "has_reported": totals["reported"] > 0,
        "reached": _num(totals["reached"]),
        "share": _pct(totals.get("share")),
    }


def _trend_rows(trend: list[dict]) -> list[dict]:
    """Month by month: units reported, meeting the standard, and the share of the reported."""
    return [
        {
            "month": month_label(t["month"]),
            "reported": _num(t["reported"]),
            "complete": _num(t["complete"]),
            "share": _pct(t["complete"], t["reported"]),
        }
        for t in trend
    ]


def _ranking_rows(ranking: list[dict]) -> list[dict]:
    """The wards by rank: units, units reaching the standard and their share."""
    return [
        {
            "rank": str(r["rank"]),
            "name": r["name"],
            "units": _num(r["units"]),
            "reached": _num(r["reached"]),
            "share": _pct(r["share"]),
        }
        for r in ranking
    ]


def _previous_year(totals: dict, previous: dict) -> dict:
    """The year before: units, reported, reaching the standard and the share, and the changes (the share's in
    percentage points)."""
    return {
        "year": str(previous["year"]),
        "units": _num(previous["units"]),
        "reported": _num(previous["reported"]),
        "reached": _num(previous["reached"]),
        "share": _pct(previous.get("share")),
        "units_change": _signed(totals["units"] - previous["units"]),
        "reported_change": _signed(totals["reported"] - previous["reported"]),
        "reached_change": _signed(totals["reached"] - previous["reached"]),
        "share_change": _points(previous.get("change_pp")),
    }


def _points(change) -> str:
    """A change of a share in words: "+2,5 điểm %", "0,0 điểm %"; "—" when there is nothing to compare."""
    return "—" if change is None else f"{_signed(change, 1)} điểm %"


def _recognitions_context(recognitions: dict | None) -> dict | None:
    """The titles confirmed for the year, with the exact count and whether the list was capped."""
    if recognitions is None:
        return None
    units = recognitions.get("units") or []
    count = recognitions.get("count", len(units))
    return {
        "count": _num(count),
        "capped": count > len(units),
        "shown": _num(len(units)),
        "units": [
            {"name": u["name"], "ward": u["ward"], "title": u["title"], "decision": u["decision"]} for u in units
        ],
    }


def _party_cells_context(party_cells: dict | None) -> dict | None:
    """Party cells in all, rated and not rated, and those rated at each level with their share of the rated."""
    if party_cells is None:
        return None
    rated, cells = party_cells["rated"], party_cells["cells"]
    return {
        "scale": SCALE_NAMES.get(party_cells.get("scale"), party_cells.get("scale") or ""),
        "rated": _num(rated),
        "cells": _num(cells),
        "unrated": _num(max(cells - rated, 0)),
        "capped": None if party_cells.get("capped") is None else _num(party_cells["capped"]),
        "levels": [
            {"name": LEVEL_NAMES.get(level, level), "count": _num(n), "share": _pct(n, rated)}
            for level, n in (party_cells.get("by_level") or {}).items()
        ],
    }


def _annual_context(snapshot: dict) -> dict:
    totals = snapshot["totals"]
    return {
        "totals": _annual_totals(totals),
        "trend": _trend_rows(snapshot.get("trend") or []),
        "example_note": _example_note(snapshot),
        "reaching": _by_ward(snapshot["reaching_standard"]),
        "ranking": _ranking_rows(snapshot.get("ranking") or []),
        "previous": _previous_year(totals, snapshot["previous_year"]),
        "recognitions": _recognitions_context(snapshot.get("recognitions")),
        "party_cells": _party_cells_context(snapshot.get("party_cells")),
        "profiles": profiles_context(snapshot.get("profiles"), is_city=not snapshot["scope"].get("ward")),
        "contributions": contributions_context(
            snapshot.get("contributions"), is_city=not snapshot["scope"].get("ward")
        ),
        "plans": plans_context(snapshot.get("plans")),
        "commendations": commendations_context(snapshot.get("commendations")),
        "titles": titles_context(snapshot.get("titles"), is_city=not snapshot["scope"].get("ward")),
    }


def _annual_parts(snapshot: dict) -> dict:
    """The numbers of the annual report's parts after the first three: some are there only for a city or
    when the snapshot has the section."""
    names = ["ranking"] if not snapshot["scope"].get("ward") else []
    names.append("compare")
    names += [
        name
        for name in ("recognitions", "party_cells", "profiles", "contributions", "plans", "commendations", "titles")
        if snapshot.get(name) is not None
    ]
    return {name: ROMAN[i] for i, name in enumerate(names, start=3)}


# --- the document --------------------------------------------------------------------------------------------


def pdf_context(
    snapshot: dict, *, number: str = "", settings: dict | None = None, issued_on: date | None = None
) -> dict:
    """Everything the template shows, already formatted as text (numbers 1.234 and 12,5; dates dd/mm/yyyy).

    `settings` are the document's place, addressee, recipients (a list of lines), signer_title and
    signer_name, as reports.documents.document_settings_for gives them; what is missing takes the
    defaults of the snapshot's scope. No int reaches the template: with USE_THOUSAND_SEPARATOR it
    would print the year 2026 as "2.026".
    """
    scope, period = snapshot["scope"], snapshot["period"]
    document = document_settings(scope, settings)
    line1, line2 = _issuing_body(scope)
    context = {
        "font_dir": FONT_DIR.as_uri(),
        "kind": snapshot["kind"],
        "body_line1": line1,
        "body_line2": line2,
        "symbol": _symbol(number),
        "doc_symbol": DOC_SYMBOL,
        "place_date": _place_date(document["place"], issued_on or timezone.localdate()),
        "addressee": _addressee(document["addressee"]),
        "recipients": document["recipients"],
        "title": report_title(snapshot),
        "title_inline": lower_first(report_title(snapshot)),
        "scope_line": f"trên địa bàn {lower_first(scope_name(scope))}",
        "is_city": not scope.get("ward"),
        "has_units": snapshot["totals"]["units"] > 0,
        "period": {
            "year": str(period["year"]),
            "start": _dmy(period["start"]),
            "end": _dmy(period["end"]),
            "deadline": _dmy(period.get("deadline")),
        },
        "criteria_set": snapshot.get("criteria_set"),
        "criteria": _criteria_rows(snapshot),
        **_signature(document),
    }
    if is_ward_programme(snapshot):
        from reports.exports.ward_programmes import wards_context  # it arranges this module's parts

        context.update(wards_context(snapshot))
    elif snapshot["kind"] == "monthly":
        context.update(_monthly_context(snapshot))
    else:
        context.update(_annual_context(snapshot), parts=_annual_parts(snapshot))
    return context


def pdf_bytes(
    snapshot: dict, *, number: str = "", settings: dict | None = None, issued_on: date | None = None
) -> bytes:
    """The snapshot as a signed-ready report: A4, NĐ 30/2020 header, numbered parts, signature and recipients."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    context = pdf_context(snapshot, number=number, settings=settings, issued_on=issued_on)
    with translation.override("vi"):
        html = render_to_string("reports/pdf/summary.html", context)
    font_config = FontConfiguration()
    return HTML(string=html, base_url=str(FONT_DIR)).write_pdf(font_config=font_config)
