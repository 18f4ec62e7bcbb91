"""Thin Celery tasks: each calls one service."""

from celery import shared_task

from ovp.core.queue import enqueue
from ovp.incidents import services
from ovp.incidents.aggregation import incidents_aggregate


@shared_task(acks_late=True)
def import_run(run_id: int) -> dict:
    run = services.import_run_queued(run_id=run_id)
    enqueue(aggregate)
    return run.summary


@shared_task(acks_late=True)
def aggregate(full: bool = False) -> int:
    rows = incidents_aggregate(full=full).run.rows_written
    enqueue(publish)
    return rows


@shared_task(acks_late=True)
def nightly() -> int:
    """Pull the configured sources, bring the aggregates up to date, then the public page."""
    services.sources_pull()
    rows = incidents_aggregate().run.rows_written
    enqueue(publish)
    return rows


@shared_task(acks_late=True)
def publish() -> int:
    """The public page's releases of the years whose figures changed."""
    from ovp.incidents.publication import public_years_refresh

    return public_years_refresh()
