"""What a production deployment must set, checked before anything reads it.

`portal/settings.py` calls `check_production(os.environ)` whenever DEBUG is off outside the tests, so every
entry point (gunicorn or uwsgi through portal.wsgi, celery worker and beat through portal.celery, manage.py)
refuses to start with one error that lists every missing or invalid variable. The checks read the raw
environment, not the settings: a default the settings fill in for development (a known SECRET_KEY, SQLite,
mail to the console) is exactly what must not pass silently in production.
"""

from collections.abc import Callable, Mapping
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email

DEVELOPMENT_SECRET_KEY = "insecure-development-key-do-not-use-in-production"
# Django's own bar for a secret key (check --deploy, security.W009).
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5
POSTGRESQL_SCHEMES = {"postgres", "postgresql", "pgsql", "postgis"}
# Brokers that the web processes, the workers and beat, on one machine or several, can share.
SHARED_BROKER_SCHEMES = {"redis", "rediss", "sentinel", "amqp", "amqps", "pyamqp", "sqs"}
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# Django's backends that accept a message and deliver it to nobody: a password reset would be lost.
UNDELIVERING_EMAIL_BACKENDS = {
    f"django.core.mail.backends.{name}.EmailBackend" for name in ("console", "locmem", "dummy", "filebased")
}
TRUE_WORDS = {"1", "true", "yes", "on"}
BOOLEAN_WORDS = TRUE_WORDS | {"0", "false", "no", "off"}


def _secret_key(env: Mapping[str, str]) -> list[str]:
    key = env.get("SECRET_KEY", "")
    if not key:
        return ["SECRET_KEY is missing: python -c 'import secrets; print(secrets.token_urlsafe(50))' makes one"]
    if key == DEVELOPMENT_SECRET_KEY or key.startswith("django-insecure-"):
        return ["SECRET_KEY is a development key: generate a new one for this deployment"]
    if len(key) < SECRET_KEY_MIN_LENGTH or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        return [
            f"SECRET_KEY is too weak: at least {SECRET_KEY_MIN_LENGTH} characters, "
            f"{SECRET_KEY_MIN_UNIQUE_CHARACTERS} of them different"
        ]
    return []


