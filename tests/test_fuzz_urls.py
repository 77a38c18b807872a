"""Issue 11, "attack tests that keep it so": hostile paths, query strings and bodies on every URL pattern the
site has (walked from the URL resolver, so a new page is fuzzed the day it is added) never get a 500.

Two layers, both bounded in time (the whole module runs in well under a minute):
- a sweep: every public pattern with every hostile segment below, in turn on GET, HEAD, POST and OPTIONS,
  so each known trick is tried on each page whatever the random draw;
- Hypothesis: random patterns (the admin's too, anonymous and as an editor), segments, query strings,
  bodies and headers, shrunk to the smallest request that fails. Derandomised in CI (a red run is a real
  bug, never a lucky draw); random locally, so each run explores a little more.
"""

import os
import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "200")),
    deadline=timedelta(seconds=3),  # one request; a slow first render (templates compiling) stays under it
    derandomize=bool(os.environ.get("CI")),
    database=None,  # no .hypothesis/ folder in the work tree; a failure prints its reproducer instead
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Path segments an attacker tries. "%.." strings are sent as typed (the server unquotes them); the rest are
# sent raw and percent-encoded in turn. "{valid}" stands for a real slug or id, so views get past the lookup.
HOSTILE_SEGMENTS = [
    "{valid}",
    "\x00",
    "%00",
    "a\x00b",
    "x" * 5000,
    "9" * 40,
    "2147483648",
    "9223372036854775808",
    "-1",
    "0",
    "1e309",
    "..",
    "../../../../etc/passwd",
    "%2e%2e%2f%2e%2e%2f",
    "%252e%252e%252f",
    "%",
    "%zz",
    "%ff%fe",
    "%c0%af",
    "%e2%80",
    "é",
    "\uff57\uff52\uff12",  # full-width "wr2"
    "\u202eevil",
    "\ufeff",
    "😀" * 50,
    "İı",
    "' OR '1'='1' --",
    "1; DROP TABLE articles_article; --",
    '1" AND SLEEP(5) --',
    "<script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "{{7*7}}{% debug %}",
    "${7*7}",
    "\r\nSet-Cookie: pwned=1",
    "//evil.example",
    "\\\\evil.example",
    " ",
    "a/b",
]
PARAM_NAMES = ["q", "page", "p", "o", "next", "sort", "format", "e", "all", "_popup", "_to_field", "term", "cursor",
               "app_label", "model_name", "field_name", "section__id__exact", "status__exact", "utm"]  # fmt: skip
QUERY_STRINGS = ["", "q=%00", "page=99999999999999999999", "page=-1", "page=%ff", "q=" + "a" * 5000, "%", "&&&==",
                 "q=%E2%80%AE", "next=//evil.example", "o=999.-1", "q=%27%20OR%201=1--", "a[]=1&a[]=2"]  # fmt: skip
BODY_TYPES = ["application/x-www-form-urlencoded", "application/json", "multipart/form-data; boundary=x",
              "multipart/form-data", "text/plain"]  # fmt: skip
METHODS = ["GET", "HEAD", "POST", "OPTIONS"]
CONVERTER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


def url_patterns(patterns=None, prefix: str = "") -> list[str]:
    """Every pattern the resolver knows, as one string: 'news/<slug:slug>/', 'admin/(?P<url>.*)$', …"""
    found = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            found += url_patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            found.append(prefix + str(entry.pattern))
    return found


PATTERNS = url_patterns()
ADMIN_PATTERNS = [p for p in PATTERNS if p.startswith("admin/")]
PUBLIC_PATTERNS = [p for p in PATTERNS if not p.startswith("admin/")] + ["admin/login/", "admin/"]


def fill(pattern: str, segment: str, valid: dict[str, str], *, encode: bool) -> str:
    """The pattern as a path, each placeholder replaced by `segment` ('{valid}': a real value for it)."""

    def value(match) -> str:
        if segment == "{valid}":
            return valid.get(match.groupdict().get("kind") or match["name"], valid["slug"])
        return quote(segment, safe="") if encode else segment

    route = REGEX_GROUP.sub(value, pattern.replace("^", "").replace("$", ""))
    return "/" + CONVERTER.sub(value, route)


