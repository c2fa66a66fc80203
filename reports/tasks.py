"""Celery tasks: ids in, one service call.

The build tasks ignore their result: nobody reads it, and sending them then never waits on the result
store (with Redis down that wait took 20 s inside the web request).
"""

from celery import shared_task

from reports import services
from reports.models import Report


@shared_task(bind=True, max_retries=5, default_retry_delay=30, acks_late=True, ignore_result=True)
def build_report(self, report_id: int) -> str:
    try:
        report = services.report_build(report_id=report_id)
    except services.RETRYABLE as exc:
        # A lost database or broker connection: put it back and try again later,
        # unless another build has taken its place meanwhile.
        if not services.report_requeue(report_id=report_id):
            return "replaced"
        raise self.retry(exc=exc) from exc
    return report.state if report else "skipped"


@shared_task(acks_late=True, ignore_result=True)
def render_report_pdf(report_id: int) -> None:
    services.report_pdf_render(report_id=report_id)


@shared_task
def build_monthly_reports() -> int:
    return len(services.scheduled_reports(kind=Report.Kind.MONTHLY))


@shared_task
def build_annual_reports() -> int:
    return len(services.scheduled_reports(kind=Report.Kind.ANNUAL))


@shared_task
def expire_report_builds() -> int:
    return len(services.report_sweep())
