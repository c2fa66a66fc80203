"""gunicorn's settings, read from the working directory (`gunicorn portal.wsgi` in the image and the README).

Its own lines (start, worker timeouts, the access log) go to stdout as JSON like the portal's logs
(portal/logs.py), LOG_FORMAT=text for plain lines; the rest (bind, workers) is on the command line or in
gunicorn's own variables (WEB_CONCURRENCY).
"""

import os

from portal.logs import logging_config

logconfig_dict = {
    **logging_config(json_lines=os.environ.get("LOG_FORMAT", "json") == "json", level="INFO"),
    # Replace gunicorn's defaults: its loggers hand their records to the root logger above.
    "loggers": {
        "gunicorn.error": {"level": "INFO", "propagate": True},
        "gunicorn.access": {"level": "INFO", "propagate": True},
    },
}
