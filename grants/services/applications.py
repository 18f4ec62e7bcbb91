"""Writes to applications: drafts, documents, submission before the deadline, messages.

A grantee edits an application while it is a draft (and its round is open) or after the
office asked for more information; once submitted it is locked."""

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from grants.models import (
    Application,
    ApplicationDocument,
    ApplicationMessage,
    ApplicationStatus,
    DocumentKind,
    FundingRound,
)
from grants.uploads import (
    ALLOWED_LABEL,
    ALLOWED_UPLOADS,
    content_matches,
    extension_of,
    kept_name,
    too_large,
)
from inventory.models import Program
from ovp.accounts.models import User
from ovp.areas.models import Area
from ovp.core.uploads import MB
from ovp.core.uploads import too_large as too_large_message
from stakeholders.models import Organisation


def deadline_text(funding_round: FundingRound) -> str:
    return date_format(timezone.localtime(funding_round.closes_at), "DATETIME_FORMAT")


def upload_check(upload: UploadedFile) -> str:
    """The name to keep for an uploaded file, once its type and size are allowed
    (grants.uploads); a clear ValidationError otherwise."""
    name = PurePath(upload.name or "").name.strip()
    extension = extension_of(name) if "." in name else ""
    if extension not in ALLOWED_UPLOADS:
        raise ValidationError(f"{name or 'The file'}: only {ALLOWED_LABEL} files are accepted.")
    if too_large(upload):
        raise ValidationError(too_large_message(settings.OVP_GRANT_UPLOAD_MAX_MB * MB, name))
    if upload.size == 0:
        raise ValidationError(f"{name}: the file is empty.")
    if not content_matches(upload, extension):
        kind = f".{extension}" if ALLOWED_UPLOADS[extension] else "CSV text"
        raise ValidationError(f"{name}: the content is not a {kind} file.")
    return kept_name(name)


def _check_member(user: User, organisation: Organisation) -> None:
    if not organisation.members.filter(pk=user.pk).exists():
        raise ValidationError("You can only apply for your own organisation.")


def _check_content(
    *,
    funding_round: FundingRound,
    organisation: Organisation,
    requested_amount: Decimal,
    program: Program | None,
) -> None:
    if funding_round.max_award is not None and requested_amount > funding_round.max_award:
        raise ValidationError(
            {
                "requested_amount": f"The largest award in this round is "
                f"${funding_round.max_award:,}."
            }
        )
    if program is not None and program.lead_organisation_id != organisation.pk:
        raise ValidationError({"program": "Choose a program that the applying organisation leads."})


def _check_editable(application: Application, now: datetime) -> None:
    if not application.is_editable:
        raise ValidationError(
            f"This application is {application.get_status_display().lower()}: it can no "
            "longer be changed."
        )
    if application.status == ApplicationStatus.DRAFT and not application.funding_round.is_open(now):
        raise ValidationError(
            f"The round closed on {deadline_text(application.funding_round)}: this draft can "
            "no longer be changed or submitted."
        )


@transaction.atomic
def application_create(
    *,
    funding_round: FundingRound,
    organisation: Organisation,
    user: User,
    title: str,
    summary: str,
    strategy: str,
    requested_amount: Decimal,
    areas: Iterable[Area] = (),
    program: Program | None = None,
    now: datetime | None = None,
) -> Application:
    """Start a draft application of an organisation to an open round."""
    now = now or timezone.now()
    _check_member(user, organisation)
    if not funding_round.is_open(now):
        raise ValidationError(f"{funding_round} is not open for applications.")
    _check_content(
        funding_round=funding_round,
        organisation=organisation,
        requested_amount=requested_amount,
        program=program,
    )
    application = Application(
        funding_round=funding_round,
        organisation=organisation,
        program=program,
        title=title,
        summary=summary,
        strategy=strategy,
        requested_amount=requested_amount,
        created_by=user,
    )
    application.full_clean()
    application.save()
    application.areas.set(areas)
    return application


@transaction.atomic
def application_update(
    *,
    application: Application,
    user: User,
    title: str,
    summary: str,
    strategy: str,
    requested_amount: Decimal,
    areas: Iterable[Area] = (),
    program: Program | None = None,
    now: datetime | None = None,
) -> Application:
    """Change a draft, or an application the office returned for more information."""
    now = now or timezone.now()
    _check_member(user, application.organisation)
    _check_editable(application, now)
    _check_content(
        funding_round=application.funding_round,
        organisation=application.organisation,
        requested_amount=requested_amount,
        program=program,
    )
    application.title = title
    application.summary = summary
    application.strategy = strategy
    application.requested_amount = requested_amount
    application.program = program
    application.full_clean()
    application.save()
    application.areas.set(areas)
    return application


@transaction.atomic
def application_document_add(
    *,
    application: Application,
    user: User,
    kind: str,
    upload: UploadedFile,
    now: datetime | None = None,
) -> ApplicationDocument:
    """Attach a document (an allowed type, within the size limit) to an editable application."""
    now = now or timezone.now()
    _check_member(user, application.organisation)
    _check_editable(application, now)
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": "Choose what kind of document this is."})
    name = upload_check(upload)
    document = ApplicationDocument(
        application=application, kind=kind, name=name, size=upload.size or 0, uploaded_by=user
    )
    # stored under a short name (the path before it is long); `name` keeps the original
    stored = name if len(name) <= 100 else f"document.{name.rsplit('.', 1)[-1].lower()}"
    document.file.save(stored, upload, save=False)
    try:
        document.full_clean()
        document.save()
    except Exception:
        document.file.delete(save=False)  # no file left without its record
        raise
    return document


@transaction.atomic
def application_document_remove(
    *, document: ApplicationDocument, user: User, now: datetime | None = None
) -> None:
    """Take a document off an application that is still editable."""
    now = now or timezone.now()
    _check_member(user, document.application.organisation)
    _check_editable(document.application, now)
    stored = document.file.name
    storage = document.file.storage
    document.delete()
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))


@transaction.atomic
def application_submit(
    *, application: Application, user: User, now: datetime | None = None
) -> Application:
    """Submit a draft before the round's deadline, or resubmit after the office asked for
    more information (the deadline no longer applies then). The application is then locked."""
    now = now or timezone.now()
    application = Application.objects.select_for_update().get(pk=application.pk)
    _check_member(user, application.organisation)
    if not application.is_editable:
        raise ValidationError(
            f"This application is already {application.get_status_display().lower()}."
        )
    if application.status == ApplicationStatus.DRAFT and now >= application.funding_round.closes_at:
        raise ValidationError(
            f"The deadline has passed: {application.funding_round} closed on "
            f"{deadline_text(application.funding_round)}."
        )
    if application.status == ApplicationStatus.DRAFT and now < application.funding_round.opens_at:
        raise ValidationError(f"{application.funding_round} is not open yet.")
    _check_content(
        funding_round=application.funding_round,
        organisation=application.organisation,
        requested_amount=application.requested_amount,
        program=application.program,
    )
    application.full_clean()
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = now
    application.save(update_fields=["status", "submitted_at", "updated_at"])
    return application


@transaction.atomic
def application_message_post(
    *, application: Application, author: User, body: str, from_office: bool
) -> ApplicationMessage:
    """A message on an application, from the office or from the applying organisation."""
    if not from_office:
        _check_member(author, application.organisation)
    message = ApplicationMessage(
        application=application, author=author, from_office=from_office, body=body.strip()
    )
    if not message.body:
        raise ValidationError({"body": "Write a message first."})
    message.full_clean()
    message.save()
    return message
