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
    return incidents_aggregate(full=full).run.rows_written


@shared_task(acks_late=True)
def nightly() -> int:
    """Pull the configured sources, then bring the aggregates up to date."""
    services.sources_pull()
    return incidents_aggregate().run.rows_written
