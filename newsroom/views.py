"""Project-level views that belong to no app."""

from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request):
    """Liveness for load balancers and the benchmark's baseline: no database, no template, never cached."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
