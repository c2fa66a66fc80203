"""The report as a PDF laid out as a state administrative document.

Layout follows Nghị định 30/2020/NĐ-CP (Phụ lục I): A4 portrait, margins 20/15/20/30 mm,
Times-compatible type (Tinos) at 13 pt, the issuing body top left, the national title and motto
top right, number and symbol, place and date, title, content, signature and recipients.
"""

from datetime import date
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import number_format

from reports.exports.formatting import (
    LEVEL_NAMES,
    SCALE_NAMES,
    gap_numbers,
    lower_first,
    missing_by_number,
    month_label,
    report_title,
    scope_name,
)

DOC_SYMBOL = "BC-UBND"
FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts" / "tinos"
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def _num(value, decimals: int | None = None) -> str:
    """1.234 and 12,5 — Vietnamese separators whatever language is active."""
    if value is None:
        return "—"
    with translation.override("vi"):
        return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def _pct(part, whole=100) -> str:
    """A share as "12,5%" ("50%", not "50,0%"); "—" when there is nothing to divide by."""
    if not whole:
        return "—"
    share = round(100 * part / whole, 1)
    return _num(int(share) if share == int(share) else share) + "%"


def _signed(value: int) -> str:
    return f"+{_num(value)}" if value > 0 else f"−{_num(-value)}" if value < 0 else "0"


def _dmy(iso: str | None) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else ""


# --- the document's frame ----------------------------------------------------------------------------------


def _place_date(place: str, day: date) -> str:
    """NĐ 30: a day below 10 and the months 1 and 2 take a leading zero ("ngày 05 tháng 02", "tháng 3")."""
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
    """Per criterion: units meeting it, assessed, the share, the figure compared and the change."""
    return [
        {
            "number": str(c["number"]),
            "name": c["name"],
            "met": _num(c["met"]),
            "assessed": _num(c["assessed"]),
            "share": _pct(c["met"], c["assessed"]),
            "previous": _num(c["previous"]),
            "change": _signed(c["change"]),
        }
        for c in snapshot.get("criteria") or []
    ]


# --- parts of the monthly report ---------------------------------------------------------------------------


def _monthly_totals(snapshot: dict) -> dict:
    """Units, reported and its share, approved, returned, meeting the standard and its share, late."""
    totals = snapshot["totals"]
    return {
        "units": _num(totals["units"]),
        "reported": _num(totals["reported"]),
        "reported_share": _pct(totals["reported"], totals["units"]),
        "approved": _num(totals["approved"]),
        "returned": _num(sum(r["returned"] for r in snapshot.get("reporting") or [])),
        "complete": _num(totals["complete"]),
        "complete_share": _pct(totals["complete"], totals["units"]),
        "late": _num(totals["late"]),
        "late_count": totals["late"],
    }


def _reporting_rows(reporting: list[dict]) -> list[dict]:
    """Per ward: units, reported, approved, returned, meeting the standard and late."""
    return [
        {
            "name": r["name"],
            "units": _num(r["units"]),
            "reported": _num(r["reported"]),
            "approved": _num(r["approved"]),
            "returned": _num(r["returned"]),
            "complete": _num(r["complete"]),
            "late": _num(r["late"]),
        }
        for r in reporting
    ]


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


def _tasks_context(tasks: dict | None) -> dict | None:
    """Tasks done within the period and overdue, in all and per ward."""
    if tasks is None:
        return None
    return {
        "done": _num(tasks["done"]),
        "overdue": _num(tasks["overdue"]),
        "by_ward": [
            {"name": r["name"], "done": _num(r["done"]), "overdue": _num(r["overdue"])}
            for r in tasks.get("by_ward") or []
        ],
    }


def _monthly_context(snapshot: dict) -> dict:
    return {
        "previous_period": month_label(snapshot.get("previous_period")),
        "totals": _monthly_totals(snapshot),
        "reporting": _reporting_rows(snapshot.get("reporting") or []),
        "late_units": snapshot.get("late_units") or [],
        "newly_complete": _by_ward(snapshot["newly_complete"]),
        "slipped": _by_ward(snapshot["slipped"]),
        "gaps": _gaps(snapshot),
        "tasks": _tasks_context(snapshot.get("tasks")),
    }


