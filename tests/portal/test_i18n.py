"""The interface speaks Vietnamese first: the catalogue is complete, compiled and used.

The .po files are the source of truth and the .mo files are committed next to
them (the portal runs without gettext installed), so these tests check both
and that they agree. After adding strings: makemessages, translate, compilemessages.
"""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import ProfileFactory

LOCALE = Path(settings.LOCALE_PATHS[0])
VI_PO = LOCALE / "vi" / "LC_MESSAGES" / "django.po"
VI_MO = LOCALE / "vi" / "LC_MESSAGES" / "django.mo"
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
EN_MO = LOCALE / "en" / "LC_MESSAGES" / "django.mo"

_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")\s*$')
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]")


def _unquote(literal: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), literal[1:-1])


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file as dicts: msgid, msgid_plural, msgstr / msgstr[n], flags, line.

    Plain Python (no polib). Obsolete entries (#~) are skipped; the header is
    the entry with an empty msgid.
    """
    entries, entry, key = [], None, None

    def close():
        if entry is not None and "msgid" in entry:
            entries.append(entry)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            close()
            entry, key = None, None
            continue
        if line.startswith("#~"):
            continue
        if entry is None:
            entry = {"flags": set(), "line": number}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif match := _KEYWORD.match(line):
            if match.group(1) in ("msgctxt", "msgid") and "msgid" in entry:
                # A new entry without a blank line in between.
                close()
                entry = {"flags": set(), "line": number}
            key = match.group(1)
            entry[key] = _unquote(match.group(2))
        elif line.startswith('"') and key:
            entry[key] += _unquote(line)
        else:
            raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
    close()
    return entries


def _messages(entries: list[dict]) -> list[dict]:
    return [e for e in entries if e["msgid"] != ""]


def _header(entries: list[dict]) -> dict:
    return next(e for e in entries if e["msgid"] == "" and "msgctxt" not in e)


def _label(entry: dict) -> str:
    return f"line {entry['line']}: {entry['msgid']!r}"


@pytest.fixture(scope="module")
def vi_entries():
    assert VI_PO.exists(), f"{VI_PO} is missing: run makemessages --locale vi"
    return parse_po(VI_PO)


# The catalogue itself ----------------------------------------------------------


def test_vi_catalogue_has_entries(vi_entries):
    assert len(_messages(vi_entries)) > 100


def test_vi_header_is_vietnamese_with_one_plural_form(vi_entries):
    header = _header(vi_entries)
    assert "fuzzy" not in header["flags"]
    assert "Language: vi\n" in header["msgstr"]
    assert "charset=UTF-8" in header["msgstr"]
    assert "Plural-Forms: nplurals=1; plural=0;" in header["msgstr"]


def test_every_vi_entry_is_translated_and_none_is_fuzzy(vi_entries):
    untranslated, fuzzy = [], []
    for entry in _messages(vi_entries):
        if "fuzzy" in entry["flags"]:
            fuzzy.append(_label(entry))
        if "msgid_plural" in entry:
            forms = [v for k, v in entry.items() if k.startswith("msgstr[")]
            if not forms or not all(f.strip() for f in forms) or "msgstr[0]" not in entry:
                untranslated.append(_label(entry))
        elif not entry.get("msgstr", "").strip():
            untranslated.append(_label(entry))
    assert not untranslated, "untranslated in vi/django.po:\n" + "\n".join(untranslated)
    assert not fuzzy, "fuzzy in vi/django.po:\n" + "\n".join(fuzzy)


def test_vi_plural_entries_have_exactly_one_form(vi_entries):
    wrong = [
        _label(e)
        for e in _messages(vi_entries)
        if "msgid_plural" in e and sorted(k for k in e if k.startswith("msgstr")) != ["msgstr[0]"]
    ]
    assert not wrong, "Vietnamese has one plural form (msgstr[0] only):\n" + "\n".join(wrong)


def test_vi_translations_keep_every_placeholder(vi_entries):
    wrong = []
    for entry in _messages(vi_entries):
        sources = [entry["msgid"]] + ([entry["msgid_plural"]] if "msgid_plural" in entry else [])
        wanted = set().union(*(_PLACEHOLDER.findall(s) for s in sources))
        for key in (k for k in entry if k.startswith("msgstr")):
            if set(_PLACEHOLDER.findall(entry[key])) != wanted:
                wrong.append(f"{_label(entry)} -> {entry[key]!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_vi_mo_is_compiled_from_the_current_po(vi_entries):
    assert VI_MO.exists(), f"{VI_MO} is missing: run compilemessages"
    with VI_MO.open("rb") as f:
        catalogue = gettext.GNUTranslations(f)
    stale = []
    for entry in _messages(vi_entries):
        if "msgctxt" in entry:
            got = catalogue.pgettext(entry["msgctxt"], entry["msgid"])
            want = entry.get("msgstr", entry.get("msgstr[0]"))
            if "msgid_plural" in entry:
                got = catalogue.npgettext(entry["msgctxt"], entry["msgid"], entry["msgid_plural"], 1)
        elif "msgid_plural" in entry:
            got, want = catalogue.ngettext(entry["msgid"], entry["msgid_plural"], 1), entry["msgstr[0]"]
            many = catalogue.ngettext(entry["msgid"], entry["msgid_plural"], 5)
            if many != want:
                stale.append(f"{_label(entry)} (n=5): mo {many!r} != po {want!r}")
        else:
            got, want = catalogue.gettext(entry["msgid"]), entry["msgstr"]
        if got != want:
            stale.append(f"{_label(entry)}: mo {got!r} != po {want!r}")
    assert not stale, "django.mo is out of step with django.po (run compilemessages):\n" + "\n".join(stale)


def test_en_catalogue_exists_compiles_and_covers_the_same_strings(vi_entries):
    assert EN_PO.exists() and EN_MO.exists(), "locale/en/LC_MESSAGES/django.po and .mo must both exist"
    en_entries = parse_po(EN_PO)
    with EN_MO.open("rb") as f:
        gettext.GNUTranslations(f)  # raises if the file is not a valid catalogue

    def ids(entries):
        return {(e.get("msgctxt"), e["msgid"], e.get("msgid_plural")) for e in _messages(entries)}

    assert ids(en_entries) == ids(vi_entries), "run makemessages for both --locale vi and --locale en"


# makemessages (xgettext) finds a string only by the name it is called with: gettext, gettext_lazy, _ and
# their kin. A string marked with another alias (`gettext_lazy as _lazy`) never reaches the catalogue and
# shows in English on a Vietnamese page.
_EXTRACTED = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy", "pgettext",
              "pgettext_lazy", "npgettext", "npgettext_lazy"}  # fmt: skip
_ALIAS = re.compile(r"\b(n?p?gettext(?:_lazy|_noop)?) as (\w+)")


def test_strings_are_marked_with_names_makemessages_extracts():
    root = Path(settings.BASE_DIR)
    hidden = [
        f"{path.relative_to(root)}: {match.group(0)}"
        for folder in ("portal", "wards", "campaigns", "reports")
        for path in (root / folder).rglob("*.py")
        for match in _ALIAS.finditer(path.read_text(encoding="utf-8"))
        if match.group(2) not in _EXTRACTED
    ]
    assert not hidden, "makemessages does not see strings marked with these names:\n" + "\n".join(hidden)


# The catalogue in use ----------------------------------------------------------


def test_login_page_is_vietnamese_by_default(client, db):
    page = client.get(reverse("login"))
    html = page.content.decode()
    assert page.status_code == 200
    assert page.headers["Content-Language"] == "vi"
    assert '<html lang="vi">' in html
    for text in ("Đăng nhập", "Tên đăng nhập", "Mật khẩu"):
        assert text in html
    assert "Log in" not in html
    assert "Password" not in html


def test_login_page_switches_to_english_and_back(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html and "Password" in html
    assert "Đăng nhập" not in html

    client.post(reverse("set_language"), {"language": "vi", "next": reverse("login")})
    assert "Đăng nhập" in client.get(reverse("login")).content.decode()


def test_wrong_password_is_explained_in_vietnamese(client, staff_a):
    page = client.post(reverse("login"), {"username": staff_a.username, "password": "sai-mat-khau"})
    assert "Sai tên đăng nhập hoặc mật khẩu" in page.content.decode()


def test_ward_page_of_staff_shows_vietnamese_labels(client, staff_a, ward_a, hood_a, cell_a):
    ProfileFactory(
        ward=ward_a,
        year=2026,
        households=3120,
        people=11390,
        poor_households=7,
        near_poor_households=16,
        party_members=980,
    )
    client.force_login(staff_a)
    page = client.get(reverse("wards:ward-detail", args=[ward_a.code]))
    assert page.status_code == 200
    html = page.content.decode()
    for text in (
        "Hồ sơ năm",  # Yearly profile
        "Số hộ",  # Households
        "Số nhân khẩu",  # People
        "Hộ nghèo",  # Poor households
        "Hộ cận nghèo",  # Near-poor
        "Đảng viên",  # Party members
        "Chi bộ",  # Party cells
        "Thôn, tổ dân phố",  # Neighbourhoods
        "Tổ dân phố",  # the neighbourhood's kind
        "Nhập danh sách thôn, tổ dân phố",  # the staff's import button
        "Đăng xuất",  # Log out
        "Trang chủ",  # Home
    ):
        assert text in html, f"{text!r} missing from the ward page"
    for english in (
        "Yearly profile",
        "Party cells",
        "Party members",
        "Neighbourhoods",
        "Log out",
        "Import neighbourhoods",
        "Residential group",
    ):
        assert english not in html, f"untranslated {english!r} on the ward page"


def test_home_page_greets_and_names_the_role_in_vietnamese(client, staff_a, ward_a):
    client.force_login(staff_a)
    html = client.get(reverse("home")).content.decode()
    assert "Xin chào, Hoa" in html
    assert "Cán bộ phường/xã" in html
    assert "Phường, xã phụ trách" in html
