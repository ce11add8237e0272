"""The back office for documents: the admin pages and action, and the staff-only jobs,
health, sample and supported-types endpoints."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.tests.factories import make_user
from files import services
from files.models import ProcessingTask, StoredFile
from files.tests import documents as docs
from files.validation import validate_upload
from invoices.tests.api_support import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db: Any) -> Any:
    return make_user(username="stan", staff=True)


@pytest.fixture
def batch(owner: Any) -> Any:
    uploads = [validate_upload(content=docs.invoice_pdf(number=f"A-{n}"), name=f"{n}.pdf") for n in range(3)]
    return services.upload_batch_create(owner=owner, uploads=uploads)  # not committed: nothing runs


def admin_client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", ["storedfile", "processingbatch", "processingtask"])
def test_the_admin_lists_files_batches_and_tasks(admin_user: Any, batch: Any, model: str) -> None:
    response = admin_client(admin_user).get(f"/admin/files/{model}/")

    assert response.status_code == 200


def test_the_task_list_filters_by_status(admin_user: Any, batch: Any) -> None:
    first = batch.tasks.order_by("created_at").first()
    ProcessingTask.objects.filter(pk=first.pk).update(status="failed", error="Unreadable")

    response = admin_client(admin_user).get("/admin/files/processingtask/?status__exact=failed")

    assert list(response.context["cl"].result_list) == [ProcessingTask.objects.get(pk=first.pk)]


def test_retry_failed_queues_only_the_failed_tasks_and_says_so(
    admin_user: Any, batch: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.DOCUMENT_EXTRACTOR = "files.tests.extractors.ConfidentExtractor"
    failed, completed, _ = batch.tasks.order_by("created_at")
    ProcessingTask.objects.filter(pk=failed.pk).update(status="failed", error="Unreadable")
    ProcessingTask.objects.filter(pk=completed.pk).update(status="completed", progress=100)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client(admin_user).post(
            "/admin/files/processingtask/",
            {"action": "retry_failed", "_selected_action": [str(failed.pk), str(completed.pk)]},
            follow=True,
        )

    texts = sorted(str(message) for message in response.context["messages"])
    assert texts == sorted(
        [
            f"Task {failed.pk}: queued again.",
            f"Task {completed.pk}: not retried: Only failed tasks can be retried; this one is completed.",
        ]
    )
    failed.refresh_from_db()
    completed.refresh_from_db()
    assert (failed.status, failed.error, failed.invoice is not None) == ("completed", "", True)
    assert completed.status == "completed"


def test_the_file_admin_is_read_only(admin_user: Any, batch: Any) -> None:
    stored = StoredFile.objects.first()

    response = admin_client(admin_user).post(f"/admin/files/storedfile/{stored.pk}/change/", {"original_name": "x"})

    assert response.status_code == 403
    stored.refresh_from_db()
    assert stored.original_name != "x"


# --- staff API --------------------------------------------------------------------------------


def test_the_jobs_list_pages_filters_and_counts(staff: Any, batch: Any, other_user: Any) -> None:
    first = batch.tasks.order_by("created_at").first()
    ProcessingTask.objects.filter(pk=first.pk).update(status="failed")
    ProcessingTask.objects.create(owner=other_user, status="completed")

    body = client_for(staff).get("/api/v1/admin/jobs/", {"page": 1, "per_page": 2}).json()

    assert (body["page"], body["per_page"], body["total"], body["pages"], len(body["jobs"])) == (1, 2, 4, 2, 2)
    assert body["statistics"] == {
        "total": 4,
        "last_24h": 4,
        "by_status": {"queued": 2, "running": 0, "completed": 1, "needs_review": 0, "failed": 1},
    }
    failed = client_for(staff).get("/api/v1/admin/jobs/", {"status": "failed"}).json()
    assert [(job["task_id"], job["owner"]) for job in failed["jobs"]] == [(str(first.pk), "olivia")]


@pytest.mark.parametrize("query", [{"page": 0}, {"per_page": 101}, {"status": "lost"}, {"page": "x"}])
def test_bad_jobs_parameters_are_a_400_naming_them(staff: Any, query: dict[str, Any]) -> None:
    response = client_for(staff).get("/api/v1/admin/jobs/", query)

    assert response.status_code == 400
    assert list(response.json()) == list(query)


@pytest.mark.parametrize("path", ["/api/v1/admin/jobs/", "/api/v1/admin/health/"])
def test_staff_endpoints_refuse_users_and_anonymous_clients(owner: Any, path: str) -> None:
    assert client_for(owner).get(path).status_code == 403
    assert APIClient().get(path).status_code == 401


def test_the_health_report_reads_each_part_for_real(staff: Any) -> None:
    body = client_for(staff).get("/api/v1/admin/health/").json()

    components = body["components"]
    assert set(components) == {"database", "redis", "celery", "process"}
    assert all(part["status"] == "healthy" for part in components.values()), components
    assert components["process"]["memory_rss_bytes"] > 0
    assert components["celery"]["mode"] == "eager"
    assert body["status"] == "healthy"


@pytest.mark.redis
def test_the_health_report_has_redis_memory_and_clients(staff: Any) -> None:
    redis_part = client_for(staff).get("/api/v1/admin/health/").json()["components"]["redis"]

    assert redis_part["configured"] is True
    assert redis_part["used_memory_bytes"] > 0 and redis_part["connected_clients"] >= 1


@pytest.mark.postgres
def test_the_health_report_counts_database_connections(staff: Any) -> None:
    database = client_for(staff).get("/api/v1/admin/health/").json()["components"]["database"]

    assert database["vendor"] == "postgresql"
    assert database["connections"] >= 1 and database["max_connections"] >= database["connections"]


# --- samples and supported types ----------------------------------------------------------------


def test_supported_types_are_public(db: Any) -> None:
    from files import samples

    response = APIClient().get("/api/v1/invoices/supported-types/")

    assert response.status_code == 200
    assert response.json() == {
        "business_types": list(samples.SUPPORTED_BUSINESS_TYPES),
        "complexity_levels": list(samples.COMPLEXITY_LEVELS),
        "accepted_formats": [dict(item) for item in samples.ACCEPTED_FORMATS],
    }


def test_staff_generate_a_sample_stored_as_their_file_with_its_printed_values(staff: Any) -> None:
    from files.samples import render_sample

    response = client_for(staff).post(
        "/api/v1/invoices/generate-sample/",
        {"business_type": "legal", "complexity": "complex", "company_name": "Hale & Partners", "seed": 4},
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    stored = StoredFile.objects.get()
    expected = render_sample(business_type="legal", complexity="complex", company_name="Hale & Partners", seed=4)
    assert body["expected"] == expected.expected
    assert (body["file"]["id"], body["file"]["content_type"], stored.owner) == (
        str(stored.pk),
        "application/pdf",
        staff,
    )
    assert body["expected"]["issuer"]["name"] == "Hale & Partners"


@pytest.mark.parametrize(
    ("body", "field"),
    [({"business_type": "bakery"}, "business_type"), ({"business_type": "legal", "complexity": "x"}, "complexity")],
)
def test_an_unknown_sample_kind_is_a_400(staff: Any, body: dict[str, Any], field: str) -> None:
    response = client_for(staff).post("/api/v1/invoices/generate-sample/", body)

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert StoredFile.objects.count() == 0


def test_generating_a_sample_is_for_staff_only(owner: Any) -> None:
    response = client_for(owner).post("/api/v1/invoices/generate-sample/", {"business_type": "legal"})

    assert response.status_code == 403
    assert StoredFile.objects.count() == 0
