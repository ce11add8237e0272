"""Where stored files' bytes live: the `default` storage (local disk or S3, by `STORAGE`).

Keys are random (`documents/<32 hex>.<ext>`, the extension from the detected type), so
nothing a user typed ever reaches a path or an object key. Local files are never served
under `/media/` (no URL route exists for it): they leave through the authorized download
view. On S3 the download is a signed URL that expires after `AWS_QUERYSTRING_EXPIRE`.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.http import content_disposition_header

from files.validation import EXTENSIONS

SIGNED_URL_DEFAULT_SECONDS = 300


def new_storage_key(content_type: str) -> str:
    return f"documents/{secrets.token_hex(16)}.{EXTENSIONS[content_type]}"


def storage_save(*, key: str, content: bytes) -> str:
    """Store `content` under `key`; the key is returned as the storage saved it."""
    return default_storage.save(key, ContentFile(content))


def storage_read(key: str) -> bytes:
    with default_storage.open(key, "rb") as handle:
        return handle.read()


def storage_delete(key: str) -> None:
    default_storage.delete(key)


def serves_signed_urls() -> bool:
    """True on S3: downloads are redirects to a signed URL instead of bytes through the app."""
    return settings.STORAGE_BACKEND == "s3"


def signed_download_url(*, key: str, filename: str, content_type: str) -> str:
    """A short-lived URL that downloads the object as an attachment named `filename`."""
    seconds = getattr(settings, "AWS_QUERYSTRING_EXPIRE", SIGNED_URL_DEFAULT_SECONDS)
    # On S3, `default_storage` is django-storages' S3Storage, whose `url` takes these.
    return default_storage.url(  # type: ignore[call-arg]
        key,
        parameters={
            "ResponseContentDisposition": content_disposition_header(True, filename),
            "ResponseContentType": content_type,
        },
        expire=seconds,
    )
