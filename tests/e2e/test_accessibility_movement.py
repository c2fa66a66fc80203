"""Accessibility of the movement's pages, in a real browser, on a desktop and on a phone: registration, inspection
rounds and their visits, titles with their decision and withdrawal, contributions with their Excel import,
commendations, plan targets, commitments signed by offices and the party cells' quarterly ratings. axe-core finds
no critical or serious violation, and on a phone every control is a tap target of at least 44 px.

As in test_accessibility_more.py, each role that uses these pages (the ward's staff and leader, the city's leader,
the administrator) logs in once and goes through all of them in one test, and every failure of every page is
reported together. Forms are also checked as they come back after a bad submit, and the import page with its
list of errors and with its preview. The day is fixed: 20/11/2026 (tests/e2e/axe_pages.py).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from playwright.sync_api import expect

from campaigns.movement.inspections import registrations as registration_services
from campaigns.movement.inspections.models import Visit as InspectionVisit
from campaigns.movement.inspections.scoring import scores_ensure, visit_save
from campaigns.movement.inspections.units import Unit
from campaigns.movement.models import Campaign
from campaigns.movement.services import commitments as commitment_services
from campaigns.movement.services import ratings as rating_services
from campaigns.movement.services import titles as title_services
from tests.campaigns.commendations.conftest import commend
from tests.campaigns.contributions.conftest import give, workbook
from tests.campaigns.inspections.conftest import hood_set as hood_set  # noqa: F401 - fixture
from tests.campaigns.inspections.conftest import reported as reported  # noqa: F401 - fixture
from tests.campaigns.plans.conftest import aim
from tests.e2e.axe_pages import DESKTOP, MIN_TARGET_PX, PHONE, blocking_violations, describe, small_targets
from tests.e2e.axe_pages import _in_november as _in_november  # noqa: F401 - autouse fixture
from tests.factories import (
    CityRoundFactory,
    InspectionRoundFactory,
    NeighbourhoodFactory,
    PartyCellFactory,
    ProfileFactory,
    ProgrammeFactory,
    RegistrationFactory,
    TeamMemberFactory,
    VisitFactory,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

YEAR = 2026
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _hoods(ward_a, hood_a) -> list:
    """Đình Hương 1 and four more units of Hạc Thành; the last is not registered."""
    hoods = [hood_a]
    for name, households in (
        ("Tổ dân phố Đình Hương 2", 198),
        ("Tổ dân phố Thanh Sơn", 256),
        ("Tổ dân phố Đông Hải", 220),
        ("Thôn Đông Sơn", 171),
    ):
        hood = NeighbourhoodFactory(ward=ward_a, name=name)
        ProfileFactory(neighbourhood=hood, year=YEAR, households=households, people=households * 3)
        hoods.append(hood)
    return hoods


def _score(
    user, visit: InspectionVisit, conclusion: str, values: dict[str, str], conditions: str = ""
) -> InspectionVisit:
    """Score a visit as its team would: the verified values by indicator code, and a conclusion."""
    scores = {s.indicator.code: s.indicator_id for s in scores_ensure(visit)}
    verified = {pk: (Decimal(values[code]) if code in values else None, "") for code, pk in scores.items()}
    data = {
        "participants": "Đoàn kiểm tra; trưởng phố",
        "notes": "Đi thực tế",
        "conclusion": conclusion,
        "conditions": conditions,
    }
    return visit_save(user=user, visit=visit, data=data, verified=verified, version=visit.version)


def _inspections(city, ward_a, ward_b, hoods, hood_b, staff_a, city_leader) -> dict:
    """The programme's registrations, the ward's inspection with its team and visits, the city's verification."""
    programme = ProgrammeFactory(
        code="pho-thon-kieu-mau",
        name="Phố, thôn kiểu mẫu",
        title="Phố kiểu mẫu",
        criteria_code="thon-test",
        term_years=2,
    )
    registered = registration_services.register_units(
        user=staff_a,
        programme=programme,
        ward=ward_a,
        year=YEAR,
        units=[Unit(ward_a, hood) for hood in hoods[:4]],
        pledge="Giữ vững và phát huy các tiêu chí phố kiểu mẫu; không có hộ vi phạm an ninh trật tự.",
    )
    RegistrationFactory(programme=programme, neighbourhood=hood_b, ward=ward_b)
    ward_round = InspectionRoundFactory(programme=programme, ward=ward_a, city=city, name="Kiểm tra tháng 10 năm 2026")
    TeamMemberFactory(round=ward_round, name="Lê Văn Hải", role="Trưởng đoàn", organisation="UBND phường")
    TeamMemberFactory(round=ward_round, name="Phạm Thị Thu", role="Thành viên", organisation="Mặt trận Tổ quốc")
    scored = VisitFactory(round=ward_round, neighbourhood=hoods[0], visited_on=date(YEAR, 10, 5))
    _score(staff_a, scored, "meets", {"I.1": "1", "I.2": "82", "II.1": "1", "II.2": "0"})
    passed = VisitFactory(round=ward_round, neighbourhood=hoods[1], visited_on=date(YEAR, 10, 6))
    _score(staff_a, passed, "conditions", {"I.1": "1", "I.2": "90"}, "Hoàn thiện sổ theo dõi hộ gia đình văn hóa")
    pending = VisitFactory(round=ward_round, neighbourhood=hoods[2], visited_on=date(YEAR, 10, 7))
    city_round = CityRoundFactory(programme=programme, city=city, name="Phúc tra tháng 11 năm 2026")
    TeamMemberFactory(round=city_round, name="Trần Văn Bình", role="Trưởng đoàn", organisation="UBND tỉnh")
    verified = VisitFactory(round=city_round, neighbourhood=hoods[0], ward=ward_a, visited_on=date(YEAR, 11, 10))
    _score(city_leader, verified, "meets", {"I.1": "1", "I.2": "79", "II.1": "1", "II.2": "1"})
    open_visit = VisitFactory(round=city_round, neighbourhood=hoods[1], ward=ward_a, visited_on=date(YEAR, 11, 11))
    _score(city_leader, open_visit, "meets", {"I.1": "1", "I.2": "91"})
    return {
        "programme": programme,
        "registration": registered[0],
        "ward_round": ward_round,
        "city_round": city_round,
        "scored_visit": scored,
        "pending_visit": pending,
        "city_visit": verified,
    }


