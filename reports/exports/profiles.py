"""The profiles' sections in the files: poor and near-poor households, neighbourhoods with none left.

The annual report's section "profiles" (reports.profile_summaries.profiles_section) becomes a part of the
PDF and the sheet "Hộ nghèo"; the monthly report's headline "no_poor" a sentence of the PDF and lines of
the summary sheet. A snapshot built before these sections existed has neither key: then nothing is shown.
Every rate is worked out here from the counts, exactly (portal.numbers), as the page shows it.
"""

from openpyxl import Workbook

from reports.exports.formatting import vi_number, vi_percent
from reports.exports.sheets import INT, PCT, TEXT, ratio, write_sheet

# Where a ward's households come from (campaigns.results.figures.profiles: WARD, NEIGHBOURHOODS, None).
SOURCE_NAMES = {"ward": "Hồ sơ phường, xã", "neighbourhoods": "Cộng các thôn, TDP", None: "Chưa có hồ sơ"}
SOURCE_SHORT = {"ward": "Phường, xã", "neighbourhoods": "Cộng thôn, TDP", None: "Chưa có"}  # a PDF's narrow column
SOURCE_SENTENCES = {
    "ward": "theo hồ sơ của phường, xã",
    "neighbourhoods": "cộng hồ sơ của các thôn, tổ dân phố",
}
SOURCE_NOTE = (
    "Số hộ, hộ nghèo, hộ cận nghèo của mỗi phường, xã lấy theo hồ sơ của phường, xã; phường, xã chưa có hồ sơ "
    "thì cộng hồ sơ của các thôn, tổ dân phố có hồ sơ. Phường, xã không có hồ sơ nào không tính vào tổng cộng."
)


def _headline(row: dict, year: str) -> str:
    """ "154/311 thôn, tổ dân phố không còn hộ nghèo (năm 2026); 2 thôn, tổ dân phố chưa có hồ sơ", as a
    sentence; empty when the scope has no units."""
    if not row["units"]:
        return ""
    missing = f"{vi_number(row['unprofiled'])} thôn, tổ dân phố chưa có hồ sơ"
    if not row["profiled"]:
        return f"{missing} năm {year}."
    text = f"{vi_number(row['no_poor'])}/{vi_number(row['profiled'])} thôn, tổ dân phố không còn hộ nghèo (năm {year})"
    return f"{text}; {missing}." if row["unprofiled"] else f"{text}."


def _figures(row: dict) -> dict:
    """A row's counts as text, with its rates worked out from the counts."""
    households = row.get("households")
    return {
        "no_poor": f"{vi_number(row['no_poor'])}/{vi_number(row['profiled'])}" if row["units"] else "—",
        "unprofiled": vi_number(row["unprofiled"]),
        "households": vi_number(households),
        "people": vi_number(row.get("people")),
        "poor": vi_number(row.get("poor_households")),
        "near_poor": vi_number(row.get("near_poor_households")),
        "poor_share": vi_percent(row.get("poor_households"), households),
        "near_poor_share": vi_percent(row.get("near_poor_households"), households),
    }


# --- PDF -----------------------------------------------------------------------------------------------------


def monthly_no_poor(headline: dict | None) -> str:
    """The monthly report's sentence on the year's profiles; empty without the headline or units."""
    if headline is None:
        return ""
    return _headline(headline, str(headline["year"]))


def profiles_context(profiles: dict | None, *, is_city: bool) -> dict | None:
    """The annual report's part on poor and near-poor households: the headline, the scope's figures and where
    they come from, and for a city a row per ward."""
    if profiles is None:
        return None
    totals, rows = profiles["totals"], profiles.get("by_ward") or []
    source = rows[0]["source"] if rows and not is_city else None
    return {
        "year": str(profiles["year"]),
        "headline": _headline(totals, str(profiles["year"])),
        "has_households": totals.get("households") is not None,
        "totals": _figures(totals),
        "source": SOURCE_SENTENCES.get(source, ""),
        "unsourced": vi_number(totals.get("unsourced", 0)) if totals.get("unsourced") else "",
        "rows": [{"name": r["name"], "source": SOURCE_SHORT.get(r["source"], ""), **_figures(r)} for r in rows]
        if is_city
        else [],
        "note": SOURCE_NOTE,
    }


# --- XLSX ----------------------------------------------------------------------------------------------------


def no_poor_summary_rows(headline: dict | None) -> list[list]:
    """The monthly summary sheet's lines on the year's profiles (none without the headline)."""
    if headline is None:
        return []
    year = headline["year"]
    return [
        [f"Thôn/TDP có hồ sơ năm {year}", (headline["profiled"], INT)],
        [f"Thôn/TDP không còn hộ nghèo (năm {year})", (headline["no_poor"], INT)],
        [f"Thôn/TDP chưa có hồ sơ năm {year}", (headline["unprofiled"], INT)],
    ]


def _sheet_row(row: dict, first: list) -> list:
    households = row.get("households")
    return [
        *first,
        row["units"],
        row["profiled"],
        row["unprofiled"],
        row["no_poor"],
        households,
        row.get("people"),
        row.get("poor_households"),
        ratio(row.get("poor_households"), households),
        row.get("near_poor_households"),
        ratio(row.get("near_poor_households"), households),
    ]


def profiles_sheet(wb: Workbook, profiles: dict) -> None:
    """ "Hộ nghèo": per ward its units with and without a profile, those with no poor household, where its
    households come from, its households, people, poor and near-poor with their rates; then the totals."""
    year, totals = profiles["year"], profiles["totals"]
    write_sheet(
        wb,
        "Hộ nghèo",
        [
            ("Mã", TEXT),
            ("Phường/xã", TEXT),
            ("Số liệu theo", TEXT),
            ("Số thôn/TDP", INT),
            (f"Có hồ sơ năm {year}", INT),
            ("Chưa có hồ sơ", INT),
            ("Không còn hộ nghèo", INT),
            ("Số hộ", INT),
            ("Nhân khẩu", INT),
            ("Hộ nghèo", INT),
            ("Tỷ lệ hộ nghèo", PCT),
            ("Hộ cận nghèo", INT),
            ("Tỷ lệ hộ cận nghèo", PCT),
        ],
        [_sheet_row(r, [r["code"], r["name"], SOURCE_NAMES.get(r["source"], "")]) for r in profiles["by_ward"]],
        total=_sheet_row(totals, ["", "Tổng cộng", ""]),
        notes=[
            ["", f"Theo hồ sơ năm {year} của các thôn, tổ dân phố có trong năm (tại ngày cuối năm)"],
            ["", "Không còn hộ nghèo: thôn, tổ dân phố có hồ sơ ghi 0 hộ nghèo; chưa có hồ sơ thì không tính"],
            ["", SOURCE_NOTE],
        ],
    )
