"""Serves: requests no page can answer are refused before any view, cache or database sees them (400)."""

from urllib.parse import unquote_to_bytes

from django.core.exceptions import SuspiciousOperation


class NulByteInRequest(SuspiciousOperation):
    """PostgreSQL refuses NUL in text, so a NUL reaching a query would be a 500; no URL or search needs one."""


class RejectNulBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Django answers a SuspiciousOperation with 400 (the site's page) and logs it to django.security.
        if "\x00" in request.path:
            raise NulByteInRequest("NUL byte in the request path.")
        if b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")):
            raise NulByteInRequest("NUL byte in the query string.")
        return self.get_response(request)