def _title(city, programme, city_leader, visit) -> object:
    """Đình Hương 1's title for 2026, decided from the city's verification (Đình Hương 2 is left to decide)."""
    return title_services.titles_decide(
        user=city_leader,
        programme=programme,
        year=YEAR,
        city=city,
        visit_ids=[visit.pk],
        decision_number="1234/QĐ-UBND",
        decision_date=date(YEAR, 11, 18),
        signer="Nguyễn Văn An, Chủ tịch UBND tỉnh",
    )[0]


def _commitments(city, ward_a, staff_a, city_leader) -> dict:
    """An office of the ward (a school) and an office at the city's level (the police) signed their pledges."""
    common = {"signer_kind": "office", "signed_on": date(YEAR, 1, 5), "period_start": date(YEAR, 1, 1)}
    school = commitment_services.commitment_record(
        user=staff_a,
        data={
            **common,
            "ward": ward_a,
            "office": "Trường THCS Điện Biên",
            "topic": "food_safety",
            "signer": "Lê Thị Hà",
            "signer_title": "Hiệu trưởng",
            "recipient_title": "Chủ tịch UBND phường",
            "period_end": date(YEAR, 6, 30),
        },
        document=SimpleUploadedFile("cam-ket.pdf", PDF, content_type="application/pdf"),
    )
    police = commitment_services.commitment_record(
        user=city_leader,
        data={
            **common,
            "ward": None,
            "city": city,
            "office": "Công an tỉnh Thanh Hóa",
            "topic": "security",
            "signer": "Nguyễn Văn An",
            "signer_title": "Giám đốc Công an tỉnh",
            "recipient_title": "Chủ tịch UBND tỉnh Thanh Hóa",
            "period_end": date(YEAR, 12, 31),
        },
    )
    return {"school": school, "police": police}


