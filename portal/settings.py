"""One settings module, configured by environment variables (see README)."""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from portal import environment, logs

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG")
# --- Production: the required environment (issue 10) ---------------------------------------------
# DEBUG off is production, whatever the entry point: gunicorn and uwsgi (portal.wsgi), celery worker and
# beat (portal.celery) and manage.py all load this module, so here, before any setting reads a variable,
# SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, CELERY_BROKER_URL and the e-mail settings are required and
# checked (portal/environment.py): one ImproperlyConfigured lists every missing or invalid one.
# The tests run with DEBUG off too; pytest (>= 8.2) sets PYTEST_VERSION, and they keep the development
# defaults below. Development is DEBUG=1 (`make run`). Commands that only write source files
# (makemigrations, makemessages, compilemessages) run anywhere, like the tests.
SOURCE_COMMANDS = {"makemigrations", "makemessages", "compilemessages"}
_command = sys.argv[1] if len(sys.argv) > 1 and sys.argv[0].endswith("manage.py") else ""
PRODUCTION = not DEBUG and "PYTEST_VERSION" not in os.environ and _command not in SOURCE_COMMANDS
if PRODUCTION:
    environment.check_production(os.environ)
SECRET_KEY = os.environ.get("SECRET_KEY") or environment.DEVELOPMENT_SECRET_KEY
# --- end of the required environment -------------------------------------------------------------
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "axes",  # login lockout (see "Accounts" below)
    "portal",
    "wards",
    "campaigns",
    "campaigns.criteria",
    "campaigns.results",
    "campaigns.movement",
    "campaigns.movement.inspections",
    "campaigns.movement.contributions",
    "campaigns.movement.commendations",
    "campaigns.movement.plans",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.LocaleMiddleware",
    "portal.middleware.NulByteMiddleware",  # after the locale: it answers in the reader's language
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.IdleSessionMiddleware",
    "portal.middleware.NoStoreMiddleware",
    "portal.middleware.FilePolicyMiddleware",  # below csp's: files get a sandboxed policy of their own
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the lockout page
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "portal.context_processors.scope",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
# A PostgreSQL read replica (optional): only the reads wrapped in portal.db_router.reading_from_replica()
# (dashboards, the criterion drill-down, report downloads, a report build's figures) go there; every write
# and every other read goes to "default". Tests never create it: it mirrors "default".
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60"))
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["portal.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Vietnamese first, English available. Formats (dd/mm/yyyy, 1.234,5) live in portal/formats.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["portal.formats"]
USE_I18N = True
# Off on purpose: with it on, every id and year printed into a URL or a form value becomes "1.023".
# Figures people read are grouped explicitly (|intcomma, number_format(force_grouping=True)).
USE_THOUSAND_SEPARATOR = False
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env_bool("STATIC_MANIFEST", True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery. Tasks run inside the request only when asked: by default in development (DEBUG) without a
# broker, so `make run` needs no server; never by default in production, where a report is built by a worker.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", DEBUG and not CELERY_BROKER_URL)
# Sending a task to a broker that is down fails within seconds (the page says so) instead of retrying
# inside the web request; workers still reconnect on their own.
CELERY_BROKER_CONNECTION_TIMEOUT = float(os.environ.get("CELERY_BROKER_TIMEOUT", "3"))
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
    "socket_timeout": CELERY_BROKER_CONNECTION_TIMEOUT + 2,  # above the 1 s a worker's BRPOP waits
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# django-celery-beat's scheduler (schedules are rows the admin edits), recording beat's tick for /healthz.
CELERY_BEAT_SCHEDULER = "portal.health:Scheduler"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Three queues, a worker each in production (README, Production): report builds never wait behind the
# morning's reminders, nor reminders behind a national report. `make worker` consumes all three.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "reports.tasks.*": {"queue": "reports"},
    "campaigns.movement.tasks.send_task_reminders": {"queue": "reminders"},
}
# A city-wide report of more wards than this is built as parts of REPORT_FANOUT_CHUNK wards each, on as
# many workers as are free, joined at the end (reports.fanout); smaller ones are one task. 1000: measured on
# 2 cores, a province (166 wards) is faster in one task, since with the rollups the reads are the small part
# of a build and the PDF the large one (README, Production); lower it where several workers stand ready.
REPORT_FANOUT_MIN_WARDS = int(os.environ.get("REPORT_FANOUT_MIN_WARDS", "1000"))
REPORT_FANOUT_CHUNK = int(os.environ.get("REPORT_FANOUT_CHUNK", "25"))
# A report build holds its scope and period for a lease: queued, until it has waited this long for a
# worker; running, until this long after the worker took it (renewed once, before the files are
# written). Past it the build is taken for dead, marked failed and queued again.
REPORT_QUEUE_TIMEOUT_SECONDS = int(os.environ.get("REPORT_QUEUE_TIMEOUT_SECONDS", "1800"))
REPORT_BUILD_LEASE_SECONDS = int(os.environ.get("REPORT_BUILD_LEASE_SECONDS", "600"))

# E-mail (password resets, reminders): printed to the console under DEBUG, sent by SMTP otherwise.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)  # port 465; the opposite of EMAIL_USE_TLS
if EMAIL_USE_SSL:
    EMAIL_USE_TLS = False
# A mail server that does not answer must not hold a web worker (a password reset is sent in the request).
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kieumau@localhost")

# Reporting periods: 1 = calendar months; 15 = 15th to 14th (Nghị định 09/2019/NĐ-CP, Điều 12).
PERIOD_CUTOFF_DAY = int(os.environ.get("PERIOD_CUTOFF_DAY", "1"))
if PERIOD_CUTOFF_DAY not in (1, 15):
    raise ImproperlyConfigured("PERIOD_CUTOFF_DAY must be 1 or 15.")
ENTRY_DEADLINE_DAYS = int(os.environ.get("ENTRY_DEADLINE_DAYS", "5"))

# Files uploaded through forms: at most 10 MB each (evidence, imports).
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Spreadsheets uploaded (Excel bulk entry, neighbourhood import; portal/uploads.py, portal/spreadsheets.py):
# the file as uploaded, what an .xlsx unpacks to, and what a sheet may hold. Read as a stream that stops at
# the first cap passed; the message names the cap. Rows count empty and formatted ones. A cell's cap stays
# above the longest text a field takes (a note: 2,000), so that such a mistake is listed with its row.
UPLOAD_MAX_SHEET_BYTES = int(os.environ.get("UPLOAD_MAX_SHEET_BYTES", 5 * 1024 * 1024))
UPLOAD_MAX_UNPACKED_BYTES = int(os.environ.get("UPLOAD_MAX_UNPACKED_BYTES", 50 * 1024 * 1024))
UPLOAD_MAX_ROWS = int(os.environ.get("UPLOAD_MAX_ROWS", 20_000))
UPLOAD_MAX_COLUMNS = int(os.environ.get("UPLOAD_MAX_COLUMNS", 100))
UPLOAD_MAX_CELL_CHARS = int(os.environ.get("UPLOAD_MAX_CELL_CHARS", 10_000))

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)

