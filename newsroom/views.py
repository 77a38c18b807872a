"""Serves: project-level views that belong to no app."""

import secrets
from functools import cache

from django.conf import settings
from django.core.cache import cache as shared_cache
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

from newsroom.db_router import replica_health
from newsroom.requester import wants_json


@never_cache
@require_safe
def healthz(request):
    """Liveness for load balancers and the benchmark's baseline: no database, no template, never cached."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


READY_STATEMENT_TIMEOUT_MS = 1000  # the connection itself is bounded by DATABASES OPTIONS (pool and connect timeouts)


def _database_ready() -> bool:
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with transaction.atomic():  # SET LOCAL ends with it: the pooled connection keeps its settings
                    cursor.execute(f"SET LOCAL statement_timeout = {READY_STATEMENT_TIMEOUT_MS}")
                    cursor.execute("SELECT 1")
                    return cursor.fetchone() == (1,)
            cursor.execute("SELECT 1")  # SQLite: no transaction, so a probe never takes the write lock
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def _cache_ready() -> bool:
    """A value written and read back (a fail-safe cache answers a miss, within its socket timeouts, when down)."""
    key, token = f"readyz:{secrets.token_hex(8)}", secrets.token_hex(8)
    try:
        shared_cache.set(key, token, timeout=10)
        ready = shared_cache.get(key) == token
        shared_cache.delete(key)
    except Exception:  # any backend, any failure: not ready, and the probe says so rather than 500
        return False
    return ready


@never_cache
@require_safe
def readyz(request):
    """Readiness for load balancers: 503 when the database is unreachable, so traffic goes to another server.

    The cache is checked and reported too, but a dead cache keeps the answer 200 ("degraded"): pages render
    from the database without it, and one shared Redis failing must not take every server out of rotation. So does
    a read replica down (each is named, `replica_0`, …): reads go to the primary meanwhile.
    """
    checks = {"database": _database_ready(), "cache": _cache_ready()}
    body = {name: "ok" if ready else "unreachable" for name, ready in checks.items()} | replica_health()
    healthy = all(state == "ok" for state in body.values())
    body["status"] = "ok" if healthy else "degraded" if checks["database"] else "unavailable"
    return JsonResponse(body, status=200 if checks["database"] else 503)


@cache
def _favicon_bytes() -> bytes:
    return (settings.BASE_DIR / "static" / "favicon.ico").read_bytes()


@require_safe
@cache_control(public=True, max_age=86400)
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: answer it (a 404 is a console error)."""
    return HttpResponse(_favicon_bytes(), content_type="image/x-icon")


CSRF_FAILURE_MESSAGE = gettext_lazy(
    "We could not accept this form: the page's security token was missing or has expired. "
    "Go back, reload the page and try again."
)


def csrf_failure(request, reason: str = ""):
    """A 403 a reader understands (JSON for the vote script), instead of Django's technical CSRF page."""
    if wants_json(request):
        return JsonResponse({"error": str(CSRF_FAILURE_MESSAGE)}, status=403)
    response = render(request, "403_csrf.html", {"message": CSRF_FAILURE_MESSAGE}, status=403)
    add_never_cache_headers(response)
    return response
