"""The portal's entry points started as a deployment starts them: a process with only its environment."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# What compose.yaml sets itself for its own PostgreSQL and Redis (and `make check-deploy` likewise).
COMPOSE_SETS = {
    "DATABASE_URL": "postgres://kieumau:check@db:5432/kieumau",
    "CELERY_BROKER_URL": "redis://redis:6379/0",
}


def production_environment() -> dict[str, str]:
    """.env.example with a random SECRET_KEY and the URLs compose.yaml adds: what `make check-deploy` uses."""
    env = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            env[name.strip()] = value.strip()
    return {**env, **COMPOSE_SETS, "SECRET_KEY": secrets.token_urlsafe(50)}


def run(args: list[str], env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `python ARGS` in the project with `env` and nothing else: not this test run's variables, and in
    particular not pytest's PYTEST_VERSION, which tells the settings that tests are running."""
    return subprocess.run(
        [sys.executable, *args],
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
