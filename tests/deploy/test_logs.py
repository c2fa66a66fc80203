"""JSON log lines on stdout, and Sentry only when SENTRY_DSN is set."""

import json
import logging
import sys

from portal.logs import JsonFormatter, logging_config
from tests.deploy.processes import run


def _record(message: str, *args, exc_info=None, **extra) -> logging.LogRecord:
    record = logging.LogRecord("reports.services", logging.ERROR, __file__, 1, message, args, exc_info)
    record.__dict__.update(extra)
    return record


def test_a_record_is_one_json_line_with_its_extra_fields():
    line = JsonFormatter().format(_record("Báo cáo %s không lập được", 42, report_id=42))
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "ERROR" and entry["logger"] == "reports.services"
    assert entry["message"] == "Báo cáo 42 không lập được"
    assert entry["report_id"] == 42
    assert entry["time"].endswith("+00:00")


def test_a_traceback_stays_in_its_record():
    try:
        raise ValueError("số không hợp lệ")
    except ValueError:
        line = JsonFormatter().format(_record("failed", exc_info=sys.exc_info()))
    entry = json.loads(line)
    assert "ValueError: số không hợp lệ" in entry["exception"]


def test_production_logs_json_and_development_plain_text():
    assert logging_config(json_lines=True, level="INFO")["formatters"]["default"] == {"()": JsonFormatter}
    assert "format" in logging_config(json_lines=False, level="INFO")["formatters"]["default"]


SENTRY_STATE = "import sys, django; django.setup(); print('sentry_sdk' in sys.modules)"
SENTRY_ACTIVE = "import django; django.setup(); import sentry_sdk; print(sentry_sdk.get_client().is_active())"


def test_sentry_is_not_even_imported_without_a_dsn():
    started = run(["-c", SENTRY_STATE], env={"DEBUG": "1"})
    assert started.stdout.strip() == "False", started.stderr


def test_sentry_reports_errors_when_a_dsn_is_set():
    # A DSN whose host does not exist: nothing is sent unless an error happens.
    started = run(["-c", SENTRY_ACTIVE], env={"DEBUG": "1", "SENTRY_DSN": "https://khoa@sentry.invalid/1"})
    assert started.stdout.strip() == "True", started.stderr
