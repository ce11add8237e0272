"""Fetching a document by URL (`blob_url` uploads), without becoming a proxy into our network.

Only `https` URLs on a host listed in `UPLOAD_BLOB_ALLOWED_HOSTS` are fetched (the list is
empty by default: every blob_url is refused). The host name is resolved once, every
address it resolves to must be public (no loopback, private, link-local, reserved or
multicast address: a listed name that points inward is still refused), and the
connection goes to that checked address with the name kept for TLS verification, so a
second, different DNS answer cannot redirect it. Redirects are not followed. The body
is streamed with `FILE_MAX_BYTES` as the limit and `UPLOAD_BLOB_TIMEOUT_SECONDS` per
connect and per read.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import certifi
import urllib3
from django.conf import settings
from urllib3.exceptions import HTTPError

from core.errors import DomainError, InvalidInput
from files.validation import FileTooLarge

CHUNK_BYTES = 64 * 1024


class BlobRefused(InvalidInput):
    """The URL is not one we fetch (scheme, host or address)."""


class BlobUnavailable(DomainError):
    status_code = 502
    default_detail = "The document could not be fetched from blob_url."


@dataclass(frozen=True)
class FetchedBlob:
    content: bytes
    filename: str


def _refuse(message: str) -> BlobRefused:
    return BlobRefused(errors={"blob_url": [message]})


def _public_address(host: str, port: int) -> str:
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise _refuse(f"The host {host!r} does not resolve.") from None
    addresses = sorted({str(answer[4][0]) for answer in answers})
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if not ip.is_global or ip.is_multicast:
            raise _refuse(f"The host {host!r} resolves to a non-public address ({ip}); it is not fetched.")
    if not addresses:
        raise _refuse(f"The host {host!r} does not resolve.")
    return addresses[0]


def check_blob_url(url: str) -> tuple[str, int, str]:
    """(host, port, path) of an acceptable URL, or `BlobRefused` saying why not."""
    parts = urlsplit(url)
    if parts.scheme != "https":
        raise _refuse("Only https URLs are fetched.")
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        raise _refuse("The URL has no host.")
    if parts.username or parts.password:
        raise _refuse("URLs with credentials are not fetched.")
    allowed = {name.lower().rstrip(".") for name in settings.UPLOAD_BLOB_ALLOWED_HOSTS}
    if host not in allowed:
        raise _refuse(f"The host {host!r} is not in the allowed list.")
    try:
        port = parts.port or 443
    except ValueError:
        raise _refuse("The URL's port is not a number.") from None
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return host, port, path


def fetch_blob(url: str) -> FetchedBlob:
    """The document at `url`, at most `FILE_MAX_BYTES`; refusals are 400, fetch failures 502."""
    host, port, path = check_blob_url(url)
    address = _public_address(host, port)
    timeout = urllib3.Timeout(connect=settings.UPLOAD_BLOB_TIMEOUT_SECONDS, read=settings.UPLOAD_BLOB_TIMEOUT_SECONDS)
    pool = urllib3.HTTPSConnectionPool(
        address,
        port,
        timeout=timeout,
        retries=False,
        server_hostname=host,
        assert_hostname=host,
        cert_reqs="CERT_REQUIRED",
        ca_certs=certifi.where(),
    )
    try:
        response = pool.urlopen(
            "GET", path, headers={"Host": host}, redirect=False, preload_content=False, assert_same_host=False
        )
        try:
            if 300 <= response.status < 400:
                raise BlobUnavailable("blob_url answered with a redirect; redirects are not followed.")
            if response.status != 200:
                raise BlobUnavailable(f"blob_url answered {response.status}.")
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > settings.FILE_MAX_BYTES:
                raise FileTooLarge()
            chunks, total = [], 0
            for chunk in response.stream(CHUNK_BYTES):
                total += len(chunk)
                if total > settings.FILE_MAX_BYTES:
                    raise FileTooLarge()
                chunks.append(chunk)
        finally:
            response.release_conn()
    except HTTPError as error:
        raise BlobUnavailable(f"The document could not be fetched from blob_url: {type(error).__name__}.") from None
    finally:
        pool.close()
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    return FetchedBlob(content=b"".join(chunks), filename=name)
