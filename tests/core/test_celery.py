import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from ovp.accounts.tasks import sessions_clear_expired
from ovp.celery import app


def test_celery_is_configured_for_safe_retries():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True
    assert app.conf.task_time_limit and app.conf.task_soft_time_limit < app.conf.task_time_limit
    assert app.conf.broker_transport_options["visibility_timeout"] > app.conf.task_time_limit


def test_every_scheduled_job_names_a_registered_task():
    app.loader.import_default_modules()
    assert settings.CELERY_BEAT_SCHEDULE
    for name, entry in app.conf.beat_schedule.items():
        assert entry["task"] in app.tasks, name
        assert "description" not in entry  # beat would refuse unknown keys


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_task_through_redis():
    Session.objects.create(
        session_key="stale",
        session_data="",
        expire_date=timezone.now() - timezone.timedelta(days=2),
    )
    Session.objects.create(
        session_key="fresh",
        session_data="",
        expire_date=timezone.now() + timezone.timedelta(days=2),
    )
    with start_worker(app, perform_ping_check=False, shutdown_timeout=10):
        result = sessions_clear_expired.delay()
        assert result.get(timeout=30) == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == ["fresh"]


def test_schedule_page_lists_the_jobs_for_staff(client_for, staff):
    page = client_for(staff).get("/office/schedule/").content.decode()
    assert "clear-expired-sessions" in page
    assert "Every day at 03:15" in page
