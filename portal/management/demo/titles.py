"""The titles of Hạc Thành: the units the city verified last year (the inspections demo: 12 of them) awarded
"Phố, thôn kiểu mẫu" by one decision in mid-December, and one of those titles withdrawn this year with its
reason and decision. Decision numbers, names and the reason are examples, not taken from a real document.

Runs after portal.management.demo.inspections; idempotent: a second run adds nothing.
"""

from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from campaigns.criteria.models import Programme
from campaigns.movement.models import Recognition
from campaigns.movement.services import titles as title_services
from wards.models import Ward

WARD_CODE = "14797"  # Hạc Thành
PROGRAMME = "pho-thon-kieu-mau"
DECISION = "1234/QĐ-UBND"  # example number
SIGNER = title_services.signed_by("Nguyễn Văn An (tên ví dụ)", "Chủ tịch UBND tỉnh")
WITHDRAWAL = "56/QĐ-UBND"  # example number
REASON = (
    "Ví dụ: trong năm, trên địa bàn tổ dân phố để xảy ra vụ việc phức tạp về an ninh, trật tự; kiểm tra lại "
    "không còn đạt tiêu chí về an ninh, trật tự và xây dựng gia đình văn hóa."
)


@transaction.atomic
def load(today: date | None = None) -> dict:
    """Decide last year's titles and withdraw one this year; returns what it added (nothing on a second run)."""
    today = today or timezone.localdate()
    year = today.year - 1
    added = {"decided": 0, "withdrawn": 0}
    ward = Ward.objects.filter(code=WARD_CODE).select_related("city").first()
    programme = Programme.objects.filter(code=PROGRAMME).first()
    leader = get_user_model().objects.filter(username="lanhdao").first()
    if ward is None or programme is None or leader is None:
        return added
    rows = title_services.decision_rows(programme=programme, year=year, wards=[ward])
    open_ids = [r["visit"].pk for r in rows if r["decided"] is None]
    if open_ids and not any(r["decided"] for r in rows):
        decided = title_services.titles_decide(
            user=leader,
            programme=programme,
            year=year,
            city=ward.city,
            visit_ids=open_ids,
            decision_number=DECISION,
            decision_date=min(date(year, 12, 15), today),
            signer=SIGNER,
            today=today,
        )
        added["decided"] = len(decided)
    titles = Recognition.objects.filter(programme=programme, year=year, ward=ward)
    if not titles.filter(status=Recognition.Status.WITHDRAWN).exists():
        target = titles.filter(status=Recognition.Status.CONFIRMED).order_by("neighbourhood__search_key").last()
        if target is not None:
            title_services.title_withdraw(
                user=leader,
                recognition=target,
                withdrawal_number=WITHDRAWAL,
                withdrawn_on=max(min(date(today.year, 3, 20), today), target.decision_date),
                signer=SIGNER,
                reason=REASON,
                today=today,
            )
            added["withdrawn"] = 1
    return added
