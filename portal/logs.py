"""Logs as one JSON object per line on stdout, and error reports to Sentry when SENTRY_DSN is set.

Production logs are read by a collector (docker logs, journald, Loki…), not by people at a terminal:
a JSON line keeps a traceback and a Vietnamese message in one record and needs no parsing rule.
"""

import json
import logging
from datetime import UTC, datetime

# The attributes every LogRecord has; anything else on a record came from `extra=` and is kept.
_RECORD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """time (UTC, ISO 8601), level, logger, message, the `extra=` fields, and the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update((key, value) for key, value in vars(record).items() if key not in _RECORD_ATTRIBUTES)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # default=str: Django adds the request object to its records; its repr is "<WSGIRequest: GET '/…'>".
        return json.dumps(entry, ensure_ascii=False, default=str)


def logging_config(*, json_lines: bool, level: str) -> dict:
    """The LOGGING setting: everything through the root logger to stdout, as JSON lines or plain text."""
    formatter = {"()": JsonFormatter} if json_lines else {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "handlers": {
            "stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "default"}
        },
        "root": {"handlers": ["stdout"], "level": level},
        # django-axes writes several INFO lines per login; failures and lockouts are WARNING.
        "loggers": {"axes": {"level": "WARNING"}},
    }


def sentry_start(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    """Report unhandled errors of the web requests and the Celery tasks to Sentry.

    sentry-sdk is imported only here, when a DSN is set; its Django and Celery integrations switch on by
    themselves. No personal data is sent: user names and addresses of officials stay out of the reports.
    """
    import sentry_sdk

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        traces_sample_rate=traces_sample_rate,
        send_default_pii=False,
    )
