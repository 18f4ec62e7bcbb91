from celery import shared_task

from ovp.accounts import services


@shared_task(acks_late=True)
def sessions_clear_expired() -> int:
    return services.sessions_clear_expired()
