"""No Docker engine runs here: docker-compose.yml and the Dockerfile are checked by structure."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("web", "worker", "beat")


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_five_services_each_with_a_health_check():
    services = compose()["services"]
    assert set(services) == {"web", "worker", "beat", "postgres", "redis"}
    for name, service in services.items():
        check = service.get("healthcheck", {})
        assert check.get("test"), f"{name} has no health check"


def test_app_services_share_one_image_and_wait_for_healthy_servers():
    services = compose()["services"]
    images = {services[name]["image"] for name in APP_SERVICES}
    assert images == {"ovp:latest"}
    for name in APP_SERVICES:
        service = services[name]
        assert service["build"] == "."
        assert service["depends_on"] == {
            "postgres": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
        }
        environment = service["environment"]
        assert environment["DJANGO_SETTINGS_MODULE"] == "ovp.settings.production"
        assert (
            environment["DATABASE_URL"].startswith("postgres://")
            and "@postgres:5432/" in environment["DATABASE_URL"]
        )
        assert environment["REDIS_URL"] == "redis://redis:6379/0"
        assert "?" in environment["SECRET_KEY"]  # required: compose refuses to start without it
        # a mail server is required too: no console default that prints reset links to the log
        assert environment["EMAIL_URL"].startswith("${EMAIL_URL:?")
        assert environment["OVP_ALLOW_CONSOLE_EMAIL"] == "${OVP_ALLOW_CONSOLE_EMAIL:-false}"


def test_each_app_service_runs_its_own_process():
    services = compose()["services"]
    assert "gunicorn ovp.wsgi" in services["web"]["command"]
    assert "migrate" in services["web"]["command"]
    assert services["worker"]["command"].startswith("celery -A ovp worker")
    assert services["beat"]["command"].startswith("celery -A ovp beat")
    assert "/healthz/" in " ".join(services["web"]["healthcheck"]["test"])


def test_data_lives_in_named_volumes():
    document = compose()
    assert set(document["volumes"]) >= {"pgdata", "redisdata", "media"}
    assert "pgdata:/var/lib/postgresql/data" in document["services"]["postgres"]["volumes"]


def test_dockerfile_installs_the_locked_dependencies_and_runs_unprivileged():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "requirements.lock" in dockerfile
    assert "collectstatic" in dockerfile
    assert re.search(r"^USER \w+", dockerfile, re.MULTILINE)
    assert "DJANGO_SETTINGS_MODULE=ovp.settings.production" in dockerfile


def test_dependencies_and_our_code_are_compiled_to_bytecode_in_the_image():
    # the image sets PYTHONDONTWRITEBYTECODE=1: bytecode not made at build is never kept
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "PYTHONDONTWRITEBYTECODE=1" in dockerfile
    assert re.search(r"uv pip install [^\n]*--compile-bytecode[^\n]*requirements\.lock", dockerfile)
    assert re.search(r"compileall [^\n]*\bovp\b[^\n]*\bevaluation\b", dockerfile)


def test_make_install_leaves_our_code_and_the_dependencies_compiled():
    # `make test` installs first: the bytecode is there, so no process compiles it again
    import importlib.util

    import django

    for source in (ROOT / "ovp" / "urls.py", Path(django.__file__)):
        assert Path(importlib.util.cache_from_source(str(source))).exists(), source
