"""A small HTTP client for the topology tests: cookies kept (Secure ones too: no TLS here), redirects not followed,
the same browser sent to another server with `on` (what a load balancer does)."""

import http.client
import json
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str

    def json(self):
        return json.loads(self.body)


class HttpClient:
    """A browser enough for these tests: keeps cookies (Secure ones too: there is no TLS here), follows nothing."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None):
        self.port = port
        self.cookies = cookies if cookies is not None else {}

    def on(self, server) -> "HttpClient":
        """The same browser (the same cookies), talking to another server: what a load balancer does."""
        return HttpClient(server.port, self.cookies)

    def request(self, method: str, path: str, *, form: dict | None = None, headers: dict | None = None) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {"Host": f"127.0.0.1:{self.port}", "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        sent |= headers or {}
        try:
            connection.request(method, path, body=body, headers=sent)
            raw = connection.getresponse()
            response = Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, raw.read().decode())
            for header in raw.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    if morsel["max-age"] == "0" or morsel.value == "":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
        finally:
            connection.close()
        return response

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, form: dict | None = None, **kwargs) -> Response:
        return self.request("POST", path, form=form or {}, **kwargs)
