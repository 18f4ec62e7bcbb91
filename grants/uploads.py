"""Files attached to applications and quarterly reports: one list of allowed types, judged
by the extension and by the file's first bytes (so a renamed program is refused), one size
limit (OVP_GRANT_UPLOAD_MAX_MB) and one rule for the name kept."""

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from ovp.core import uploads

# what each allowed extension's file must start with; CSV is checked as text instead
ALLOWED_UPLOADS: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "csv": (),
}
ALLOWED_LABEL = "PDF, Word (.docx), Excel (.xlsx), CSV, PNG or JPEG"
NAME_LENGTH = 200  # ApplicationDocument.name and ReportAttachment.name


def extension_of(name: str) -> str:
    """The allowed-type key of a file name ("pdf"), or "" when it has no extension."""
    return uploads.extension_of(name)


def too_large(upload: UploadedFile) -> bool:
    return upload.size is None or upload.size > settings.OVP_GRANT_UPLOAD_MAX_MB * 1024 * 1024


def content_matches(upload: UploadedFile, extension: str) -> bool:
    """Whether the file's first bytes are those of its (allowed) extension; a CSV is text in
    whatever encoding the spreadsheet saved it, so it only has to hold no NUL byte."""
    signatures = ALLOWED_UPLOADS[extension]
    if signatures:
        return uploads.starts_with(upload, signatures)
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    return b"\x00" not in head


def kept_name(filename: str) -> str:
    """The name a file keeps: its own, without folders, cut to NAME_LENGTH characters with
    its extension kept."""
    return uploads.kept_name(filename, NAME_LENGTH)