@pytest.fixture
def movement_world(
    city,
    ward_a,
    ward_b,
    hood_a,
    hood_b,
    staff_a,
    leader_a,
    city_leader,
    admin_user,
    hood_set,
    reported,  # noqa: F811
):
    """Hạc Thành in November 2026 along the movement's path: units registered, inspected by the ward and verified
    by the city, one title decided and one unit still to decide; contributions, commendations, plan targets,
    offices' commitments, and party cells rated for the year and for the third quarter."""
    hoods = _hoods(ward_a, hood_a)
    world = _inspections(city, ward_a, ward_b, hoods, hood_b, staff_a, city_leader)
    world["title"] = _title(city, world["programme"], city_leader, world["city_visit"])

    peak = Campaign.objects.create(
        name="60 ngày cao điểm xây dựng phố, thôn kiểu mẫu năm 2026",
        city=city,
        start=date(YEAR, 3, 15),
        end=date(YEAR, 5, 15),
    )
    peak.wards.set([ward_a, ward_b])
    gift = give(ward_a, neighbourhood=hood_a, contributor="Hộ ông Lê Văn Hòa", amount="5000000", campaign=peak)
    give(
        ward_a,
        kind="land",
        source="residents",
        amount="12.5",
        contributor="Hộ bà Nguyễn Thị Mai",
        description="Mở rộng ngõ 3",
    )
    give(
        ward_a,
        kind="materials",
        source="businesses",
        amount="36000000",
        contributor="Công ty TNHH Vật liệu",
        description="20 tấn xi măng",
    )
    give(ward_b, contributor="Công ty Đông Quang", amount="20000000")

    award = commend(ward_a, neighbourhood=hood_a, year=2025)
    commend(ward_a, number="12/QĐ-UBND", recipient="neighbourhood", neighbourhood=hood_a, year=2025)
    commend(ward_b, number="7/QĐ-UBND", person_name="Phạm Thị Lan", position="Bí thư chi bộ")

    target = aim(city, ward_a, "Kết nạp đảng viên mới", "10", year=YEAR, achieved="12", unit="đảng viên")
    aim(city, ward_a, "Tỷ lệ hộ gia đình văn hóa", "90", year=YEAR, unit="%", order=2)
    aim(city, None, "Kết nạp đảng viên mới", "500", year=YEAR, achieved="540", unit="đảng viên")

    cells = [
        PartyCellFactory(ward=ward_a, neighbourhood=hood_a, name="Chi bộ Đình Hương 1"),
        PartyCellFactory(ward=ward_a, neighbourhood=hoods[1], name="Chi bộ Đình Hương 2"),
    ]
    rating_services.party_cell_rate(user=staff_a, party_cell=cells[0], year=YEAR, score=92, members=31)
    rating_services.party_cell_rate(
        user=staff_a, party_cell=cells[0], year=YEAR, quarter=3, score=95, members=31, conditions={"tasks_late": True}
    )
    rating_services.party_cell_rate(user=staff_a, party_cell=cells[1], year=YEAR, quarter=3, score=74, members=18)

    return {
        **world,
        **_commitments(city, ward_a, staff_a, city_leader),
        "ward": ward_a,
        "city": city,
        "hoods": hoods,
        "gift": gift,
        "award": award,
        "target": target,
    }


@dataclass(frozen=True)
class Visit:
    """A page to check: its address from the world, what a person does there first (send a form), and whether
    the address sends on to the page checked (a "home" page leading to the user's own)."""

    name: str
    path: Callable[[dict], str]
    then: Callable[[object, dict, object], None] | None = None
    redirects: bool = False


def _wrong(form: str = "main form[method=post]"):
    """Send the form with every text field reading "x" and every text area emptied: it comes back with its
    errors shown."""

    def _send(page, w, tmp_path):
        sent = page.locator(form).last
        for field in sent.locator("input[type=text]:visible, input:not([type]):visible").all():
            field.fill("x")
        for area in sent.locator("textarea:visible").all():
            area.fill("")
        with page.expect_navigation():
            sent.locator("button[type=submit], button:not([type])").last.click()
        expect(page.locator("main :is(.invalid-feedback, .errorlist, .alert-danger)").first).to_be_visible()

    return _send


def _import(bad: bool):
    """Upload a workbook of contributions: one with errors in every column, or a good one (its preview shows)."""
    good = [
        ["10/04/2026", "Tổ dân phố Đình Hương 1", "Tiền (đồng)", "Nhân dân", "1.234.000", "", "Các hộ dân", "", ""],
        ["05/05/2026", "", "Ngày công", "Nhân dân", "120", "", "", "", ""],
        ["02/04/2026", "", "Vật tư (quy ra đồng)", "Doanh nghiệp", 36000000, "20 tấn xi măng", "Công ty TNHH", "", ""],
    ]
    wrong = [
        good[0],
        ["31/02/2026", "Thôn Không Có", "Tiền", "Nhân dân", "-5", "", "", "", ""],
        ["2026-04-01", "", "Vàng", "Xổ số", "abc", "", "", "", ""],
        ["01/12/2026", "", "Tiền", "Khác", "=1+1", "", "", "", ""],
    ]

    def _send(page, w, tmp_path):
        path = tmp_path / ("dong-gop-sai.xlsx" if bad else "dong-gop.xlsx")
        path.write_bytes(workbook(wrong if bad else good))
        page.locator("input[type=file][name=file]").set_input_files(str(path))
        with page.expect_navigation():
            page.locator('form[enctype="multipart/form-data"] button[type=submit]').click()
        expect(page.get_by_test_id("import-errors" if bad else "import-preview")).to_be_visible()

    return _send


