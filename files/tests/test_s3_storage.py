"""Files on S3, against a real S3-compatible server: moto in server mode on a loopback
port, started for this module. Uploads land in the bucket under their random key, and a
download is a redirect to a signed URL that works, then expires."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from moto.server import ThreadedMotoServer

from files.models import StoredFile
from files.tests import documents as docs
from invoices.tests.api_support import client_for

pytestmark = pytest.mark.django_db
BUCKET = "billing-test-files"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_client(s3_endpoint: str) -> Any:
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=BUCKET)
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


@pytest.fixture
def on_s3(settings: Any, s3_endpoint: str, s3_client: Any) -> Any:
    settings.STORAGE_BACKEND = "s3"
    settings.AWS_STORAGE_BUCKET_NAME = BUCKET
    settings.AWS_S3_ENDPOINT_URL = s3_endpoint
    settings.AWS_S3_REGION_NAME = "us-east-1"
    settings.AWS_ACCESS_KEY_ID = "testing"
    settings.AWS_SECRET_ACCESS_KEY = "testing"
    settings.AWS_QUERYSTRING_AUTH = True
    settings.AWS_QUERYSTRING_EXPIRE = 300
    settings.AWS_DEFAULT_ACL = None
    settings.AWS_S3_FILE_OVERWRITE = False
    settings.AWS_S3_SIGNATURE_VERSION = "s3v4"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage"}}
    return s3_client


def _upload(owner: Any) -> StoredFile:
    response = client_for(owner).post(
        "/api/v1/files/", {"file": docs.upload("march.pdf", docs.invoice_pdf())}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    return StoredFile.objects.get(pk=response.json()["id"])


def _fetch(url: str) -> tuple[int, bytes, Any]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (the loopback moto server)
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers


def test_an_upload_is_stored_in_the_bucket_under_its_random_key(on_s3: Any, owner: Any) -> None:
    stored = _upload(owner)

    keys = [item["Key"] for item in on_s3.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert keys == [stored.storage_key]
    assert "march" not in stored.storage_key
    assert on_s3.get_object(Bucket=BUCKET, Key=stored.storage_key)["Body"].read() == docs.invoice_pdf()


def test_a_download_redirects_to_a_signed_url_that_serves_the_file_as_an_attachment(on_s3: Any, owner: Any) -> None:
    stored = _upload(owner)

    response = client_for(owner).get(f"/api/v1/files/{stored.pk}/download/")

    assert response.status_code == 302
    url = response["Location"]
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=300" in url
    status, body, headers = _fetch(url)
    assert (status, body) == (200, docs.invoice_pdf())
    assert headers["Content-Disposition"] == 'attachment; filename="march.pdf"'
    assert headers["Content-Type"] == "application/pdf"


def test_the_object_is_not_readable_without_a_signature(on_s3: Any, owner: Any, s3_endpoint: str) -> None:
    stored = _upload(owner)

    status, _, _ = _fetch(f"{s3_endpoint}/{BUCKET}/{stored.storage_key}")

    assert status == 403


def test_a_signed_url_expires_after_the_configured_seconds(on_s3: Any, owner: Any, settings: Any) -> None:
    # moto serves a presigned URL without checking its expiry, so the expiry is read off
    # the signed query itself: signed now, valid for AWS_QUERYSTRING_EXPIRE seconds.
    settings.AWS_QUERYSTRING_EXPIRE = 60
    stored = _upload(owner)
    before = datetime.now(UTC).replace(microsecond=0)

    url = client_for(owner).get(f"/api/v1/files/{stored.pk}/download/")["Location"]

    query = parse_qs(urlsplit(url).query)
    signed_at = datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert query["X-Amz-Expires"] == ["60"]
    assert before - timedelta(seconds=1) <= signed_at <= datetime.now(UTC)
    assert "X-Amz-Signature" in query


def test_another_user_gets_no_signed_url(on_s3: Any, owner: Any, other_user: Any) -> None:
    stored = _upload(owner)

    response = client_for(other_user).get(f"/api/v1/files/{stored.pk}/download/")

    assert response.status_code == 404
    assert "Location" not in response
