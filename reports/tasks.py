"""Celery tasks: ids in, one service call. All of them go to the "reports" queue (settings).

The build tasks ignore their result: nobody reads it, and sending them then never waits on the result
store (with Redis down that wait took 20 s inside the web request).
"""

from celery import shared_task

from reports import fanout, services
from reports.models import Report


@shared_task(bind=True, max_retries=5, default_retry_delay=30, acks_late=True, ignore_result=True)
def build_report(self, report_id: int) -> str:
    try:
        if fanout.fans_out(report_id=report_id):  # a city of many wards: parts on several workers
            return fanout.report_fanout_start(report_id=report_id)
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


# The parts keep their (small) result: a chord counts its finished parts in the result store.
@shared_task(bind=True, max_retries=5, default_retry_delay=30, acks_late=True)
def build_report_part(self, report_id: int, build: str, chunk: int, ward_ids: list[int], criteria_set_id=None) -> int:
    try:
        return fanout.report_part_build(
            report_id=report_id, build=build, chunk=chunk, ward_ids=ward_ids, criteria_set_id=criteria_set_id
        )
    except services.RETRYABLE as exc:
        # A lost connection: a worker reads this part again later while the build waits. Eagerly (no
        # broker) nobody would come back to it: the report fails at once, as a build in one task does.
        if not self.app.conf.task_always_eager and self.request.retries < self.max_retries:
            raise self.retry(exc=exc) from exc
        fanout.report_part_failed(report_id=report_id, exc=exc)
        raise
    except Exception as exc:
        fanout.report_part_failed(report_id=report_id, exc=exc)
        raise


@shared_task(acks_late=True, ignore_result=True)
def join_report_parts(report_id: int, build: str, chunks: int, today: str) -> str:
    return fanout.report_parts_join(report_id=report_id, build=build, chunks=chunks, today=today)