# --- parts of the annual report ----------------------------------------------------------------------------


def _annual_totals(totals: dict) -> dict:
    """The year's units, then reported and meeting the standard (with the share) in its last month with data."""
    return {
        "units": _num(totals["units"]),
        "month": month_label(totals.get("month")),
        "reported": _num(totals["reported"]),
        "complete": _num(totals["complete"]),
        "complete_share": _pct(totals["complete"], totals["units"]),
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
    """The wards by rank: units, units meeting the standard and their share."""
    return [
        {
            "rank": str(r["rank"]),
            "name": r["name"],
            "units": _num(r["units"]),
            "complete": _num(r["complete"]),
            "share": _pct(r["share"]),
        }
        for r in ranking
    ]


def _previous_year(totals: dict, previous: dict) -> dict:
    """The year before: the month compared, units reported and meeting the standard, and the changes."""
    return {
        "year": str(previous["year"]),
        "month": month_label(previous.get("month")),
        "reported": _num(previous["reported"]),
        "complete": _num(previous["complete"]),
        "reported_change": _signed(totals["reported"] - previous["reported"]),
        "complete_change": _signed(totals["complete"] - previous["complete"]),
    }


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
        "reaching": _by_ward(snapshot["reaching_standard"]),
        "ranking": _ranking_rows(snapshot.get("ranking") or []),
        "previous": _previous_year(totals, snapshot["previous_year"]),
        "recognitions": _recognitions_context(snapshot.get("recognitions")),
        "party_cells": _party_cells_context(snapshot.get("party_cells")),
    }


def _annual_parts(snapshot: dict) -> dict:
    """The numbers of the annual report's parts after the first three: some are there only for a city or
    when the snapshot has the section."""
    names = ["ranking"] if not snapshot["scope"].get("ward") else []
    names.append("compare")
    names += [name for name in ("recognitions", "party_cells") if snapshot.get(name) is not None]
    return {name: ROMAN[i] for i, name in enumerate(names, start=3)}


# --- the document --------------------------------------------------------------------------------------------


def pdf_context(
    snapshot: dict, *, number: str = "", place: str = "", signer_title: str = "", issued_on: date | None = None
) -> dict:
    """Everything the template shows, already formatted as text (numbers 1.234 and 12,5; dates dd/mm/yyyy).

    No int reaches the template: with USE_THOUSAND_SEPARATOR it would print the year 2026 as "2.026".
    """
    scope, period = snapshot["scope"], snapshot["period"]
    line1, line2 = _issuing_body(scope)
    context = {
        "font_dir": FONT_DIR.as_uri(),
        "kind": snapshot["kind"],
        "body_line1": line1,
        "body_line2": line2,
        "symbol": _symbol(number),
        "doc_symbol": DOC_SYMBOL,
        "place_date": _place_date((place or "").strip() or scope["city"], issued_on or timezone.localdate()),
        "title": report_title(snapshot),
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
        # "Phó Chủ tịch", or two lines for a deputy: "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH".
        "signer_lines": [line.strip().upper() for line in (signer_title or "").splitlines() if line.strip()]
        or ["CHỦ TỊCH"],
    }
    if snapshot["kind"] == "monthly":
        context.update(_monthly_context(snapshot))
    else:
        context.update(_annual_context(snapshot), parts=_annual_parts(snapshot))
    return context


def pdf_bytes(
    snapshot: dict, *, number: str = "", place: str = "", signer_title: str = "", issued_on: date | None = None
) -> bytes:
    """The snapshot as a signed-ready report: A4, NĐ 30/2020 header, numbered parts, signature and recipients."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    context = pdf_context(snapshot, number=number, place=place, signer_title=signer_title, issued_on=issued_on)
    with translation.override("vi"):
        html = render_to_string("reports/pdf/summary.html", context)
    font_config = FontConfiguration()
    return HTML(string=html, base_url=str(FONT_DIR)).write_pdf(font_config=font_config)
