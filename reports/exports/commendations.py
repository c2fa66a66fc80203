"""The commendations' section in the files (khen thưởng): a part of the annual PDF and the sheet "Khen
thưởng". The section (reports.commendation_summaries.commendations_section) holds the counts by form and kind
of recipient and the commendations (capped); a snapshot built before it existed has no "commendations" key,
and then nothing is shown."""

from openpyxl import Workbook

from reports.exports.formatting import vi_number
from reports.exports.sheets import DATE, INT, TEXT, as_date, capped_note, write_sheet

RECIPIENTS = {
    "ward": "Tập thể phường, xã",
    "neighbourhood": "Tập thể thôn, tổ dân phố",
    "party_cell": "Tập thể chi bộ",
    "household": "Hộ gia đình",
    "individual": "Cá nhân",
}
GROUPS = (("collective", "Tập thể"), ("household", "Hộ gia đình"), ("individual", "Cá nhân"))
NOTE = (
    "Tính các hình thức khen thưởng có năm khen thưởng là năm báo cáo, trao cho phường, xã thuộc phạm vi báo "
    "cáo, các thôn, tổ dân phố, chi bộ, hộ gia đình và cá nhân của phường, xã đó; mỗi quyết định khen một "
    "người nhận được tính một lần."
)


def _decision(item: dict) -> str:
    """ "125/QĐ-UBND ngày 20/12/2025 của Chủ tịch UBND phường"."""
    day = as_date(item["decision_date"]).strftime("%d/%m/%Y")
    text = f"{item['decision_number']} ngày {day}"
    return f"{text} của {item['authority']}" if item["authority"] else text


def _recipient(item: dict) -> str:
    """The recipient as the report lists it: "Ông Nguyễn Văn An, Tổ trưởng TDP số 3 (Tổ dân phố 3)"."""
    text = item["name"]
    if item["position"]:
        text += f", {item['position']}"
    if item["neighbourhood"] and item["recipient"] in ("household", "individual"):
        text += f" ({item['neighbourhood']})"
    return text


# --- PDF -----------------------------------------------------------------------------------------------------


def commendations_context(section: dict | None) -> dict | None:
    """The report's part on commendations: a sentence, the table of forms by kind of recipient, and the list."""
    if section is None:
        return None
    count, items = section["count"], section["items"]
    groups = section["by_group"]
    parts = [f"{label.lower()} {vi_number(groups[key])}" for key, label in GROUPS if groups[key]]
    return {
        "year": str(section["year"]),
        "count": vi_number(count),
        "has_any": count > 0,
        "sentence": ", ".join(parts),
        "forms": [
            {
                "label": r["name"],
                "groups": [vi_number(r[key]) for key, _l in GROUPS],
                "all": vi_number(r["all"]),
            }
            for r in section["by_form"]
        ],
        "groups": [label for _k, label in GROUPS],
        "totals": [vi_number(groups[key]) for key, _l in GROUPS],
        "items": [
            {
                "form": i["form_name"],
                "recipient": _recipient(i),
                "kind": RECIPIENTS.get(i["recipient"], ""),
                "ward": i["ward"],
                "achievement": i["achievement"],
                "decision": _decision(i),
            }
            for i in items
        ],
        "capped": f"Danh sách liệt kê {vi_number(len(items))} trên {vi_number(count)} quyết định khen thưởng."
        if len(items) < count
        else "",
        "note": NOTE,
    }


# --- XLSX ----------------------------------------------------------------------------------------------------


def commendations_sheet(wb: Workbook, section: dict) -> None:
    """ "Khen thưởng": every commendation (capped) with its recipient, ward, achievement and decision; under
    it, the counts by form and kind of recipient."""
    items, count = section["items"], section["count"]
    notes = [["", f"Năm {section['year']}: {vi_number(count)} quyết định khen thưởng"]]
    for r in section["by_form"]:
        counts = ", ".join(f"{label.lower()} {r[key]}" for key, label in GROUPS if r[key])
        notes.append(["", f"{r['name']}: {r['all']} ({counts})"])
    if len(items) < count:
        notes.append(capped_note(len(items), count))
    notes.append(["", NOTE])
    write_sheet(
        wb,
        "Khen thưởng",
        [
            ("Hình thức", TEXT),
            ("Người nhận", TEXT),
            ("Loại", TEXT),
            ("Chức vụ", TEXT),
            ("Thôn/TDP", TEXT),
            ("Phường/xã", TEXT),
            ("Thành tích", TEXT),
            ("Cấp khen", TEXT),
            ("Số quyết định", TEXT),
            ("Ngày quyết định", DATE),
            ("Người ký", TEXT),
        ],
        [
            [
                i["form_name"],
                i["name"],
                RECIPIENTS.get(i["recipient"], ""),
                i["position"],
                i["neighbourhood"],
                i["ward"],
                i["achievement"],
                i["authority"],
                i["decision_number"],
                as_date(i["decision_date"]),
                i["signer"],
            ]
            for i in items
        ],
        total=["Tổng cộng", (count, INT)],
        notes=notes,
    )
