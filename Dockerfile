# syntax=docker/dockerfile:1
# Capable: one image for the web server (gunicorn) and the task worker (db_worker); compose.yaml
# runs both. Build: docker build -t capable .   Settings come from the environment
# (.env.example; docs/deploy.md).

ARG PYTHON_VERSION=3.13

# Build stage: the project and its dependencies as wheels in a virtual environment.
FROM python:${PYTHON_VERSION}-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
# EXTRAS=s3 adds django-storages and boto3 (portfolio attachments in an S3-compatible bucket).
ARG EXTRAS=""
WORKDIR /src
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY pyproject.toml README.md ./
# The versions are bounded in pyproject.toml (the project itself is what is installed).
# hadolint ignore=DL3013
RUN pip install ".${EXTRAS:+[$EXTRAS]}"
COPY . .
# Static files with hashed names (WhiteNoise serves them); the secrets here only let the settings
# load for this one command and are not kept in the image.
RUN SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost DATABASE_URL=postgres://build.invalid/x \
    REDIS_URL=redis://build.invalid:6379/0 STATIC_ROOT=/src/static_collected \
    DJANGO_SETTINGS_MODULE=cms.settings.production \
    python manage.py collectstatic --noinput -v 0

# Run stage: the virtual environment, the code and the collected static files; no compiler, no
# pip cache, and a user without a login or root's rights.
FROM python:${PYTHON_VERSION}-slim-bookworm AS run
# DejaVu gives the portfolio PDF every character people type (portfolios.pdf); pg_dump and
# pg_restore are for manage.py restore_drill. Debian's current versions of both (security fixes).
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 capable \
    && useradd --system --uid 10001 --gid capable --home-dir /app --shell /usr/sbin/nologin capable \
    && mkdir -p /var/lib/capable/media /var/lib/capable/private \
    && chown -R capable:capable /var/lib/capable
# (PRIVATE_MEDIA_ROOT is a path, not a secret: secrets come from the environment at run time.)
# hadolint ignore=DL3064
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=cms.settings.production \
    STATIC_ROOT=/app/static_collected \
    MEDIA_ROOT=/var/lib/capable/media \
    PRIVATE_MEDIA_ROOT=/var/lib/capable/private \
    GUNICORN_BIND=0.0.0.0:8000
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=root:root /src /app
USER 10001:10001
EXPOSE 8000
VOLUME ["/var/lib/capable"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(urllib.request.Request('http://127.0.0.1:8000/healthz', headers={'Host': os.environ['ALLOWED_HOSTS'].split(',')[0]}), timeout=4)"]
CMD ["gunicorn", "-c", "gunicorn.conf.py"]
