"""The incident data's writes that are not the import itself (ovp/incidents/importing/):
queueing an upload or a pull of a source's URL, running a queued import (what the Celery task
does), the nightly pull, and the sources.
"""

import logging
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from ovp.accounts.models import User
from ovp.core.queue import enqueue

# (the tasks, commands and demo import it from here too, beside the services that queue it)
from ovp.incidents.importing import incidents_import
from ovp.incidents.mapping import Mapping, source_mapping
from ovp.incidents.models import ImportRun, ImportStatus, IncidentSource

logger = logging.getLogger(__name__)


def import_enqueue(
    *, uploaded: UploadedFile, source: IncidentSource, user: User, other_city_ok: bool = False
) -> ImportRun:
    """Keep an uploaded export and queue its import (a Celery task, after commit). A file
    whose points lie mostly outside the city is refused here, while the user is on the page
    (ValidationError code OTHER_CITY), unless `other_city_ok`."""
    from ovp.incidents import tasks
    from ovp.incidents.importing.city_check import OTHER_CITY, city_check

    # a source without a usable mapping fails here, not in the worker
    mapping = source_mapping(source)
    if not other_city_ok and uploaded.file is not None:
        check = city_check(uploaded.file, mapping)
        if check.other_city:
            raise ValidationError(check.message(), code=OTHER_CITY)
    run = ImportRun.objects.create(
        source=source,
        file_name=(uploaded.name or "upload.csv")[:500],
        created_by=user,
        # the user confirmed the file is the city's: the worker's import does not ask again
        summary={"other_city_ok": True} if other_city_ok else {},
    )
    path = Path(settings.MEDIA_ROOT) / "imports" / f"{run.uuid}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as target:
        for chunk in uploaded.chunks():
            target.write(chunk)
    enqueue(tasks.import_run, run.pk)
    return run


def source_pull_enqueue(*, source: IncidentSource, user: User) -> ImportRun:
    """Queue an import of the source's URL now (the same as the nightly pull)."""
    from ovp.incidents import tasks

    source_mapping(source)
    run = ImportRun.objects.create(source=source, file_name=source.url[:500], created_by=user)
    enqueue(tasks.import_run, run.pk)
    return run


def import_run_queued(*, run_id: int) -> ImportRun:
    """Run a queued import (what the Celery task does), reporting progress on the run."""
    run = ImportRun.objects.select_related("source").get(pk=run_id)
    if run.status == ImportStatus.SUCCEEDED:
        return run  # a task delivered twice
    path: str | Path = Path(settings.MEDIA_ROOT) / "imports" / f"{run.uuid}.csv"
    if run.file_name == run.source.url and not Path(path).exists():
        path = run.source.url  # a pull of the source's URL

    def progress(percent: int, note: str) -> None:
        ImportRun.objects.filter(pk=run.pk).update(progress=percent, progress_note=note)

    run = incidents_import(
        location=path,
        mapping=source_mapping(run.source),
        source=run.source,
        run=run,
        progress=progress,
        other_city_ok=bool((run.summary or {}).get("other_city_ok")),
    )
    if isinstance(path, Path):
        # imported: the victims and the rejected-rows report keep what matters; a failed
        # upload stays on disk so that the import can be run again
        path.unlink(missing_ok=True)
    return run


def sources_pull() -> list[ImportRun]:
    """The nightly pull: import each source that has a URL and asks for it."""
    runs = []
    for source in IncidentSource.objects.filter(pull_nightly=True).exclude(url=""):
        try:
            runs.append(
                incidents_import(
                    location=source.url,
                    mapping=source_mapping(source),
                    source=source,
                    file_name=source.url,
                )
            )
        except (ValidationError, OSError):
            logger.warning("Nightly pull of %s failed", source.name, exc_info=True)
    return runs


def source_for(*, name: str, preset: str = "", mapping: Mapping | None = None) -> IncidentSource:
    """The source of this name, created on first use."""
    source, _ = IncidentSource.objects.get_or_create(
        name=name,
        defaults={
            "preset": preset,
            "mapping": mapping.as_json() if mapping and not preset else None,
        },
    )
    return source