def _ward(w) -> str:
    return w["ward"].code


def _programme(w) -> str:
    return w["programme"].code


def _registration_pages(reader: bool) -> list[Visit]:
    pages = [
        Visit("registrations", lambda w: reverse("campaigns:registration-index")),
        Visit(
            "registration-ward",
            lambda w: reverse("campaigns:registration-ward", args=[_ward(w), _programme(w), YEAR]),
        ),
        Visit("registration", lambda w: reverse("campaigns:registration-edit", args=[w["registration"].pk])),
    ]
    if reader:
        return pages
    return [
        *pages,
        Visit(
            "registration-ward-errors",
            lambda w: reverse("campaigns:registration-ward", args=[_ward(w), _programme(w), YEAR]),
            _wrong(),
        ),
        Visit(
            "registration-errors",
            lambda w: reverse("campaigns:registration-edit", args=[w["registration"].pk]),
            _wrong(),
        ),
        Visit(
            "registration-withdraw", lambda w: reverse("campaigns:registration-withdraw", args=[w["registration"].pk])
        ),
        Visit(
            "registration-withdraw-errors",
            lambda w: reverse("campaigns:registration-withdraw", args=[w["registration"].pk]),
            _wrong(),
        ),
    ]


ROUND_NEW_WARD = lambda w: reverse("campaigns:round-create") + f"?ward={_ward(w)}"  # noqa: E731
ROUND_NEW_CITY = lambda w: reverse("campaigns:round-create") + f"?city={w['city'].code}"  # noqa: E731
WARD_ROUND = lambda w: reverse("campaigns:round-detail", args=[w["ward_round"].pk])  # noqa: E731
CITY_ROUND = lambda w: reverse("campaigns:round-detail", args=[w["city_round"].pk])  # noqa: E731
SCORED = lambda w: reverse("campaigns:visit-detail", args=[w["scored_visit"].pk])  # noqa: E731
CITY_VISIT = lambda w: reverse("campaigns:visit-detail", args=[w["city_visit"].pk])  # noqa: E731
TITLE = lambda w: reverse("campaigns:title-detail", args=[w["title"].pk])  # noqa: E731
TITLES = lambda w: reverse("campaigns:title-list", args=[_programme(w), YEAR])  # noqa: E731
DECIDE = lambda w: reverse("campaigns:title-decide", args=[_programme(w), YEAR])  # noqa: E731
PLAN_WARD = lambda w: reverse("campaigns:plan-ward", args=[_ward(w), YEAR])  # noqa: E731
PLAN_CITY = lambda w: reverse("campaigns:plan-city", args=[w["city"].code, YEAR])  # noqa: E731
QUARTER = lambda w: reverse("campaigns:party-cells", args=[_ward(w), YEAR]) + "?quarter=3"  # noqa: E731
OFFICE = lambda w: reverse("campaigns:commitment-create") + "?kind=office"  # noqa: E731


