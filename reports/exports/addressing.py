"""Who a report is from, to and signed by: place name, addressee (Kính gửi), recipients (Nơi nhận), signer.

The rules read the snapshot's scope dict ({"city": name, "ward": name or None, "code": …}) and
nothing else, so a stored snapshot renders the same at any time; reports.documents fills in what a
ward or a city configured (DocumentSettings) on top of them.
"""

import re

from reports.exports.formatting import CENTRAL_CITIES, scope_name

# Nghị định 30/2020/NĐ-CP, Phụ lục I (thể thức, kỹ thuật trình bày văn bản hành chính), "Địa danh và thời
# gian ban hành văn bản", a):
#   "Địa danh ghi trên văn bản do cơ quan nhà nước ở địa phương ban hành là tên gọi chính thức của
#   đơn vị hành chính nơi cơ quan ban hành văn bản đóng trụ sở. Đối với những đơn vị hành chính
#   được đặt theo tên người, bằng chữ số hoặc sự kiện lịch sử thì phải ghi tên gọi đầy đủ của đơn
#   vị hành chính đó."
# and its Phụ lục II (viết hoa) writes such full names with the generic noun capitalised: "Quận 1",
# "Thành phố Hồ Chí Minh". So UBND phường Hạc Thành writes "Hạc Thành", UBND tỉnh Thanh Hóa
# "Thanh Hóa", UBND thành phố Hà Nội "Hà Nội", but UBND Phường 5 "Phường 5" and UBND Thành phố Hồ
# Chí Minh "Thành phố Hồ Chí Minh".
WARD_PREFIXES = ("phường ", "xã ", "thị trấn ", "đặc khu ")
CITY_PREFIXES = ("thành phố ", "tỉnh ", "tp. ")
# Provinces and centrally-run cities named after a person: the decree's own example. A ward named
# after a person or an event cannot be told from its name: its office sets `place` once.
PERSON_NAMED_CITIES = {"hồ chí minh": "Thành phố Hồ Chí Minh"}

DEFAULT_SIGNER_TITLE = "Chủ tịch"
FILING = "- Lưu: VT, VP."  # the issuing body's own copy: văn thư and văn phòng


def _strip_prefix(name: str, prefixes: tuple[str, ...]) -> tuple[str, str]:
    """("Phường ", "Hạc Thành") for "Phường Hạc Thành"; ("", name) when there is no prefix."""
    folded = name.lower()
    for prefix in prefixes:
        if folded.startswith(prefix) and len(name) > len(prefix):
            return name[: len(prefix)], name[len(prefix) :].strip()
    return "", name


def _city_full_name(city: str) -> str | None:
    """The full name a person-named province must be written with, or None."""
    _prefix, proper = _strip_prefix(city.strip(), CITY_PREFIXES)
    return PERSON_NAMED_CITIES.get(proper.lower())


def place_name(scope: dict) -> str:
    """The place (địa danh) printed before the date, by NĐ 30/2020, Phụ lục I (the rule quoted above).

    A ward's report: the ward's proper name ("Phường Hạc Thành" → "Hạc Thành"), unless that name is or
    holds a numeral ("Phường 5", "Phường Hà Giang 1" stay whole). A city's report: the province's
    proper name ("Thanh Hóa", "Thành phố Hà Nội" → "Hà Nội"), "Thành phố Hồ Chí Minh" whole.
    """
    if scope.get("ward"):
        ward = scope["ward"].strip()
        prefix, proper = _strip_prefix(ward, WARD_PREFIXES)
        return ward if not prefix or re.search(r"\d", proper) else proper
    city = scope["city"].strip()
    return _city_full_name(city) or _strip_prefix(city, CITY_PREFIXES)[1]


def city_unit(city: str) -> str:
    """The city as a unit in running text: "tỉnh Thanh Hóa", "thành phố Hà Nội", "Thành phố Hồ Chí Minh"."""
    return _city_full_name(city) or scope_name({"city": city, "ward": None})


def _is_central(city: str) -> bool:
    return _strip_prefix(city.strip(), CITY_PREFIXES)[1].lower() in CENTRAL_CITIES


def default_addressee(scope: dict) -> str:
    """A ward reports to its province's people's committee; a city's report has no addressee by default."""
    if not scope.get("ward"):
        return ""
    return f"Ủy ban nhân dân {city_unit(scope['city'])}"


def default_recipients(scope: dict, *, addressee: str) -> list[str]:
    """Nơi nhận when none is configured.

    With an addressee: "- Như trên;" and the filing line. A ward without one sends it up to the
    province "(để báo cáo)". A city without one: its standing party committee and council for
    report, its own leaders, the wards and communes, and the filing line.
    """
    if addressee.strip():
        return ["- Như trên;", FILING]
    unit = city_unit(scope["city"])
    if scope.get("ward"):
        return [f"- UBND {unit} (để báo cáo);", FILING]
    central = _is_central(scope["city"])
    level = "thành phố" if central else "tỉnh"
    return [
        f"- Thường trực {'Thành ủy' if central else 'Tỉnh ủy'} (để báo cáo);",
        f"- Thường trực HĐND {level} (để báo cáo);",
        f"- Chủ tịch, các PCT UBND {level};",
        "- UBND các phường, xã;",
        FILING,
    ]


def lines(text: str | None) -> list[str]:
    """Non-empty lines of a text field, each stripped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def document_settings(scope: dict, values: dict | None = None) -> dict:
    """The effective settings of a report's document: what was configured, the rest by default.

    `values` holds what was configured (a DocumentSettings row's fields): a missing addressee takes
    the default, a blank one prints none; blank recipients, signer title or place take the default.
    Returns place, addressee (text, may hold several lines), recipients (a list of lines),
    signer_title (text, one or two lines) and signer_name.
    """
    values = values or {}
    addressee = values["addressee"] if values.get("addressee") is not None else default_addressee(scope)
    recipients = values.get("recipients") or []
    if isinstance(recipients, str):
        recipients = lines(recipients)
    return {
        "place": (values.get("place") or "").strip() or place_name(scope),
        "addressee": addressee.strip(),
        "recipients": list(recipients) or default_recipients(scope, addressee=addressee),
        "signer_title": (values.get("signer_title") or "").strip() or DEFAULT_SIGNER_TITLE,
        "signer_name": (values.get("signer_name") or "").strip(),
    }
