"""Writes to the resource library. Every write checks everything before it stores a file,
in one transaction, so a refused file or field leaves nothing behind: no resource without
a version, no file without its row."""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from inventory.models import Resource, ResourceVersion
from inventory.uploads import check_upload
from ovp.accounts.models import User

TOPIC_LENGTH = 40
MOST_TOPICS = 12


def clean_topics(topics: Iterable[str]) -> list[str]:
    """Tags as the library keeps them: trimmed, lower-case, each once, in the order given."""
    kept: list[str] = []
    for topic in topics:
        tag = " ".join(topic.split()).lower()
        if not tag or tag in kept:
            continue
        if len(tag) > TOPIC_LENGTH:
            raise ValidationError(
                {"topics": f"\u201c{tag}\u201d is longer than {TOPIC_LENGTH} characters."}
            )
        kept.append(tag)
    if len(kept) > MOST_TOPICS:
        raise ValidationError({"topics": f"Give at most {MOST_TOPICS} topics."})
    return kept


def _version(
    *, resource: Resource, user: User, upload: UploadedFile | None, url: str, note: str
) -> ResourceVersion:
    """The next version of a resource, checked and saved (its file stored last)."""
    url = (url or "").strip()
    if (upload is None) == (not url):
        raise ValidationError(
            {"file": "Give a file or a link, not both."}
            if upload is not None
            else {"file": "Choose a file to upload, or give a link."}
        )
    last = resource.versions.order_by("-number").values_list("number", flat=True).first()
    version = ResourceVersion(
        resource=resource, number=(last or 0) + 1, url=url, note=note.strip(), uploaded_by=user
    )
    if upload is not None:
        checked = check_upload(upload)
        if isinstance(checked, str):
            raise ValidationError({"file": checked})
        version.filename = checked.filename
        version.content_type = checked.content_type
        version.size = upload.size or 0
    # every check before the file is stored, so a refused version leaves no file behind
    version.full_clean(exclude=["file", "resource"])
    if upload is None:
        version.save()
        return version
    version.file.save(version.filename, upload, save=False)
    stored = version.file.name or ""
    try:
        version.save()
    except Exception:
        version.file.storage.delete(stored)
        raise
    return version


def _fill(
    resource: Resource,
    *,
    title: str,
    summary: str,
    strategy: str,
    topics: Iterable[str],
    language: str,
    audience: str,
) -> None:
    resource.title = title.strip()
    resource.summary = summary.strip()
    resource.strategy = strategy
    resource.topics = clean_topics(topics)
    resource.language = language
    resource.audience = audience
    resource.full_clean()


@transaction.atomic
def resource_create(
    *,
    user: User,
    title: str,
    summary: str = "",
    strategy: str = "",
    topics: Iterable[str] = (),
    language: str,
    audience: str,
    upload: UploadedFile | None = None,
    url: str = "",
    note: str = "",
) -> Resource:
    """Publish a resource with its first version: a file (allowed types and size, see
    inventory.uploads) or an http(s) link, exactly one of them."""
    resource = Resource()
    _fill(
        resource,
        title=title,
        summary=summary,
        strategy=strategy,
        topics=topics,
        language=language,
        audience=audience,
    )
    resource.save()
    _version(resource=resource, user=user, upload=upload, url=url, note=note)
    return resource


@transaction.atomic
def resource_update(
    *,
    resource: Resource,
    title: str,
    summary: str = "",
    strategy: str = "",
    topics: Iterable[str] = (),
    language: str,
    audience: str,
) -> Resource:
    """Change what the library says of a resource (its versions stay as they are)."""
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    _fill(
        resource,
        title=title,
        summary=summary,
        strategy=strategy,
        topics=topics,
        language=language,
        audience=audience,
    )
    resource.save()
    return resource


@transaction.atomic
def resource_version_add(
    *,
    resource: Resource,
    user: User,
    upload: UploadedFile | None = None,
    url: str = "",
    note: str = "",
) -> ResourceVersion:
    """A new file or link for a resource: it becomes the current version, and the earlier
    ones are kept (staff may still download them)."""
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    version = _version(resource=resource, user=user, upload=upload, url=url, note=note)
    resource.save(update_fields=["updated_at"])
    return version


@transaction.atomic
def resource_retire(*, resource: Resource, now: datetime | None = None) -> Resource:
    """Take a resource out of the library: only staff see it from then on (it stays, as
    metrics may point to it and its versions are the office's record)."""
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    if resource.is_retired:
        raise ValidationError(f"{resource.title} is retired already.")
    resource.retired_at = now or timezone.now()
    resource.save(update_fields=["retired_at", "updated_at"])
    return resource


@transaction.atomic
def resource_restore(*, resource: Resource) -> Resource:
    """Put a retired resource back in the library for its audience."""
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    if not resource.is_retired:
        raise ValidationError(f"{resource.title} is in the library already.")
    resource.retired_at = None
    resource.save(update_fields=["retired_at", "updated_at"])
    return resource