ROLES: dict[str, list[Visit]] = {
    # The ward's staff: register, inspect and score, record contributions (by hand and from Excel), commendations,
    # achieved values, offices' commitments, the party cells' quarter; read the titles.
    "canbo1": [
        *_registration_pages(reader=False),
        Visit("rounds", lambda w: reverse("campaigns:round-list")),
        Visit("round-new", ROUND_NEW_WARD),
        Visit("round-new-errors", ROUND_NEW_WARD, _wrong()),
        Visit("round", WARD_ROUND),
        Visit("round-edit", lambda w: reverse("campaigns:round-edit", args=[w["ward_round"].pk])),
        Visit("visit-add-errors", WARD_ROUND, _wrong("main form[action$='/visits/add/']")),
        Visit("visit-score", SCORED),
        Visit("visit-pending", lambda w: reverse("campaigns:visit-detail", args=[w["pending_visit"].pk])),
        Visit("visit-score-errors", SCORED, _wrong("main form[method=post]:not([action])")),
        Visit("visit-file-errors", SCORED, _wrong("main form[action$='/files/']")),
        Visit("city-visit", CITY_VISIT),
        Visit("contributions", lambda w: reverse("campaigns:contribution-list", args=[_ward(w)])),
        Visit("contribution-new", lambda w: reverse("campaigns:contribution-create", args=[_ward(w)])),
        Visit(
            "contribution-new-errors",
            lambda w: reverse("campaigns:contribution-create", args=[_ward(w)]),
            _wrong(),
        ),
        Visit("contribution-edit", lambda w: reverse("campaigns:contribution-edit", args=[w["gift"].pk])),
        Visit("contribution-import", lambda w: reverse("campaigns:contribution-import", args=[_ward(w)])),
        Visit(
            "contribution-import-errors",
            lambda w: reverse("campaigns:contribution-import", args=[_ward(w)]),
            _import(bad=True),
        ),
        Visit(
            "contribution-import-preview",
            lambda w: reverse("campaigns:contribution-import", args=[_ward(w)]),
            _import(bad=False),
        ),
        Visit("commendations", lambda w: reverse("campaigns:commendation-list")),
        Visit(
            "commendation-start",
            lambda w: reverse("campaigns:commendation-start") + f"?ward={_ward(w)}",
            redirects=True,
        ),
        Visit(
            "commendation-new-errors",
            lambda w: reverse("campaigns:commendation-create", args=[_ward(w)]),
            _wrong(),
        ),
        Visit("commendation-edit", lambda w: reverse("campaigns:commendation-edit", args=[w["award"].pk])),
        Visit("plan-ward", PLAN_WARD),
        Visit("plan-achieved", lambda w: reverse("campaigns:plan-target-achieved", args=[w["target"].pk])),
        Visit(
            "plan-achieved-errors",
            lambda w: reverse("campaigns:plan-target-achieved", args=[w["target"].pk]),
            _wrong(),
        ),
        Visit("commitments", lambda w: reverse("campaigns:commitment-list")),
        Visit("commitment-office-new", OFFICE),
        Visit("commitment-office-new-errors", OFFICE, _wrong()),
        Visit("party-cells-quarter", QUARTER),
        Visit("titles-index", lambda w: reverse("campaigns:title-index")),
        Visit("titles", TITLES),
        Visit("title", TITLE),
    ],
    # The ward's leader: reads registrations and inspections, sets the ward's plan targets, reads the rest.
    "phuong1": [
        *_registration_pages(reader=True),
        Visit("rounds", lambda w: reverse("campaigns:round-list")),
        Visit("round", WARD_ROUND),
        Visit("visit-score", SCORED),
        Visit("contribution-home", lambda w: reverse("campaigns:contribution-home"), redirects=True),
        Visit("commendations", lambda w: reverse("campaigns:commendation-list")),
        Visit("plan-home", lambda w: reverse("campaigns:plan-home"), redirects=True),
        Visit("plan-target-new", lambda w: reverse("campaigns:plan-ward-target-create", args=[_ward(w), YEAR])),
        Visit(
            "plan-target-new-errors",
            lambda w: reverse("campaigns:plan-ward-target-create", args=[_ward(w), YEAR]),
            _wrong(),
        ),
        Visit("plan-target-edit", lambda w: reverse("campaigns:plan-target-edit", args=[w["target"].pk])),
        Visit("commitments", lambda w: reverse("campaigns:commitment-list")),
        Visit("party-cells-quarter", QUARTER),
        Visit("titles-index", lambda w: reverse("campaigns:title-index")),
        Visit("titles", TITLES),
        Visit("title", TITLE),
    ],
    # The city's leader: the city's registrations, the verification round and its scores, the decision and the
    # withdrawal of titles, the city's contributions and plan, commitments of the city's offices.
    "lanhdao": [
        Visit("registrations", lambda w: reverse("campaigns:registration-index")),
        Visit(
            "registration-city",
            lambda w: reverse("campaigns:registration-city", args=[w["city"].code, _programme(w), YEAR]),
        ),
        Visit("rounds", lambda w: reverse("campaigns:round-list")),
        Visit("round-new", ROUND_NEW_CITY),
        Visit("round-new-errors", ROUND_NEW_CITY, _wrong()),
        Visit("city-round", CITY_ROUND),
        Visit("city-visit", CITY_VISIT),
        Visit("city-visit-errors", CITY_VISIT, _wrong("main form[method=post]:not([action])")),
        Visit("contribution-home", lambda w: reverse("campaigns:contribution-home"), redirects=True),
        Visit("contributions-ward", lambda w: reverse("campaigns:contribution-list", args=[_ward(w)])),
        Visit("commendations", lambda w: reverse("campaigns:commendation-list")),
        Visit("commendation-new", lambda w: reverse("campaigns:commendation-create", args=[_ward(w)])),
        Visit("plan-home", lambda w: reverse("campaigns:plan-home"), redirects=True),
        Visit("plan-ward", PLAN_WARD),
        Visit("commitments", lambda w: reverse("campaigns:commitment-list")),
        Visit("commitment", lambda w: reverse("campaigns:commitment-detail", args=[w["police"].pk])),
        Visit("commitment-office-new", OFFICE),
        Visit("commitment-office-new-errors", OFFICE, _wrong()),
        Visit("party-cells-quarter", QUARTER),
        Visit("titles-index", lambda w: reverse("campaigns:title-index")),
        Visit("titles", TITLES),
        Visit("title-decide", DECIDE),
        Visit("title-decide-errors", DECIDE, _wrong()),
        Visit("title-withdraw-form", TITLE),
        Visit("title-withdraw-errors", TITLE, _wrong("main form[action$='/withdraw/']")),
    ],
    # The administrator: every city's pages, the city's plan and its targets, the decision.
    "quantri": [
        Visit("registrations", lambda w: reverse("campaigns:registration-index")),
        Visit(
            "registration-city",
            lambda w: reverse("campaigns:registration-city", args=[w["city"].code, _programme(w), YEAR]),
        ),
        Visit("rounds", lambda w: reverse("campaigns:round-list")),
        Visit("round", WARD_ROUND),
        Visit("contributions-city", lambda w: reverse("campaigns:contribution-city", args=[w["city"].code])),
        Visit("commendations", lambda w: reverse("campaigns:commendation-list") + f"?ward={_ward(w)}"),
        Visit("plan-city", PLAN_CITY),
        Visit(
            "plan-city-target-new", lambda w: reverse("campaigns:plan-city-target-create", args=[w["city"].code, YEAR])
        ),
        Visit("commitments", lambda w: reverse("campaigns:commitment-list")),
        Visit("party-cells", lambda w: reverse("campaigns:party-cells", args=[_ward(w), YEAR])),
        Visit("titles-index", lambda w: reverse("campaigns:title-index")),
        Visit("titles", TITLES),
        Visit("title-decide", DECIDE),
        Visit("title", TITLE),
    ],
}


