"""`POST /api/v1/invoices/upload/` and the batch and task endpoints that follow it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from files.models import ProcessingBatch, ProcessingTask, StoredFile
from files.tests import documents as docs
from files.tests.test_file_uploads import stored_objects
from invoices.models import Invoice
from invoices.tests.api_support import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("confident_extractor")]
UPLOAD = "/api/v1/invoices/upload/"


@pytest.fixture
def confident_extractor(settings: Any) -> None:
    settings.DOCUMENT_EXTRACTOR = "files.tests.extractors.ConfidentExtractor"


def pdf(name: str = "invoice.pdf", number: str = "INV-1") -> Any:
    return docs.upload(name, docs.invoice_pdf(number=number), "application/pdf")


@pytest.fixture
def post(django_capture_on_commit_callbacks: Any) -> Any:
    def send(client: APIClient, data: Any, format: str = "multipart") -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(UPLOAD, data, format=format)

    return send


def nothing_stored() -> bool:
    return (ProcessingBatch.objects.count(), ProcessingTask.objects.count(), StoredFile.objects.count()) == (
        0,
        0,
        0,
    ) and (stored_objects() == [])


def test_one_file_is_accepted_as_a_batch_of_one_task(owner: Any, post: Any) -> None:
    response = post(client_for(owner), {"file": pdf()})

    assert response.status_code == 202, response.json()
    batch = ProcessingBatch.objects.get()
    task = batch.tasks.get()
    assert response.json() == {
        "batch_id": str(batch.pk),
        "tasks": [{"task_id": str(task.pk), "file_id": str(task.file_id), "status": "queued"}],
        "websocket": {"batch": f"/ws/batches/{batch.pk}/", "tasks": [f"/ws/tasks/{task.pk}/"]},
        "estimated_duration_seconds": 3,
    }
    assert (batch.auto_save, batch.confidence_threshold) == (True, 0.8)
    task.refresh_from_db()
    assert task.status == "completed"  # the eager pipeline ran on commit
    assert Invoice.objects.get().attachments.get() == task.file


def test_several_files_with_options_make_one_task_each(owner: Any, post: Any) -> None:
    files = [pdf(f"doc{index}.pdf", number=f"N-{index}") for index in range(3)]

    response = post(client_for(owner), {"files": files, "auto_save": "false", "confidence_threshold": "0.5"})

    assert response.status_code == 202
    batch = ProcessingBatch.objects.get()
    assert (batch.auto_save, batch.confidence_threshold) == (False, 0.5)
    assert len(response.json()["tasks"]) == 3
    assert sorted(StoredFile.objects.values_list("original_name", flat=True)) == ["doc0.pdf", "doc1.pdf", "doc2.pdf"]
    assert set(ProcessingTask.objects.values_list("status", flat=True)) == {"needs_review"}
    assert Invoice.objects.count() == 0


def test_more_than_50_files_is_a_400_and_nothing_is_stored(owner: Any, post: Any) -> None:
    files = [docs.upload(f"d{index}.png", docs.image_bytes("PNG"), "image/png") for index in range(51)]

    response = post(client_for(owner), {"files": files})

    assert response.status_code == 400
    assert response.json() == {"files": ["At most 50 files per upload; got 51."]}
    assert nothing_stored()


def test_one_bad_file_among_good_ones_refuses_the_whole_upload(owner: Any, post: Any) -> None:
    files = [pdf("good.pdf"), docs.upload("evil.pdf", docs.WINDOWS_EXECUTABLE, "application/pdf")]

    response = post(client_for(owner), {"files": files})

    assert response.status_code == 415
    assert nothing_stored()


def test_an_empty_file_is_a_400(owner: Any, post: Any) -> None:
    response = post(client_for(owner), {"file": docs.upload("empty.pdf", b"")})

    assert response.status_code == 400
    assert nothing_stored()


def test_an_oversized_file_is_a_413(owner: Any, post: Any, settings: Any) -> None:
    settings.FILE_MAX_BYTES = 2000

    response = post(client_for(owner), {"file": docs.upload("big.pdf", b"%PDF-1.7\n" + b"x" * 3000)})

    assert response.status_code == 413
    assert nothing_stored()


def test_no_file_at_all_is_a_400(owner: Any, post: Any) -> None:
    response = post(client_for(owner), {"auto_save": "true"})

    assert response.status_code == 400
    assert response.json() == {"file": ["Send a file, several files, or a blob_url."]}


@pytest.mark.parametrize("threshold", ["1.5", "-0.1", "high"])
def test_a_confidence_threshold_outside_0_to_1_is_a_400(owner: Any, post: Any, threshold: str) -> None:
    response = post(client_for(owner), {"file": pdf(), "confidence_threshold": threshold})

    assert response.status_code == 400
    assert "confidence_threshold" in response.json()
    assert nothing_stored()


def test_an_anonymous_upload_is_a_401(db: Any, post: Any) -> None:
    assert post(APIClient(), {"file": pdf()}).status_code == 401
    assert nothing_stored()


# --- blob_url -----------------------------------------------------------------------------------


def inward(host: str, address: str) -> str:
    return f"The host {host!r} resolves to a non-public address ({address}); it is not fetched."


def not_listed(host: str) -> str:
    return f"The host {host!r} is not in the allowed list."


@pytest.mark.parametrize(
    ("url", "allowed", "message"),
    [
        ("https://files.example.com/a.pdf", [], not_listed("files.example.com")),
        ("https://evil.example.net/a.pdf", ["files.example.com"], not_listed("evil.example.net")),
        ("http://files.example.com/a.pdf", ["files.example.com"], "Only https URLs are fetched."),
        ("file:///etc/passwd", ["files.example.com"], "Only https URLs are fetched."),
        ("https://localhost/a.pdf", ["localhost"], inward("localhost", "127.0.0.1")),
        ("https://127.0.0.1:8000/a.pdf", ["127.0.0.1"], inward("127.0.0.1", "127.0.0.1")),
        ("https://[::1]/a.pdf", ["::1"], inward("::1", "::1")),
        ("https://10.1.2.3/a.pdf", ["10.1.2.3"], inward("10.1.2.3", "10.1.2.3")),
        ("https://169.254.169.254/latest/meta-data", ["169.254.169.254"], inward("169.254.169.254", "169.254.169.254")),
        ("https://user:pw@files.example.com/a.pdf", ["files.example.com"], "URLs with credentials are not fetched."),
    ],
)
def test_a_blob_url_that_is_not_fetched_is_a_400_and_nothing_is_stored(
    owner: Any, post: Any, settings: Any, url: str, allowed: list[str], message: str
) -> None:
    settings.UPLOAD_BLOB_ALLOWED_HOSTS = allowed

    response = post(client_for(owner), {"blob_url": url, "filename": "a.pdf"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"blob_url": [message]}
    assert nothing_stored()


def test_files_and_a_blob_url_together_are_a_400(owner: Any, post: Any) -> None:
    response = post(client_for(owner), {"file": pdf(), "blob_url": "https://files.example.com/a.pdf"})

    assert response.status_code == 400
    assert nothing_stored()


# --- batches and tasks ----------------------------------------------------------------------------


@pytest.fixture
def uploaded(owner: Any, post: Any) -> dict[str, Any]:
    return post(client_for(owner), {"files": [pdf("a.pdf", "A-1"), pdf("b.pdf", "B-2")]}).json()


def test_the_batch_shows_its_status_counts_and_tasks(owner: Any, uploaded: dict[str, Any]) -> None:
    response = client_for(owner).get(f"/api/v1/batches/{uploaded['batch_id']}/")

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["status"]) == (uploaded["batch_id"], "completed")
    assert body["counts"] == {"total": 2, "queued": 0, "running": 0, "completed": 2, "needs_review": 0, "failed": 0}
    assert [task["task_id"] for task in body["tasks"]] == [task["task_id"] for task in uploaded["tasks"]]


def test_a_task_has_the_spec_shape(owner: Any, uploaded: dict[str, Any]) -> None:
    task_id = uploaded["tasks"][0]["task_id"]

    body = client_for(owner).get(f"/api/v1/tasks/{task_id}/").json()

    invoice = Invoice.objects.get(processing_task__pk=task_id)
    assert body == {
        "task_id": task_id,
        "batch_id": uploaded["batch_id"],
        "file_id": uploaded["tasks"][0]["file_id"],
        "status": "completed",
        "progress": 100,
        "current_stage": "complete",
        "created_at": body["created_at"],
        "completed_at": body["completed_at"],
        "result": {
            "structured_data": body["result"]["structured_data"],
            "confidence_score": 0.95,
            "method": "test",
            "auto_saved": True,
            "invoice_id": invoice.pk,
            "message": f"Draft invoice {invoice.invoice_number} saved",
        },
        "error": None,
    }
    assert body["completed_at"] is not None


def test_the_batch_list_holds_only_own_batches(
    owner: Any, other_user: Any, uploaded: dict[str, Any], post: Any
) -> None:
    post(client_for(other_user), {"file": pdf("x.pdf", "X-1")})

    body = client_for(owner).get("/api/v1/batches/").json()

    assert (body["count"], [batch["id"] for batch in body["results"]]) == (1, [uploaded["batch_id"]])


@pytest.mark.parametrize("path", ["/api/v1/batches/{batch}/", "/api/v1/tasks/{task}/"])
def test_another_users_batch_or_task_is_a_404(other_user: Any, uploaded: dict[str, Any], path: str) -> None:
    url = path.format(batch=uploaded["batch_id"], task=uploaded["tasks"][0]["task_id"])

    response = client_for(other_user).get(url)

    assert response.status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/batches/", "/api/v1/batches/{batch}/", "/api/v1/tasks/{task}/"])
def test_an_anonymous_client_gets_401_on_batches_and_tasks(uploaded: dict[str, Any], path: str) -> None:
    url = path.format(batch=uploaded["batch_id"], task=uploaded["tasks"][0]["task_id"])

    assert APIClient().get(url).status_code == 401


def test_the_batch_list_runs_a_bounded_number_of_queries(
    owner: Any, post: Any, django_assert_max_num_queries: Any
) -> None:
    for index in range(4):
        post(client_for(owner), {"files": [pdf(f"{index}a.pdf", f"{index}-A"), pdf(f"{index}b.pdf", f"{index}-B")]})

    with django_assert_max_num_queries(5):
        response = client_for(owner).get("/api/v1/batches/")

    assert response.status_code == 200
    assert response.json()["count"] == 4


@override_settings(DOCUMENT_EXTRACTOR="files.tests.extractors.UnsureExtractor")
def test_a_batch_waiting_for_review_is_completed_with_its_counts(owner: Any, post: Any) -> None:
    batch_id = post(client_for(owner), {"file": pdf()}).json()["batch_id"]

    body = client_for(owner).get(f"/api/v1/batches/{batch_id}/").json()

    assert (body["status"], body["counts"]["needs_review"]) == ("completed", 1)


@pytest.mark.parametrize("body", [[None, None], "text", 5])
def test_a_json_body_that_is_not_an_object_is_a_400(owner: Any, post: Any, body: Any) -> None:
    response = post(client_for(owner), body, format="json")

    assert response.status_code == 400
    assert response.json() == {"detail": "Send a multipart form or a JSON object."}
    assert nothing_stored()
