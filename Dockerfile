# The portal's image. One image for the three processes of compose.yaml: gunicorn (the default command),
# the Celery worker and Celery beat. Build: `docker build -t kieumau-portal .` (compose.yaml does it).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint's system libraries (Pango, and HarfBuzz's subsetter, which keeps only the glyphs a PDF uses),
# and DejaVu as the fallback font with Vietnamese glyphs (the reports' Tinos ships in static/fonts).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fontconfig fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Static files are collected into the image, served by whitenoise with hashed names. collectstatic loads
# the settings, and with DEBUG off they require a production environment: these values exist for this
# one command only (nothing is connected to; none of them is kept in the image).
RUN DEBUG=0 \
    SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    ALLOWED_HOSTS=build.invalid \
    DATABASE_URL=postgres://build@build.invalid/build \
    CELERY_BROKER_URL=redis://build.invalid:6379/0 \
    EMAIL_HOST=build.invalid \
    DEFAULT_FROM_EMAIL=build@build.invalid \
    python manage.py collectstatic --noinput -v0

# The processes run as an unprivileged user that can write only uploads and backups (volumes in compose.yaml).
RUN useradd --system --uid 10001 --no-create-home --home-dir /app --shell /usr/sbin/nologin kieumau \
    && mkdir -p /app/media /app/backups \
    && chown kieumau:kieumau /app/media /app/backups
USER kieumau

EXPOSE 8000
# gunicorn.conf.py (read from /app) sends gunicorn's own log lines to stdout as JSON.
CMD ["gunicorn", "portal.wsgi", "--bind", "0.0.0.0:8000"]
