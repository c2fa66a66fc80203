"""Production refuses to start on a missing or invalid variable, at every entry point, listing them all."""

import secrets

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal import environment
from tests.deploy.processes import production_environment, run

REQUIRED = ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_HOST", "DEFAULT_FROM_EMAIL"]


def test_the_documented_production_environment_has_no_problems():
    assert environment.production_problems(production_environment()) == []


def test_an_empty_environment_names_every_required_variable():
    problems = environment.production_problems({})
    assert len(problems) == len(REQUIRED)
    for name, problem in zip(REQUIRED, problems, strict=True):
        assert problem.startswith(f"{name} is missing")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"SECRET_KEY": environment.DEVELOPMENT_SECRET_KEY}, "SECRET_KEY is a development key"),
        ({"SECRET_KEY": "django-insecure-" + secrets.token_urlsafe(50)}, "SECRET_KEY is a development key"),
        ({"SECRET_KEY": "ngan-qua"}, "SECRET_KEY is too weak"),
        ({"SECRET_KEY": "ab" * 40}, "SECRET_KEY is too weak"),
        ({"ALLOWED_HOSTS": "*"}, "not '*'"),
        ({"ALLOWED_HOSTS": "https://kieumau.example.gov.vn"}, "ALLOWED_HOSTS holds host names, not URLs"),
        ({"DATABASE_URL": "sqlite:///db.sqlite3"}, "DATABASE_URL must point to PostgreSQL"),
        ({"DATABASE_URL": "postgres://kieumau@db:5432/"}, "DATABASE_URL names no database"),
        ({"DATABASE_URL": "postgres://kieumau@db:cong/kieumau"}, "DATABASE_URL has an invalid port"),
        ({"CELERY_BROKER_URL": "memory://"}, "CELERY_BROKER_URL must be a Redis or RabbitMQ URL"),
        ({"CELERY_BROKER_URL": "127.0.0.1:6379"}, "CELERY_BROKER_URL must be a Redis or RabbitMQ URL"),
        ({"CELERY_BROKER_URL": "redis:///0"}, "CELERY_BROKER_URL names no host"),
        ({"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, "delivers no mail"),
        ({"EMAIL_PORT": "cong"}, "EMAIL_PORT must be a whole number"),
        ({"EMAIL_PORT": "70000"}, "EMAIL_PORT must be a whole number"),
        ({"EMAIL_TIMEOUT": "0"}, "EMAIL_TIMEOUT must be a whole number"),
        ({"EMAIL_USE_TLS": "co"}, "EMAIL_USE_TLS must be 1 or 0"),
        ({"EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"}, "EMAIL_USE_TLS and EMAIL_USE_SSL are both on"),
        ({"EMAIL_HOST_PASSWORD": ""}, "EMAIL_HOST_USER and EMAIL_HOST_PASSWORD go together"),
        ({"DEFAULT_FROM_EMAIL": "Phòng Văn hóa"}, "DEFAULT_FROM_EMAIL is not an e-mail address"),
        ({"SENTRY_DSN": "sentry.example.gov.vn"}, "SENTRY_DSN is not a Sentry DSN"),
    ],
)
def test_an_invalid_variable_is_named_with_what_it_should_be(changes, expected):
    problems = environment.production_problems({**production_environment(), **changes})
    assert len(problems) == 1 and expected in problems[0], problems


def test_a_named_sender_and_a_custom_mail_backend_are_accepted():
    env = {
        **production_environment(),
        "DEFAULT_FROM_EMAIL": "Kiểu mẫu <kieumau@example.gov.vn>",
        "EMAIL_BACKEND": "anymail.backends.amazon_ses.EmailBackend",
        "EMAIL_HOST": "",
    }
    assert environment.production_problems(env) == []


def test_the_error_lists_every_problem_and_never_the_secret():
    weak = "bi-mat-ngan"
    with pytest.raises(ImproperlyConfigured) as error:
        environment.check_production({**production_environment(), "SECRET_KEY": weak, "ALLOWED_HOSTS": ""})
    message = str(error.value)
    assert "SECRET_KEY is too weak" in message and "ALLOWED_HOSTS is missing" in message
    assert weak not in message


ENTRY_POINTS = {
    "manage.py": ["manage.py", "check"],
    "wsgi (gunicorn, uwsgi)": ["-c", "import portal.wsgi"],
    "celery worker": ["-m", "celery", "-A", "portal", "worker", "--pool=solo"],
    "celery beat": ["-m", "celery", "-A", "portal", "beat"],
}


@pytest.mark.parametrize("args", ENTRY_POINTS.values(), ids=ENTRY_POINTS.keys())
def test_every_entry_point_refuses_to_start_without_its_environment(args):
    started = run(args, env={})
    assert started.returncode != 0
    assert "ImproperlyConfigured" in started.stderr
    for name in REQUIRED:
        assert f"{name} is missing" in started.stderr, started.stderr[-2000:]


def test_development_needs_no_environment():
    started = run(["manage.py", "check"], env={"DEBUG": "1"})
    assert started.returncode == 0, started.stderr


def test_production_starts_with_its_environment():
    started = run(["-c", "import portal.wsgi"], env=production_environment())
    assert started.returncode == 0, started.stderr
