"""Serves: X-Forwarded-* headers are believed only from our own proxies (`NEWSROOM_TRUSTED_PROXIES`).

Anyone can send `X-Forwarded-Proto: https`. Django reads it through `SECURE_PROXY_SSL_HEADER`, so from a stranger
it would change `request.scheme`: the canonical, Open Graph and JSON-LD URLs of a page that the page cache then
serves to every reader. This middleware, first in `MIDDLEWARE`, drops the forwarded headers of any request whose
peer is not one of our proxies, so nothing downstream (Django's security checks, `requester.client_ip`, views)
can believe them. Our proxies overwrite the headers they forward (`deploy/nginx.conf`).
"""

from newsroom.requester import is_trusted_proxy

FORWARDED_HEADERS = (
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_FORWARDED",
)


class UntrustedForwardedHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_trusted_proxy(request.META.get("REMOTE_ADDR", "")):
            for header in FORWARDED_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)
