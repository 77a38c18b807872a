import time

import pytest

from newsroom import cache_backend


@pytest.mark.django_db
def test_healthz_says_ok_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_healthz_only_answers_reads(client):
    assert client.post("/healthz").status_code == 405
    assert client.head("/healthz").status_code == 200


@pytest.mark.django_db
def test_readyz_checks_the_database_and_the_cache(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok", "status": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert client.post("/readyz").status_code == 405


@pytest.mark.django_db
def test_readyz_stays_200_without_the_cache_but_says_so(client, settings, monkeypatch):
    """Pages render from the database without Redis: one shared Redis failing must not empty the pool."""
    monkeypatch.setattr(cache_backend, "_OUTAGES", {})
    settings.CACHES = {
        "default": {"BACKEND": "newsroom.cache_backend.FailSafeRedisCache", "LOCATION": "redis://127.0.0.1:6390/0"}
    }
    started = time.monotonic()
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "unreachable", "status": "degraded"}
    assert time.monotonic() - started < 1
