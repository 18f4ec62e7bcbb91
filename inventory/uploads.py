"""Files of the resource library: one list of allowed types, each judged by its extension and
by its first bytes (a program renamed .pdf is refused), the content type each is sent with,
and one size limit (OVP_LIBRARY_UPLOAD_MAX_MB)."""

from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from ovp.core.uploads import MB, extension_of, kept_name, starts_with
from ovp.core.uploads import too_large as too_large_message

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old Word and Excel files (.doc, .xls)
ZIP = b"PK\x03\x04"  # .docx and .xlsx are zip files


@dataclass(frozen=True)
class FileType:
    signatures: tuple[bytes, ...]
    content_type: str


ALLOWED: dict[str, FileType] = {
    "pdf": FileType((b"%PDF",), "application/pdf"),
    "doc": FileType((OLE2,), "application/msword"),
    "docx": FileType(
        (ZIP,), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    "xls": FileType((OLE2,), "application/vnd.ms-excel"),
    "xlsx": FileType((ZIP,), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "png": FileType((b"\x89PNG\r\n\x1a\n",), "image/png"),
    "jpg": FileType((b"\xff\xd8\xff",), "image/jpeg"),
    "jpeg": FileType((b"\xff\xd8\xff",), "image/jpeg"),
}
ALLOWED_LABEL = "PDF, Word (.doc, .docx), Excel (.xls, .xlsx), PNG or JPEG"
NAME_LENGTH = 200  # ResourceVersion.filename


def limit_bytes() -> int:
    return int(settings.OVP_LIBRARY_UPLOAD_MAX_MB) * MB


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str


def check_upload(upload: UploadedFile) -> CheckedFile | str:
    """The name to keep and the type to send a file with, or why it is refused."""
    name = kept_name(upload.name or "", NAME_LENGTH, default="")
    extension = extension_of(name)
    if extension not in ALLOWED:
        return f"{name or 'The file'}: only {ALLOWED_LABEL} files are accepted."
    if upload.size is None or upload.size > limit_bytes():
        return too_large_message(limit_bytes(), name)
    if upload.size == 0:
        return f"{name} is empty."
    kind = ALLOWED[extension]
    if not starts_with(upload, kind.signatures):
        return f"{name} does not look like a .{extension} file: its content is of another type."
    return CheckedFile(name, kind.content_type)
