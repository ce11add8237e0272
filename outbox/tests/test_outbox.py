"""The outbox: the invoice-sent e-mail is written with the send, survives the broker and
the mail server being down, and reaches the customer exactly once."""

from __future__ import annotations

import socket
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from billing.celery import app as celery_app
from core.errors import Conflict
from invoices import services
from invoices.actions import transaction_for_one_write
from invoices.models import Invoice, InvoiceStatus
from invoices.notifications import INVOICE_SENT_EMAIL, message_id_for
from invoices.tests.factories import advance, item, make_invoice
from outbox.models import OutboxMessage, OutboxStatus
from outbox.services import OutboxOutsideTransaction, outbox_deliver, outbox_deliver_due, outbox_enqueue, retry_delay

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def approved_invoice(owner: Any, approver: Any) -> Invoice:
    invoice = make_invoice(owner=owner, items=[item(quantity="2", unit_price="50.00")])
    return advance(invoice, to="approved", approver=approver)


@pytest.fixture
def mail_server_down(settings) -> None:
    """A real SMTP backend aimed at a loopback port nobody listens on."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _free_port()
    settings.EMAIL_TIMEOUT = 2


@pytest.fixture
def broker_down() -> Any:
    """Celery not eager, its broker a Redis URL on a dead loopback port: publishing fails."""
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.broker_url, conf.result_backend)
    conf.task_always_eager = False
    conf.broker_url = f"redis://127.0.0.1:{_free_port()}/0"
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    yield
    conf.task_always_eager, conf.broker_url, conf.result_backend = saved
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def test_sending_writes_one_outbox_message_in_the_same_transaction(approved_invoice, owner, mailoutbox) -> None:
    # The one sanctioned outer transaction around a (durable) service, to look inside it.
    with transaction_for_one_write():
        services.invoice_send(invoice_id=approved_invoice.pk, actor=owner)
        [message] = OutboxMessage.objects.all()
        assert message.kind == INVOICE_SENT_EMAIL
        assert message.payload == {"invoice_id": approved_invoice.pk}
        assert message.idempotency_key == f"invoice.sent_email:{approved_invoice.pk}"
        assert mailoutbox == []  # nothing leaves before the commit


def test_a_rolled_back_send_leaves_no_outbox_message(approved_invoice, owner, mailoutbox) -> None:
    with pytest.raises(RuntimeError, match="the request failed after the send"), transaction_for_one_write():
        services.invoice_send(invoice_id=approved_invoice.pk, actor=owner)
        raise RuntimeError("the request failed after the send")

    assert OutboxMessage.objects.count() == 0
    assert mailoutbox == []


def test_a_refused_send_leaves_no_outbox_message(owner, mailoutbox) -> None:
    draft = make_invoice(owner=owner, items=[item()])
    with pytest.raises(Conflict):
        services.invoice_send(invoice_id=draft.pk, actor=owner)

    assert OutboxMessage.objects.count() == 0
    assert mailoutbox == []


def test_the_sent_email_is_written_by_the_transaction_subscriber_not_the_service(
    approved_invoice, owner, settings, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    """The service only announces the send; without the subscriber nothing is queued."""
    settings.INVOICE_EVENT_TRANSACTION_SUBSCRIBERS = []
    with django_capture_on_commit_callbacks(execute=True):
        services.invoice_send(invoice_id=approved_invoice.pk, actor=owner)

    assert Invoice.objects.get(pk=approved_invoice.pk).status == InvoiceStatus.SENT
    assert OutboxMessage.objects.count() == 0
    assert mailoutbox == []


def test_other_transitions_write_no_outbox_message(owner, approver, mailoutbox) -> None:
    invoice = make_invoice(owner=owner, items=[item()])
    advance(invoice, to="approved", approver=approver)
    services.invoice_cancel(invoice_id=invoice.pk, actor=owner)

    assert OutboxMessage.objects.count() == 0
    assert mailoutbox == []


def test_a_failing_transaction_subscriber_rolls_the_send_back(approved_invoice, owner, settings, mailoutbox) -> None:
    settings.INVOICE_EVENT_TRANSACTION_SUBSCRIBERS = [
        "invoices.notifications.invoice_sent_email_enqueue",
        "outbox.tests.failing_subscriber.refuse",
    ]
    events_before = approved_invoice.events.count()

    with pytest.raises(RuntimeError, match=r"^the subscriber refused$"):
        services.invoice_send(invoice_id=approved_invoice.pk, actor=owner)

    approved_invoice.refresh_from_db()
    assert approved_invoice.status == InvoiceStatus.APPROVED
    assert approved_invoice.events.count() == events_before
    assert OutboxMessage.objects.count() == 0
    assert mailoutbox == []


def test_a_committed_send_is_delivered_once_with_a_stable_message_id(
    approved_invoice, owner, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.invoice_send(invoice_id=approved_invoice.pk, actor=owner)

    [message] = OutboxMessage.objects.all()
    assert message.status == OutboxStatus.DELIVERED
    assert message.attempts == 1
    assert message.delivered_at is not None
    assert len(mailoutbox) == 1
    assert mailoutbox[0].extra_headers["Message-ID"] == message_id_for(message.idempotency_key)
    # A redelivered task or the sweep finds nothing left to do.
    assert outbox_deliver(message_id=message.pk) is None
    assert outbox_deliver_due(now=timezone.now() + timedelta(days=1)) == 0
    assert len(mailoutbox) == 1


def test_the_mail_server_down_keeps_the_message_and_retries_with_backoff(
    approved_invoice, owner, mailoutbox, mail_server_down, settings, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.invoice_send(invoice_id=approved_invoice.pk, actor=owner)

    message = OutboxMessage.objects.get()
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 1
    assert message.last_error.startswith("ConnectionRefusedError")
    assert message.available_at > timezone.now() + timedelta(seconds=settings.OUTBOX_RETRY_BASE_SECONDS - 5)
    assert Invoice.objects.get(pk=approved_invoice.pk).status == InvoiceStatus.SENT
    # Not due yet: the sweep leaves it alone.
    assert outbox_deliver_due() == 0

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the mail server is back
    assert outbox_deliver_due(now=message.available_at) == 1

    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (OutboxStatus.DELIVERED, 2, "")
    assert len(mailoutbox) == 1


def test_a_message_that_keeps_failing_is_given_up_after_the_last_attempt(
    approved_invoice, owner, mailoutbox, mail_server_down, settings, django_capture_on_commit_callbacks
) -> None:
    settings.OUTBOX_MAX_ATTEMPTS = 3
    with django_capture_on_commit_callbacks(execute=True):
        services.invoice_send(invoice_id=approved_invoice.pk, actor=owner)
    later = timezone.now()
    for _ in range(2):
        later += timedelta(hours=2)
        outbox_deliver_due(now=later)

    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, 3)
    assert outbox_deliver_due(now=later + timedelta(days=1)) == 0
    assert mailoutbox == []


def test_retry_delay_doubles_up_to_the_cap(settings) -> None:
    settings.OUTBOX_RETRY_BASE_SECONDS = 30
    settings.OUTBOX_RETRY_MAX_SECONDS = 3600

    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 7, 8, 20)] == [30, 60, 120, 1920, 3600, 3600]


def test_a_send_with_the_broker_down_answers_200_and_the_email_goes_out_once_it_is_back(
    approved_invoice, owner, mailoutbox, broker_down, django_capture_on_commit_callbacks
) -> None:
    client = APIClient()
    client.force_authenticate(owner)

    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(f"/api/v1/invoices/{approved_invoice.pk}/send/")
    elapsed = time.monotonic() - started
    print(f"send with the broker down answered in {elapsed:.2f}s")

    assert response.status_code == 200
    assert response.json()["status"] == "sent"
    assert callbacks  # the relay ran, and its failure to publish did not reach the client
    assert elapsed < 10
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 0)
    assert mailoutbox == []

    call_command("outbox_relay")  # what beat's sweep runs once the broker is back

    message.refresh_from_db()
    assert message.status == OutboxStatus.DELIVERED
    assert len(mailoutbox) == 1
    call_command("outbox_relay")
    assert len(mailoutbox) == 1


@pytest.mark.django_db(transaction=True)
def test_enqueue_outside_a_transaction_is_refused() -> None:
    with pytest.raises(OutboxOutsideTransaction):
        outbox_enqueue(kind=INVOICE_SENT_EMAIL, idempotency_key="k", payload={})

    assert OutboxMessage.objects.count() == 0


def test_enqueue_twice_with_one_key_is_one_message() -> None:
    with transaction.atomic():
        first = outbox_enqueue(kind=INVOICE_SENT_EMAIL, idempotency_key="same", payload={"invoice_id": 1})
        second = outbox_enqueue(kind=INVOICE_SENT_EMAIL, idempotency_key="same", payload={"invoice_id": 1})

    assert first.pk == second.pk
    assert OutboxMessage.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_message_claimed_by_one_worker_is_skipped_by_another(approved_invoice, owner, mailoutbox) -> None:
    services.invoice_send(invoice_id=approved_invoice.pk, actor=owner)  # its own durable transaction
    message = OutboxMessage.objects.get()
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.PENDING, delivered_at=None)
    mailoutbox.clear()
    claimed, release = threading.Event(), threading.Event()

    def first_worker() -> None:
        with transaction.atomic():
            OutboxMessage.objects.select_for_update().get(pk=message.pk)
            claimed.set()
            release.wait(timeout=10)
        connection.close()

    worker = threading.Thread(target=first_worker)
    worker.start()
    try:
        assert claimed.wait(timeout=10)
        started = time.monotonic()
        assert outbox_deliver(message_id=message.pk) is None  # skipped, not waited for
        assert time.monotonic() - started < 2
    finally:
        release.set()
        worker.join(timeout=10)
    assert mailoutbox == []
