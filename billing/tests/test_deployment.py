"""The deployment files describe the topology SPEC section 3 promises, with real settings."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]


def compose() -> dict:
    return yaml.safe_load((PROJECT_DIR / "docker-compose.yml").read_text())


def settings_variables() -> set[str]:
    source = (PROJECT_DIR / "billing" / "settings.py").read_text()
    return set(re.findall(r"env\.[a-z_]+\(\s*\"([A-Z0-9_]+)\"", source))


def test_compose_runs_the_production_topology() -> None:
    services = compose()["services"]

    assert {"postgres", "redis", "migrate", "web1", "web2", "worker", "beat", "minio"} <= set(services)
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert "healthcheck" in services["postgres"]
    assert "healthcheck" in services["redis"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "billing", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "billing", "beat"]
    assert "migrate --noinput" in " ".join(services["migrate"]["command"])
    for web in ("web1", "web2"):
        assert services[web]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert services["minio"]["profiles"] == ["s3"]


def test_compose_sets_only_variables_the_settings_read() -> None:
    services = compose()["services"]
    known = settings_variables()

    for name in ("migrate", "web1", "web2", "worker", "beat"):
        environment = services[name]["environment"]
        assert set(environment) <= known, set(environment) - known
        assert environment["DEBUG"] == "false"
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["REDIS_URL"].startswith("redis://")


def test_make_stack_processes_match_compose() -> None:
    processes = dict(
        line.split(":", 1) for line in (PROJECT_DIR / "Procfile.stack").read_text().splitlines() if line.strip()
    )

    assert set(processes) == {"web1", "web2", "worker", "beat"}
    assert "billing.asgi:application" in processes["web1"]
    assert "billing.asgi:application" in processes["web2"]
    assert "celery -A billing worker" in processes["worker"]
    assert "celery -A billing beat" in processes["beat"]


def test_dockerfile_serves_the_asgi_app_as_a_non_root_user() -> None:
    dockerfile = (PROJECT_DIR / "Dockerfile").read_text()

    assert dockerfile.startswith("# ") and "FROM python:3.11-slim" in dockerfile
    assert "USER billing" in dockerfile
    assert "collectstatic --noinput" in dockerfile
    assert '"uvicorn", "billing.asgi:application", "--host", "0.0.0.0", "--port", "8000"' in dockerfile
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz0b", "fonts-dejavu-core", "tesseract-ocr"):
        assert package in dockerfile
