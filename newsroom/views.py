"""Project-level views that belong to no app."""

from functools import cache

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request):
    """Liveness for load balancers and the benchmark's baseline: no database, no template, never cached."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


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
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"error": str(CSRF_FAILURE_MESSAGE)}, status=403)
    response = render(request, "403_csrf.html", {"message": CSRF_FAILURE_MESSAGE}, status=403)
    add_never_cache_headers(response)
    return response
