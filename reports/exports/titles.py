"""The title path's section in the files: "Đăng ký, kiểm tra và công nhận danh hiệu".

The annual report's section "titles" (reports.title_summaries.titles_section) becomes a part of the PDF and the
sheet "Đăng ký - công nhận". A snapshot built before the section existed has no key: then nothing is shown.
"""

from datetime import date

from openpyxl import Workbook

from reports.exports.formatting import vi_number
from reports.exports.sheets import DATE, INT, TEXT, as_date, capped_note, write_sheet

COLUMNS = (
    ("registered", "Đăng ký"),
    ("ward_passed", "Đạt kiểm tra của phường, xã"),
    ("verified", "Đạt phúc tra"),
    ("decided", "Được công nhận"),
    ("withdrawn", "Bị thu hồi trong năm"),
)
LEVELS = {"neighbourhood": "thôn, tổ dân phố", "ward": "phường, xã"}


def _day(iso: str | None) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else "—"


def _sentence(p: dict, year) -> str:
    """ "Chương trình “Phố, thôn kiểu mẫu” năm 2025: 14 thôn, tổ dân phố đăng ký; 13 đạt kiểm tra của phường, xã;
    12 đạt phúc tra; 12 được công nhận (giá trị đến 31/12/2025); 1 danh hiệu bị thu hồi trong năm." """
    t = p["totals"]
    units = LEVELS.get(p["level"], "đơn vị")
    return (
        f"Chương trình “{p['name']}” năm {year}: {vi_number(t['registered'])} {units} đăng ký; "
        f"{vi_number(t['ward_passed'])} đạt kiểm tra của phường, xã; {vi_number(t['verified'])} đạt phúc tra; "
        f"{vi_number(t['decided'])} được công nhận danh hiệu “{p['title']}” (giá trị đến {_day(p['valid_until'])}); "
        f"{vi_number(t['withdrawn'])} danh hiệu bị thu hồi trong năm."
    )


def _figures(row: dict) -> list[str]:
    return [vi_number(row[key]) for key, _label in COLUMNS]


# --- PDF -----------------------------------------------------------------------------------------------------


def titles_context(section: dict | None, *, is_city: bool) -> dict | None:
    """The annual report's part on the title path: a sentence per programme, for a city a row per ward, then
    the titles decided and withdrawn with their decisions (capped lists, exact counts)."""
    if section is None:
        return None
    year = section["year"]
    decided, withdrawn = section["decided"], section["withdrawn"]
    return {
        "year": str(year),
        "columns": [label for _key, label in COLUMNS],
        "programmes": [
            {
                "sentence": _sentence(p, year),
                "name": p["name"],
                "rows": [{"name": r["name"], "figures": _figures(r)} for r in p["by_ward"]] if is_city else [],
                "totals": _figures(p["totals"]),
            }
            for p in section["programmes"]
        ],
        "decided": {
            "count": vi_number(decided["count"]),
            "capped": decided["count"] > len(decided["units"]),
            "shown": vi_number(len(decided["units"])),
            "units": [
                {**u, "decision_date": _day(u["decision_date"]), "valid_until": _day(u["valid_until"])}
                for u in decided["units"]
            ],
        },
        "withdrawn": {
            "count": vi_number(withdrawn["count"]),
            "capped": withdrawn["count"] > len(withdrawn["units"]),
            "shown": vi_number(len(withdrawn["units"])),
            "units": [{**u, "withdrawn_on": _day(u["withdrawn_on"])} for u in withdrawn["units"]],
        },
    }


# --- XLSX ----------------------------------------------------------------------------------------------------


def titles_sheet(wb: Workbook, section: dict) -> None:
    """ "Đăng ký - công nhận": per programme and ward the five figures, then the programme's total; and
    "Quyết định danh hiệu": the titles decided for the year and those withdrawn during it, with their decisions
    (capped lists with the exact counts)."""
    year = section["year"]
    rows = []
    for p in section["programmes"]:
        for r in p["by_ward"]:
            rows.append([p["name"], r["code"], r["name"], *[r[key] for key, _label in COLUMNS]])
        rows.append([p["name"], "", "Tổng cộng", *[p["totals"][key] for key, _label in COLUMNS]])
    write_sheet(
        wb,
        "Đăng ký - công nhận",
        [("Chương trình", TEXT), ("Mã", TEXT), ("Phường/xã", TEXT), *[(label, INT) for _key, label in COLUMNS]],
        rows,
        notes=[["", f"Năm {year}; cách tính: xem trang “Cách tính”"]],
    )
    _decisions_sheet(wb, section)


def _decisions_sheet(wb: Workbook, section: dict) -> None:
    """ "Quyết định danh hiệu": the titles decided for the year, then those withdrawn during it."""
    year = section["year"]
    decided, withdrawn = section["decided"], section["withdrawn"]
    lines = [
        [
            "Công nhận",
            u["name"],
            u["ward"],
            u["title"],
            str(year),
            u["decision"],
            as_date(u["decision_date"]),
            u["signer"],
            as_date(u["valid_until"]),
            "",
        ]
        for u in decided["units"]
    ] + [
        [
            "Thu hồi",
            u["name"],
            u["ward"],
            u["title"],
            str(u["year"]),
            u["withdrawal"],
            as_date(u["withdrawn_on"]),
            u["signer"],
            None,
            u["reason"],
        ]
        for u in withdrawn["units"]
    ]
    notes = [
        ["", f"Danh hiệu được công nhận cho năm {year}", (decided["count"], INT)],
        ["", f"Danh hiệu bị thu hồi trong năm {year}", (withdrawn["count"], INT)],
    ]
    for part in (decided, withdrawn):
        if part["count"] > len(part["units"]):
            notes.append(capped_note(len(part["units"]), part["count"]))
    write_sheet(
        wb,
        "Quyết định danh hiệu",
        [
            ("Quyết định", TEXT),
            ("Đơn vị", TEXT),
            ("Phường/xã", TEXT),
            ("Danh hiệu", TEXT),
            ("Năm", TEXT),
            ("Số quyết định", TEXT),
            ("Ngày", DATE),
            ("Người ký", TEXT),
            ("Giá trị đến", DATE),
            ("Lý do thu hồi", TEXT),
        ],
        lines,
        notes=notes,
    )
