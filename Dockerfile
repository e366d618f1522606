# The Newsroom app image: gunicorn serving newsroom.wsgi as an unprivileged user, static files collected at
# build time (WhiteNoise serves them, hashed and compressed). The same image runs the worker and migrations
# (compose.yaml). Settings come from the environment at run time (README, "Running on many machines").
FROM python:3.13-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=newsroom.settings.production \
    STATIC_ROOT=/app/staticfiles

# pg_dump / pg_restore for `manage.py backup` and `restore`; psycopg brings its own libpq.
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin newsroom
WORKDIR /app

# Dependencies first (pyproject.toml's, through an empty stand-in of the packages), so a code change does
# not reinstall them. The code itself runs from /app, the working directory.
COPY pyproject.toml README.md ./
RUN mkdir newsroom articles && touch newsroom/__init__.py articles/__init__.py \
    && pip install . && pip uninstall -y newsroom && rm -r newsroom articles
COPY . .

# A throwaway key: production settings refuse to load without one, and collectstatic signs nothing.
RUN SECRET_KEY="collectstatic-only-$(head -c 48 /dev/urandom | base64 | tr -dc A-Za-z0-9)" \
    python manage.py collectstatic --noinput -v0

# Root owns the code; the app writes nowhere in the image (media goes to object storage or a volume).
RUN mkdir -p /app/media && chown newsroom:newsroom /app/media
USER newsroom

EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
# Sync workers suit this sync app; WEB_CONCURRENCY (gunicorn reads it) sets how many.
CMD ["gunicorn", "newsroom.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--graceful-timeout", "20"]