def _check(page, live_server, world, visit: Visit, tmp_path, *, phone: bool) -> list[str]:
    """Open the page (and do what the visit does there); what axe-core and the tap targets find wrong."""
    path = visit.path(world)
    response = page.goto(f"{live_server.url}{path}")
    if response is None or response.status != 200:
        return [f"{visit.name} ({path}): answered {response and response.status}"]
    if visit.then is not None:
        visit.then(page, world, tmp_path)
    elif not visit.redirects and urlsplit(page.url).path != urlsplit(path).path:
        return [f"{visit.name} ({path}): redirected to {page.url}"]
    page.wait_for_load_state("load")
    width = page.viewport_size["width"]
    failures = []
    blocking = blocking_violations(page)
    if blocking:
        failures.append(f"axe-core on {visit.name} ({path}, {width}px wide):\n{describe(blocking)}")
    if phone:
        offenders = small_targets(page)
        if offenders:
            failures.append(
                f"tap targets under {MIN_TARGET_PX} px on {visit.name} ({path}):\n"
                + "\n".join(f"- {offender}" for offender in offenders)
            )
    return failures


@pytest.mark.parametrize("context_options", [DESKTOP, PHONE], ids=["desktop", "phone"], indirect=True)
@pytest.mark.parametrize("role", list(ROLES))
def test_every_movement_page_has_no_serious_axe_violation_and_44px_targets_on_a_phone(
    role, context_options, movement_world, login, page, live_server, tmp_path
):
    login(role)
    phone = bool(context_options.get("is_mobile"))
    failures = []
    for visit in ROLES[role]:
        failures += _check(page, live_server, movement_world, visit, tmp_path, phone=phone)
    assert failures == [], f"{len(failures)} page(s) fail for {role}:\n\n" + "\n\n".join(failures)
