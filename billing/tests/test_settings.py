"""Production settings: refuse a default secret, and `check --deploy` is clean.

Settings are read once per process, so each case runs in a fresh interpreter with its
own environment.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
# Everything the settings read that could leak in from the developer's shell.
SETTINGS_VARIABLES = (
    "DEBUG",
    "SECRET_KEY",
    "JWT_SIGNING_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "STORAGE",
    "EMAIL_URL",
    "EMAIL_BACKEND",
    "DJANGO_SETTINGS_MODULE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "STATICFILES_STORAGE_BACKEND",
)


def run_python(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    clean = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    return subprocess.run(
        [sys.executable, *args],
        cwd=PROJECT_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "billing.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


IMPORT_SETTINGS = ["-c", "import django; django.setup(); print('started')"]


def test_settings_refuse_to_load_with_debug_off_and_no_secret_key() -> None:
    result = run_python(IMPORT_SETTINGS, DEBUG="false")

    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be set" in result.stderr


def test_settings_refuse_to_load_with_debug_off_and_the_development_key() -> None:
    result = run_python(IMPORT_SETTINGS, DEBUG="false", SECRET_KEY="insecure-development-key-change-me")

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_settings_refuse_to_load_with_debug_off_and_a_short_secret_key() -> None:
    result = run_python(IMPORT_SETTINGS, DEBUG="false", SECRET_KEY="x" * 20)

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_settings_load_with_debug_off_and_a_long_random_secret_key() -> None:
    result = run_python(IMPORT_SETTINGS, DEBUG="false", SECRET_KEY=secrets.token_urlsafe(48))

    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


PRINT_DEBUG = ["-c", "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"]


def test_settings_without_any_environment_are_production_and_refuse_the_default_key() -> None:
    """A deploy that forgets DEBUG is safe: DEBUG is off, so the development key is refused."""
    result = run_python(IMPORT_SETTINGS)

    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "SECRET_KEY must be set" in result.stderr
    assert "use DEBUG=true for development" in result.stderr


def test_debug_is_off_unless_the_environment_turns_it_on() -> None:
    result = run_python(PRINT_DEBUG, SECRET_KEY=secrets.token_urlsafe(48))

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["False"]


def test_settings_load_in_development_with_debug_on_and_nothing_else() -> None:
    result = run_python(PRINT_DEBUG, DEBUG="true")

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["True"]


@pytest.mark.parametrize("storage", ["ftp", "S3 "])
def test_settings_refuse_an_unknown_storage_backend(storage: str) -> None:
    result = run_python(IMPORT_SETTINGS, DEBUG="true", STORAGE=storage)

    assert result.returncode != 0
    assert "STORAGE must be 'local' or 's3'" in result.stderr


def check_deploy(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING", *extra],
        DEBUG="false",
        SECRET_KEY=secrets.token_hex(32),
        ALLOWED_HOSTS="billing.example.com",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    )


def test_check_deploy_security_checks_are_clean_with_production_environment(tmp_path: Path) -> None:
    result = check_deploy(tmp_path, "--tag", "security")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_is_clean_with_production_environment(tmp_path: Path) -> None:
    # Every deploy check, the OpenAPI schema's included: a view the schema cannot
    # describe is a warning here.
    result = check_deploy(tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