@pytest.fixture
def newsroom(make_article, section):
    """A small site so lookups can succeed: a published story with a tag, a draft, and an editor."""
    story = make_article(title="Harbour reopens", slug="harbour-reopens", tags=["weather"])
    make_article(title="Draft", slug="a-draft", status=Article.Status.DRAFT)
    editor = User.objects.create_superuser("fuzz-editor", "fuzz@example.com", "a-long-password-1")
    valid = {"slug": story.slug, "int": str(story.pk), "path": str(story.pk), "object_id": str(story.pk),
             "str": "weather", "app_label": "articles", "url": "articles/article/"}  # fmt: skip
    return {"valid": valid, "editor": editor, "section": section}


def send(client: Client, method: str, path: str, *, query: str = "", body: bytes = b"", content_type: str = "",
         headers: dict | None = None):  # fmt: skip
    """One request as a browser or a script would send it; Django's test client re-raises a view's exception.
    The query string goes in as a WSGI server hands it over: its UTF-8 bytes, read as Latin-1."""
    extra = {"QUERY_STRING": query.encode("utf-8", "surrogatepass").decode("latin-1")} if query else {}
    if headers:
        extra.update({"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()})
    return client.generic(method, path, data=body, content_type=content_type or "text/plain", **extra)


def assert_no_server_error(response, method: str, path: str, query: str = "") -> None:
    where = f"{method} {path[:200]!r} ?{query[:200]!r}"
    assert response.status_code < 500, f"{where} answered {response.status_code}"


@pytest.mark.parametrize("pattern", PUBLIC_PATTERNS)
def test_every_hostile_segment_on_every_public_page(newsroom, pattern):
    """Each hostile segment on each public pattern, raw and percent-encoded, cycling through the methods."""
    client = Client()
    count = 0
    for n, segment in enumerate(HOSTILE_SEGMENTS):
        for encode in (False, True):
            method = METHODS[(n + encode) % len(METHODS)]
            path = fill(pattern, segment, newsroom["valid"], encode=encode)
            query = QUERY_STRINGS[n % len(QUERY_STRINGS)]
            response = send(client, method, path, query=query, body=b"action=vote&q=%00",
                            content_type=BODY_TYPES[0])  # fmt: skip
            assert_no_server_error(response, method, path, query)
            count += 1
            if "<" not in pattern and "(" not in pattern:
                break  # no placeholder: the segment changes nothing, the query string still does
    assert count >= 1


def segments():
    return st.one_of(
        st.sampled_from(HOSTILE_SEGMENTS),
        st.text(min_size=1, max_size=40),
        st.binary(min_size=1, max_size=20).map(lambda raw: quote(raw, safe="")),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
    )


def query_strings():
    pair = st.tuples(st.sampled_from(PARAM_NAMES) | st.text(max_size=8), segments())
    encoded = st.lists(pair, max_size=4).map(lambda pairs: "&".join(f"{quote(k)}={quote(v)}" for k, v in pairs))
    raw = st.lists(pair, max_size=3).map(lambda pairs: "&".join(f"{k}={v}" for k, v in pairs))
    return st.one_of(st.sampled_from(QUERY_STRINGS), encoded, raw)


def bodies():
    return st.one_of(
        st.just(b""),
        query_strings().map(lambda text: text.encode("utf-8", "surrogatepass")),
        st.binary(max_size=300),
        st.sampled_from([b'{"action": "vote"}', b"{", b"--x\r\nContent-Disposition: form-data\r\n\r\n", b"\x00" * 64]),
    )


def hostile_headers():
    names = st.sampled_from(["Accept", "Accept-Language", "Cookie", "Referer", "Origin", "Sec-Fetch-Site",
                             "X-Forwarded-For", "X-Forwarded-Proto", "If-None-Match", "If-Modified-Since",
                             "Range", "User-Agent", "X-Requested-With"])  # fmt: skip
    values = st.sampled_from(["application/json", "*/*", "sessionid=%00; csrftoken=x", "same-origin", "null",
                              "1.2.3.4, ::1, garbage", "javascript://", "W/\"x\", *", "bytes=-1", "en;q=abc",
                              "Sun, 99 Foo 9999 99:99:99 GMT", "XMLHttpRequest", "x" * 4000])  # fmt: skip
    return st.dictionaries(names, values | st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126)),
                           max_size=3)  # fmt: skip


