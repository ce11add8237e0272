"""What `make run` prints on the embedded defaults: e-mail links to the address served,
a line per attachment on the console, no kombu warning, and a line (not a traceback)
for an ordinary 403 or 404."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.mail import EmailMultiAlternatives

from accounts.tests.factories import UserFactory
from core.logging import RedactSecretsFilter
from core.mail import ConsoleEmailBackend

PROJECT_DIR = Path(__file__).resolve().parents[2]
# The variables that would move the settings off the embedded defaults.
SETTINGS_VARIABLES = ("DATABASE_URL", "REDIS_URL", "EMAIL_URL", "EMAIL_BACKEND", "CELERY_BROKER_URL", "DEBUG")
PDF_BYTES = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


def run_python(args: list[str]) -> subprocess.CompletedProcess[str]:
    """A Python process on the embedded defaults, as `make run` starts one."""
    clean = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    return subprocess.run(
        [sys.executable, *args],
        cwd=PROJECT_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "billing.settings", "DEBUG": "true"},  # as make run sets it
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def make_dry_run(*args: str, **env: str) -> str:
    result = subprocess.run(
        ["make", "-n", "run", *args],
        cwd=PROJECT_DIR,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


def test_make_run_on_another_port_points_e_mail_links_at_that_port() -> None:
    commands = make_dry_run("PORT=8765")

    assert "SITE_URL=http://127.0.0.1:8765 .venv/bin/python manage.py seed_demo --base-url http://127.0.0.1:8765" in (
        commands
    )
    assert "SITE_URL=http://127.0.0.1:8765 .venv/bin/python -m uvicorn billing.asgi:application" in commands
    assert ":8000" not in commands


def test_make_run_on_every_interface_sends_links_to_the_loopback_address() -> None:
    commands = make_dry_run("HOST=0.0.0.0", "PORT=9000")

    assert "SITE_URL=http://127.0.0.1:9000 .venv/bin/python -m uvicorn billing.asgi:application --host 0.0.0.0" in (
        commands
    )


def test_a_site_url_in_the_environment_wins_over_the_served_address() -> None:
    commands = make_dry_run("PORT=8765", SITE_URL="https://billing.example.com")

    assert "SITE_URL=https://billing.example.com .venv/bin/python -m uvicorn" in commands


@pytest.mark.django_db
def test_account_e_mails_take_their_links_from_site_url(settings, mailoutbox) -> None:
    from accounts.services import user_password_reset_request

    settings.SITE_URL = "http://127.0.0.1:8765/"
    UserFactory(username="grace", email="grace@example.com")

    user_password_reset_request(email="grace@example.com")

    (message,) = mailoutbox
    assert "http://127.0.0.1:8765/accounts/password-reset/" in message.body
    assert "http://127.0.0.1:8765\n" in message.body  # the footer's site address, no double slash
    assert "127.0.0.1:8000" not in message.body


def test_the_embedded_defaults_use_the_console_backend_with_attachment_lines() -> None:
    result = run_python(
        ["-c", "import django; django.setup(); from django.conf import settings; print(settings.EMAIL_BACKEND)"]
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "core.mail.ConsoleEmailBackend"


def test_the_console_backend_prints_one_line_per_attachment_and_no_base64() -> None:
    stream = io.StringIO()
    message = EmailMultiAlternatives(
        subject="Invoice INV-1 from Acme",
        body="Hello Ada,\nyour invoice is attached.",
        from_email="billing@localhost",
        to=["ada@example.com"],
    )
    message.attach_alternative("<p>Hello Ada,</p>", "text/html")
    message.attach("INV-1.pdf", PDF_BYTES, "application/pdf")
    message.attach("notes.txt", "three words here", "text/plain")

    sent = ConsoleEmailBackend(stream=stream).send_messages([message])

    output = stream.getvalue()
    assert sent == 1
    assert "Subject: Invoice INV-1 from Acme" in output
    assert "your invoice is attached." in output
    assert "<p>Hello Ada,</p>" in output
    assert f"Attachment: INV-1.pdf (application/pdf, {len(PDF_BYTES):,} bytes)\n" in output
    assert "Attachment: notes.txt (text/plain, 16 bytes)\n" in output
    assert "base64" not in output
    assert len(output.splitlines()) < 40
    assert output.endswith("-" * 79 + "\n")
    assert [attachment.filename for attachment in message.attachments] == ["INV-1.pdf", "notes.txt"]


EAGER_TASK_SCRIPT = """
import django
django.setup()
from django.conf import settings
from billing.celery import app

assert settings.CELERY_TASK_ALWAYS_EAGER


@app.task(name="probe.add")
def add(a, b):
    return a + b


print("result", add.delay(2, 3).get())
"""


def test_an_eager_task_on_the_embedded_defaults_logs_no_kombu_hostname_warning() -> None:
    result = run_python(["-c", EAGER_TASK_SCRIPT])

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "result 5"
    assert "No hostname was supplied" not in result.stderr
    assert "kombu" not in result.stderr


@pytest.fixture
def console_lines() -> Iterator[io.StringIO]:
    """What the root's redacting console handler writes, captured for one test."""
    root = logging.getLogger()
    console = next(h for h in root.handlers if any(isinstance(f, RedactSecretsFilter) for f in h.filters))
    stream = io.StringIO()
    probe = logging.StreamHandler(stream)
    probe.filters = list(console.filters)
    probe.setFormatter(console.formatter)
    root.addHandler(probe)
    try:
        yield stream
    finally:
        root.removeHandler(probe)


@pytest.mark.django_db
def test_a_403_from_a_permission_check_is_one_log_line_without_a_traceback(client, console_lines) -> None:
    client.force_login(UserFactory(username="clerk", is_staff=True))  # staff, but may view no invoices

    response = client.get("/admin/invoices/invoice/")

    assert response.status_code == 403
    assert console_lines.getvalue().splitlines() == [
        line for line in console_lines.getvalue().splitlines() if "Traceback" not in line
    ]
    lines = [line for line in console_lines.getvalue().splitlines() if "django.request" in line]
    assert len(lines) == 1
    assert lines[0].endswith("WARNING django.request Forbidden (Permission denied): /admin/invoices/invoice/")
    assert "PermissionDenied" not in console_lines.getvalue()


@pytest.mark.django_db
def test_a_404_page_is_one_log_line(client, console_lines) -> None:
    client.force_login(UserFactory(username="ada"))

    response = client.get("/invoices/999999/")

    assert response.status_code == 404
    assert console_lines.getvalue().splitlines()[-1].endswith("WARNING django.request Not Found: /invoices/999999/")
    assert "Traceback" not in console_lines.getvalue()
    assert logging.getLogger("django").handlers == []  # Django's own console handler would print it twice


def test_a_server_error_keeps_its_traceback() -> None:
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error: /x", (), None)
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record.exc_info = sys.exc_info()
    record.status_code = 500
    logger = logging.getLogger("django.request")

    assert all(f.filter(record) for f in logger.filters)
    assert record.exc_info is not None
