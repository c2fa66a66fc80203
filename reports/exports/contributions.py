"""The contributions' section in the files (huy động nguồn lực): a part of the PDF and the sheet "Huy động
nguồn lực", for the monthly and the annual report alike.

The section (reports.contribution_summaries.contributions_section) holds the period's sums by kind and
source and a row per ward with any; a snapshot built before it existed has no "contributions" key, and then
nothing is shown. Kinds are never added together: each keeps its own unit.
"""

from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from portal.spreadsheets import write_text
from reports.exports.formatting import vi_number
from reports.exports.sheets import DATE, INT, TEXT, as_date, write_sheet

KINDS = (
    ("money", "Tiền", "đồng"),
    ("land", "Đất hiến", "m²"),
    ("labour", "Ngày công", "ngày công"),
    ("materials", "Vật tư (giá trị ước tính)", "đồng"),
)
SOURCES = (
    ("state_budget", "Ngân sách nhà nước"),
    ("residents", "Nhân dân"),
    ("businesses", "Doanh nghiệp"),
    ("other", "Khác"),
)
PLAIN = "plain"  # m² and working days: Excel's general format keeps their decimals
NOTE = (
    "Tính các khoản đóng góp có ngày nhận trong kỳ báo cáo, của các phường, xã thuộc phạm vi báo cáo và các "
    "thôn, tổ dân phố của chúng; mỗi loại tính theo đơn vị riêng, không cộng các loại với nhau; vật tư tính "
    "theo giá trị ước tính."
)


def _amount(value) -> str:
    """1.234.000 and 85,5: as many decimals as the amount has (m² and working days keep up to two)."""
    if isinstance(value, float):
        places = max(0, -Decimal(str(value)).normalize().as_tuple().exponent)
        return vi_number(value, places)
    return vi_number(value)


def _dmy(iso: str) -> str:
    return as_date(iso).strftime("%d/%m/%Y")


# --- PDF -----------------------------------------------------------------------------------------------------


def _sentence(totals: dict) -> str:
    """ "tiền 350.000.000 đồng, đất hiến 120 m², 450 ngày công, vật tư trị giá 80.000.000 đồng"."""
    kinds = totals["kinds"]
    parts = []
    for key, label, unit in KINDS:
        value = kinds[key]["all"]
        if not value:
            continue
        if key == "labour":
            parts.append(f"{_amount(value)} {unit}")
        elif key == "materials":
            parts.append(f"vật tư trị giá {_amount(value)} {unit}")
        else:
            parts.append(f"{label.lower()} {_amount(value)} {unit}")
    return ", ".join(parts)


def contributions_context(section: dict | None, *, is_city: bool) -> dict | None:
    """The report's part on resources mobilised: a sentence, the kind × source table, and for a city a row
    of kinds per ward."""
    if section is None:
        return None
    totals = section["totals"]
    return {
        "start": _dmy(section["start"]),
        "end": _dmy(section["end"]),
        "count": vi_number(totals["count"]),
        "has_any": totals["count"] > 0,
        "sentence": _sentence(totals),
        "sources": [label for _key, label in SOURCES],
        "kinds": [
            {
                "label": label,
                "unit": unit,
                "by_source": [_amount(totals["kinds"][key][s]) for s, _l in SOURCES],
                "all": _amount(totals["kinds"][key]["all"]),
            }
            for key, label, unit in KINDS
        ],
        "rows": [
            {
                "name": r["name"],
                "amounts": [_amount(r["kinds"][key]["all"]) for key, _l, _u in KINDS],
                "count": vi_number(r["count"]),
            }
            for r in section["by_ward"]
        ]
        if is_city
        else [],
        "note": NOTE,
    }


# --- XLSX ----------------------------------------------------------------------------------------------------


def _ward_row(row: dict, first: list) -> list:
    return [*first, *[row["kinds"][key]["all"] for key, _l, _u in KINDS], row["count"]]


def contributions_sheet(wb: Workbook, section: dict) -> None:
    """ "Huy động nguồn lực": a row of kinds per ward with contributions and the total; under it, the kinds by
    source, then the period and how it is counted."""
    totals = section["totals"]
    write_sheet(
        wb,
        "Huy động nguồn lực",
        [
            ("Mã", TEXT),
            ("Phường/xã", TEXT),
            *[(f"{label} ({unit})", INT if unit == "đồng" else PLAIN) for _key, label, unit in KINDS],
            ("Số khoản", INT),
        ],
        [_ward_row(r, [r["code"], r["name"]]) for r in section["by_ward"]],
        total=_ward_row(totals, ["", "Tổng cộng"]),
        notes=[
            ["", "Từ ngày", (as_date(section["start"]), DATE)],
            ["", "Đến ngày", (as_date(section["end"]), DATE)],
            ["", NOTE],
        ],
    )
    _by_source(wb["Huy động nguồn lực"], totals, section["by_ward"])


def _by_source(ws, totals: dict, rows: list) -> None:
    """The kinds by source, below the table and its notes (openpyxl counts rows cheaply here: few rows)."""
    top = len(rows) + 8
    bold = Font(bold=True)
    for i, header in enumerate(["", "Theo nguồn", *[label for _k, label in SOURCES], "Tổng cộng"], start=1):
        cell = ws.cell(row=top, column=i)
        write_text(cell, header)
        cell.font = bold
    for offset, (key, label, unit) in enumerate(KINDS, start=1):
        write_text(ws.cell(row=top + offset, column=2), f"{label} ({unit})")
        amounts = [totals["kinds"][key][s] for s, _l in SOURCES] + [totals["kinds"][key]["all"]]
        for i, value in enumerate(amounts, start=3):
            cell = ws.cell(row=top + offset, column=i, value=value)
            cell.number_format = "#,##0.##" if isinstance(value, float) else "#,##0"