# LOGGING: see "Production: logs, error reports, health, backups" at the end.


# --- Accounts and headers (issue 10) -------------------------------------------------------------
# Login lockout (django-axes): LOGIN_FAILURE_LIMIT wrong passwords for one user name, or from one
# address, lock further logins for LOGIN_LOCKOUT_MINUTES. An administrator unlocks in the admin
# ("Access attempts": delete the rows) or with `manage.py axes_reset_username <name>` / `axes_reset_ip`.
# A successful login clears the counters of that user name and that address, so an office behind one
# address is only locked by LOGIN_FAILURE_LIMIT wrong passwords in a row.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before the password is checked
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "30"))
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# Tries during a lockout are refused without being counted: the lock ends when the page says it does.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "portal.accounts.lockout_response"
AXES_CLIENT_IP_CALLABLE = "portal.accounts.client_address"
# Reverse proxies in front of gunicorn (nginx, a load balancer): 0 means clients connect directly.
# With proxies, the client's address is read from X-Forwarded-For and HTTPS from X-Forwarded-Proto.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Idle timeout: a session ends SESSION_IDLE_MINUTES after its last request (portal.middleware.IdleSessionMiddleware
# extends it at most once a minute instead of SESSION_SAVE_EVERY_REQUEST's write on every request).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_ENGINE = "portal.sessions"  # database sessions that keep their expiry for that middleware

# Content-Security-Policy (django-csp): every script and style comes from our own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # Bootstrap draws its select arrows and close buttons as data: SVG
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# HTTPS: declared by the deployment (PORTAL_HTTPS=1), never guessed.
PORTAL_HTTPS = env_bool("PORTAL_HTTPS")
if PORTAL_HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]  # a load balancer probes over plain HTTP
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)  # a commitment for the whole domain: opt in
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["upgrade-insecure-requests"] = True


# --- Production: logs, error reports, health, backups (issue 10) ---------------------------------
# Logs: one JSON object per line on stdout outside DEBUG (LOG_FORMAT=text for plain lines). Celery keeps
# this configuration instead of installing its own handlers, so the worker and beat log the same way.
LOGGING = logs.logging_config(
    json_lines=os.environ.get("LOG_FORMAT", "text" if DEBUG else "json") == "json",
    level=os.environ.get("LOG_LEVEL", "WARNING" if DEBUG else "INFO"),
)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Error reports to Sentry, only when SENTRY_DSN is set (sentry-sdk is imported only then).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    logs.sentry_start(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )
# /healthz fails when the worker's heartbeat or beat's tick is older than this (seconds; both are stored
# every 30 s, portal/health.py).
HEALTH_HEARTBEAT_MAX_AGE = int(os.environ.get("HEALTH_HEARTBEAT_MAX_AGE", "120"))
# `manage.py backup` writes its archives here (a volume of its own in compose.yaml).
BACKUP_ROOT = Path(os.environ.get("BACKUP_ROOT", BASE_DIR / "backups"))
# check --deploy's W021 asks for SECURE_HSTS_PRELOAD. Preloading is a commitment of a whole registrable
# domain (thanhhoa.gov.vn and every site under it), not one portal's decision; the portal serves from a
# subdomain, where the directive is ignored. A deployment that owns its apex sets SECURE_HSTS_PRELOAD=1.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
# --- end of production ---------------------------------------------------------------------------
