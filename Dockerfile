# One image for web (gunicorn), Celery worker and Celery beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=ovp.settings.production \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/media \
    CELERY_BEAT_SCHEDULE_FILENAME=/tmp/celerybeat-schedule

WORKDIR /app
COPY requirements.lock .
# bytecode compiled here, once: with PYTHONDONTWRITEBYTECODE=1 nothing would keep it, and every
# gunicorn and Celery worker would compile Django, pandas and the rest again as it starts
RUN pip install --no-cache-dir uv==0.13.8 \
    && uv pip install --system --no-cache --compile-bytecode -r requirements.lock
COPY . .
RUN python -m compileall -q -j 0 manage.py gunicorn.conf.py ovp stakeholders inventory grants evaluation
# collectstatic reads settings only; these placeholders never reach a running container
RUN SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost DATABASE_URL=postgres://build/build \
    python manage.py collectstatic --noinput \
    && useradd --create-home --uid 1000 ovp \
    && mkdir -p /app/media && chown ovp /app/media
USER ovp
EXPOSE 8000
CMD ["gunicorn", "ovp.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