def _allowed_hosts(env: Mapping[str, str]) -> list[str]:
    hosts = [h.strip() for h in env.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    if not hosts:
        return ["ALLOWED_HOSTS is missing: the site's host names, comma-separated, e.g. kieumau.thanhhoa.gov.vn"]
    problems = []
    if "*" in hosts:
        problems.append("ALLOWED_HOSTS must name the site's hosts, not '*'")
    urls = [h for h in hosts if "/" in h]
    if urls:
        problems.append(f"ALLOWED_HOSTS holds host names, not URLs: {', '.join(urls)}")
    return problems


def _database_url(env: Mapping[str, str]) -> list[str]:
    url = env.get("DATABASE_URL", "")
    if not url:
        return ["DATABASE_URL is missing: e.g. postgres://kieumau:PASSWORD@db:5432/kieumau"]
    parts = urlsplit(url)
    if parts.scheme not in POSTGRESQL_SCHEMES:
        return [f"DATABASE_URL must point to PostgreSQL (postgres://…), not {parts.scheme or 'a bare path'}://"]
    if not parts.path.strip("/"):
        return ["DATABASE_URL names no database: postgres://USER:PASSWORD@HOST:5432/NAME"]
    try:
        parts.port  # noqa: B018 - urlsplit checks the port only when it is read
    except ValueError:
        return ["DATABASE_URL has an invalid port"]
    return []


def _broker_url(env: Mapping[str, str]) -> list[str]:
    url = env.get("CELERY_BROKER_URL", "")
    if not url:
        return ["CELERY_BROKER_URL is missing: e.g. redis://redis:6379/0 (the worker and beat share it with the web)"]
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in SHARED_BROKER_SCHEMES:
        found = f"{scheme}://" if scheme else "a URL without a scheme"  # never the URL: it may hold a password
        return [f"CELERY_BROKER_URL must be a Redis or RabbitMQ URL (redis://host:6379/0), not {found}"]
    if scheme in {"redis", "rediss", "amqp", "amqps", "pyamqp"} and not urlsplit(url).hostname:
        return ["CELERY_BROKER_URL names no host: redis://HOST:6379/0"]
    return []


def _integer(env: Mapping[str, str], name: str, low: int, high: int) -> list[str]:
    value = env.get(name, "")
    if value and not (value.strip().isdigit() and low <= int(value) <= high):
        return [f"{name} must be a whole number from {low} to {high}, not {value!r}"]
    return []


def _boolean(env: Mapping[str, str], name: str) -> list[str]:
    value = env.get(name, "")
    if value and value.strip().lower() not in BOOLEAN_WORDS:
        return [f"{name} must be 1 or 0 (true/false, yes/no, on/off), not {value!r}"]
    return []


def _on(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").strip().lower() in TRUE_WORDS


def _email(env: Mapping[str, str]) -> list[str]:
    backend = env.get("EMAIL_BACKEND", "").strip() or SMTP_BACKEND
    problems = []
    if backend in UNDELIVERING_EMAIL_BACKENDS:
        problems.append(f"EMAIL_BACKEND {backend} delivers no mail: leave it unset to send by SMTP")
    if backend == SMTP_BACKEND:
        if not env.get("EMAIL_HOST", "").strip():
            problems.append("EMAIL_HOST is missing: the SMTP server that sends password resets and reminders")
        problems += _integer(env, "EMAIL_PORT", 1, 65535)
        problems += _integer(env, "EMAIL_TIMEOUT", 1, 600)
        problems += _boolean(env, "EMAIL_USE_TLS") + _boolean(env, "EMAIL_USE_SSL")
        if _on(env, "EMAIL_USE_TLS") and _on(env, "EMAIL_USE_SSL"):
            problems.append("EMAIL_USE_TLS and EMAIL_USE_SSL are both on: STARTTLS (587) or SSL (465), not both")
        if bool(env.get("EMAIL_HOST_USER")) != bool(env.get("EMAIL_HOST_PASSWORD")):
            problems.append("EMAIL_HOST_USER and EMAIL_HOST_PASSWORD go together: set both or neither")
    sender = env.get("DEFAULT_FROM_EMAIL", "").strip()
    if not sender:
        problems.append("DEFAULT_FROM_EMAIL is missing: the sender of the portal's mail, e.g. kieumau@thanhhoa.gov.vn")
    else:
        try:
            validate_email(parseaddr(sender)[1])
        except ValidationError:
            problems.append(f"DEFAULT_FROM_EMAIL is not an e-mail address: {sender!r}")
    return problems


def _sentry(env: Mapping[str, str]) -> list[str]:
    dsn = env.get("SENTRY_DSN", "")
    if not dsn:
        return []
    parts = urlsplit(dsn)
    if parts.scheme not in {"http", "https"} or not parts.username or not parts.hostname or not parts.path.strip("/"):
        return ["SENTRY_DSN is not a Sentry DSN: https://PUBLIC_KEY@HOST/PROJECT_ID (or leave it unset)"]
    return []


CHECKS: tuple[Callable[[Mapping[str, str]], list[str]], ...] = (
    _secret_key,
    _allowed_hosts,
    _database_url,
    _broker_url,
    _email,
    _sentry,
)


def production_problems(env: Mapping[str, str]) -> list[str]:
    """Every missing or invalid production variable, one sentence each; empty when the deployment may start."""
    return [problem for check in CHECKS for problem in check(env)]


def check_production(env: Mapping[str, str]) -> None:
    """Raise ImproperlyConfigured listing every problem at once, so one restart fixes them all."""
    problems = production_problems(env)
    if problems:
        lines = "\n".join(f"  - {problem}" for problem in problems)
        raise ImproperlyConfigured(
            f"DEBUG is off, so this is production, and its environment is incomplete:\n{lines}\n"
            "Set these variables (README, section Deploy), or DEBUG=1 for development."
        )