def hostile_requests(patterns: list[str]):
    return st.fixed_dictionaries(
        {
            "pattern": st.sampled_from(patterns),
            "segment": segments(),
            "encode": st.booleans(),
            "method": st.sampled_from(METHODS),
            "query": query_strings(),
            "body": bodies(),
            "content_type": st.sampled_from(BODY_TYPES),
            "headers": hostile_headers(),
        }
    )


def run(client: Client, valid: dict, attack: dict) -> None:
    path = fill(attack["pattern"], attack["segment"], valid, encode=attack["encode"])
    body = attack["body"] if attack["method"] == "POST" else b""
    response = send(client, attack["method"], path, query=attack["query"], body=body,
                    content_type=attack["content_type"], headers=attack["headers"])  # fmt: skip
    assert_no_server_error(response, attack["method"], path, attack["query"])


@FUZZ
@given(attack=hostile_requests(PUBLIC_PATTERNS + ADMIN_PATTERNS))
def test_no_hostile_request_gets_a_500_from_a_reader(newsroom, attack):
    run(Client(), newsroom["valid"], attack)


@settings(FUZZ, max_examples=max(FUZZ.max_examples // 2, 1))
@given(attack=hostile_requests(ADMIN_PATTERNS))
def test_no_hostile_request_gets_a_500_from_the_admin_as_an_editor(newsroom, attack):
    """The admin's changelists, filters, autocomplete and forms take query strings an editor's browser may
    send mangled (a NUL in a filter was a 500); signed in, every pattern is reached, not just the login page."""
    client = Client()
    client.force_login(newsroom["editor"])
    run(client, newsroom["valid"], attack)


def test_the_walk_finds_every_kind_of_page():
    """The fuzzing above is only as wide as this list: reader pages, feeds, sitemaps, votes, beacons, admin."""
    for expected in ["", "news/<slug:slug>/", "section/<slug:slug>/atom/", "tag/<str:slug>/feed/", "sitemap.xml",
                     "news-sitemap.xml", "news/<int:pk>/vote/", "news/<int:pk>/seen/", "search/", "admin/login/",
                     "admin/articles/article/<path:object_id>/change/", "admin/autocomplete/"]:  # fmt: skip
        assert expected in PATTERNS
    assert fill("news/<int:pk>/vote/", "%00", {"slug": "s", "int": "7"}, encode=True) == "/news/%2500/vote/"
    assert fill("admin/(?P<url>.*)$", "{valid}", {"slug": "s", "url": "a/"}, encode=False) == "/admin/a/"


DESK_ROUTES = ["history/", "history/compare/?from=1&to=2", "review/submit/", "correction/", "autosave/", "lock/",
               "lock/take-over/"]  # fmt: skip


@pytest.mark.parametrize("object_id", ["1e309", "abc"])
def test_the_desks_pages_answer_404_to_an_article_id_that_is_not_one(newsroom, object_id):
    """Found by the fuzzing above: /admin/articles/article/1e309/history/compare/ was a 500 (the id went into a
    query as it came); it is a 404 like Django's own change page, on GET and POST alike."""
    client = Client()
    client.force_login(newsroom["editor"])
    for route in DESK_ROUTES:
        for method in ("GET", "POST"):
            response = client.generic(method, f"/admin/articles/article/{object_id}/{route}")
            assert response.status_code in (404, 405), (route, method, response.status_code)
    assert client.get(f"/admin/articles/article/{object_id}/history/").status_code == 404
