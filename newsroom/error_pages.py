"""Serves: the answer to an unhandled error: the site's 503 page when the database is unreachable, JSON for fetches.

Django calls `server_error` (`handler500`) from inside the `except` block that caught the error, wherever it
was raised — a view or a middleware — so the error is still in `sys.exc_info()`. A database that cannot be
reached (a refused connection, the pool's timeout: `DATABASES` OPTIONS keep both under 2 s) is an outage,
not a bug: the reader gets a 503 with `Retry-After`, rendered from a plain template with no query and no
cache. A request that asked for JSON (the vote and beacon scripts) never gets an HTML page.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy
from django.views.defaults import server_error as django_server_error

from newsroom.requester import wants_json

RETRY_AFTER_SECONDS = 30
UNAVAILABLE_MESSAGE = gettext_lazy("The site is briefly unavailable. Please try again in a minute.")
FAILED_MESSAGE = gettext_lazy("Something went wrong on our side. Please try again in a minute.")


def database_unreachable(error: BaseException | None) -> bool:
    """OperationalError covers a refused or timed-out connection and the pool's timeout; InterfaceError a
    connection that broke."""
    return isinstance(error, OperationalError | InterfaceError)


def service_unavailable(request):
    """The 503 a reader (or a script) gets while the database is unreachable."""
    if wants_json(request):
        response = JsonResponse({"error": str(UNAVAILABLE_MESSAGE)}, status=503)
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def server_error(request):
    if database_unreachable(sys.exc_info()[1]):
        return service_unavailable(request)
    if wants_json(request):
        return JsonResponse({"error": str(FAILED_MESSAGE)}, status=500)
    return django_server_error(request)
