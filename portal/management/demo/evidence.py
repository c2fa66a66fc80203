"""Evidence a leader can open at once: a photo of a cultural house, a street clean-up and the minutes of a
neighbourhood meeting, on results of canbo1's ward in the last two months.

The files are made here (a drawing, a one-page PDF) and attached through the entry form's own service, so
they pass the same content checks. Idempotent: a file already attached to its result is not added again.
"""

import io
import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont
from weasyprint import HTML

from campaigns.criteria.models import Indicator
from campaigns.results import periods
from campaigns.results.models import Evidence, Period, Submission
from campaigns.results.services import evidence_add
from wards.models import Membership

STAFF = "canbo1"  # the demo account that enters the results (Phường Hạc Thành)
FONT = Path(settings.BASE_DIR) / "static" / "fonts" / "tinos" / "Tinos-Regular.ttf"


@dataclass(frozen=True)
class Proof:
    neighbourhood: str
    months_back: int  # 0: this month, 1: last month
    indicator: str  # code in the neighbourhood's criteria set
    name: str  # the file name the user would have uploaded
    caption: str


PROOFS = (
    Proof("Đình Hương 1", 1, "II.1", "Nhà văn hóa Đình Hương 1.png", "Nhà văn hóa tổ dân phố Đình Hương 1"),
    Proof("Đình Hương 2", 1, "II.5", "Biên bản họp tổ hòa giải Đình Hương 2.pdf", "Họp tổ hòa giải ở cơ sở"),
    Proof("Phố Lê Lai", 0, "III.1", "Tổng vệ sinh Phố Lê Lai.png", "Tổng vệ sinh đường phố, Phố Lê Lai"),
)


def load(today: date | None = None) -> int:
    """Attach the demo's evidence files; returns how many were added (none on a second run)."""
    today = today or timezone.localdate()
    member = Membership.objects.filter(user__username=STAFF, ward__isnull=False).select_related("user", "ward").first()
    if member is None:
        return 0
    current = periods.current_month(today)
    months = list(Period.objects.filter(kind=Period.Kind.MONTH, start__lte=current.start).order_by("-start")[:2])
    added = 0
    for proof in PROOFS:
        if proof.months_back >= len(months):
            continue
        submission = (
            Submission.objects.filter(
                period=months[proof.months_back], ward=member.ward, neighbourhood__name=proof.neighbourhood
            )
            .select_related("criteria_set", "period", "ward")
            .first()
        )
        if submission is None:
            continue  # the neighbourhood did not report that month
        indicator = Indicator.objects.filter(
            criterion__criteria_set=submission.criteria_set, code=proof.indicator
        ).first()
        attached = Evidence.objects.filter(result__submission=submission, original_name=proof.name).exists()
        if indicator is None or attached:
            continue
        content = _minutes_pdf(proof, submission) if proof.name.endswith(".pdf") else _photo_png(proof.caption)
        upload = SimpleUploadedFile(proof.name, content)
        added += len(evidence_add(user=member.user, submission=submission, indicator=indicator, uploads=[upload]))
    return added


def _photo_png(caption: str) -> bytes:
    """A small drawing standing in for a photo: a house under a flag, and what it shows."""
    image = Image.new("RGB", (640, 400), "#bfe3f5")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 280, 640, 400), fill="#7cb342")  # the yard
    draw.rectangle((170, 170, 470, 300), fill="#fff3e0", outline="#8d6e63", width=3)  # the house
    draw.polygon([(150, 175), (320, 90), (490, 175)], fill="#c62828")  # the roof
    draw.rectangle((295, 220, 345, 300), fill="#6d4c41")  # the door
    for x in (205, 395):
        draw.rectangle((x, 205, x + 45, 245), fill="#90caf9", outline="#8d6e63", width=2)  # windows
    draw.line((560, 120, 560, 290), fill="#424242", width=4)  # the flagpole
    draw.rectangle((562, 120, 622, 160), fill="#da251d")  # the flag, with its star
    draw.polygon(_star(592, 141, 13), fill="#ffcd00")
    font = ImageFont.truetype(str(FONT), 24)
    draw.rectangle((0, 350, 640, 400), fill="#263238")
    draw.text((16, 362), caption, font=font, fill="white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _star(x: float, y: float, radius: float) -> list[tuple[float, float]]:
    """The five-pointed star of the flag, pointing up."""
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.382
        angle = math.pi / 2 + i * math.pi / 5
        points.append((x + r * math.cos(angle), y - r * math.sin(angle)))
    return points


def _minutes_pdf(proof: Proof, submission: Submission) -> bytes:
    """A one-page set of minutes, as a neighbourhood would scan and upload it."""
    month = submission.period
    html = f"""
    <style>
      @font-face {{ font-family: Tinos; src: url("{FONT.as_uri()}"); }}
      @page {{ size: A4; margin: 20mm 15mm 20mm 30mm; }}
      body {{ font-family: Tinos; font-size: 13pt; line-height: 1.4; }}
      h1 {{ font-size: 14pt; text-align: center; margin: 12pt 0 4pt; }}
      .c {{ text-align: center; }}
    </style>
    <p class="c"><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br>Độc lập - Tự do - Hạnh phúc</p>
    <h1>BIÊN BẢN</h1>
    <p class="c">{proof.caption}, tổ dân phố {proof.neighbourhood}, tháng {month.number:02d}/{month.year}</p>
    <p>Hôm nay, tại nhà văn hóa tổ dân phố {proof.neighbourhood}, {submission.ward.name}, tổ hòa giải
    họp định kỳ với sự tham dự của tổ trưởng, trưởng ban công tác Mặt trận và đại diện các hộ gia đình.</p>
    <p>Trong tháng, tổ đã hòa giải thành 02 vụ việc tranh chấp nhỏ giữa các hộ; không phát sinh tệ nạn
    xã hội trên địa bàn. Các hộ thống nhất tiếp tục thực hiện hương ước, quy ước của tổ dân phố.</p>
    <p>Biên bản lập xong hồi 10 giờ cùng ngày, đã đọc lại cho mọi người cùng nghe và nhất trí.</p>
    <p style="margin-top: 24pt"><b>Tổ trưởng tổ hòa giải</b> &nbsp; &nbsp; &nbsp; &nbsp; <b>Thư ký</b></p>
    """
    return HTML(string=html).write_pdf()
