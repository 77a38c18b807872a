"""Project-level views that belong to no app."""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request):
    """Liveness for load balancers and the benchmark's baseline: no database, no template, never cached."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


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
