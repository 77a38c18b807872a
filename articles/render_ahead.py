"""Serves: story pages rendered ahead of readers — every published story's own part kept in the shared cache before
anyone asks for it, so the archive's long tail (a search engine's crawl, a link to last year's story) is a fragment
hit plus a stitch, not a render.

A story's part lives until it changes (`NEWSROOM_FRAGMENT_SECONDS`, days, is a safety net: docs/page-cache.md), so
once rendered it stays; what is left to render is the stories nobody has asked for since a cold start, an eviction
or the safety net. `render_ahead` finds those — the page copies absent from the shared cache, looked up a thousand
at a time in one round trip each — and renders each exactly as a reader's request would: an anonymous GET through
the whole middleware stack, so the page cache keeps it under its rebuild lock, with its purge marks, and a reader
asking at the same moment waits for that copy instead of rendering it twice. Newest first, since the newest are
likeliest to be read. A copy that is present but purged (an edit) is left to the next reader, as before.

Tag pages go first, the tags on the most published stories first: a tag's page is where a crawl and a reader's click
on a tag land, the tags' long tail is the lists' own first views, and a tag's page too is kept until something on it
changes (`newsroom.cache.kept_until_changed`). The front page and the sections' are not rendered ahead: they embed
Ranking, so their copies live minutes.

`manage.py render_ahead` runs it on the schedule (`deploy/scheduler.py`, deploy/systemd), within a time budget so
a cold archive fills over a few runs without starving readers; `--part K/N` splits the stories between N processes.
"""

import io
import logging
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sites.models import Site
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.core.handlers.base import BaseHandler
from django.core.handlers.wsgi import WSGIRequest
from django.db.models import Count

from articles.models import Article, TaggedArticle
from newsroom.cache import page_key
from newsroom.cache_backend import shared_cache_down
from newsroom.cached_reverse import cached_reverse, tag_path
from newsroom.round_trips import Call, in_one_round_trip

logger = logging.getLogger(__name__)

BATCH = 1000  # page copies looked up in one round trip
USER_AGENT = "newsroom-render-ahead"


@dataclass
class Done:
    tags: int = 0  # tag pages of this part
    stories: int = 0  # published stories of this part
    held: int = 0  # their copies found in the shared cache
    rendered: int = 0  # rendered now and kept
    failed: int = 0  # answered other than 200 (an error is logged by Django as for any request)
    out_of_time: bool = False  # the budget ran out before every story was looked at


def default_origin() -> str:
    """Where readers find the site: the sites framework's domain, over https where the site redirects to it."""
    scheme = "https" if settings.SECURE_SSL_REDIRECT else "http"
    return f"{scheme}://{Site.objects.get_current().domain}"


def render_ahead(origins: Iterable[str], *, part: tuple[int, int] = (0, 1), seconds: float | None = None) -> Done:
    """Render and keep the pages of the published stories (of `part`: the K-th of N, by id) whose copies the shared
    cache does not hold, for each origin (`https://news.example.com`), newest first, until done or `seconds` pass."""
    done = Done()
    if shared_cache_down(cache):
        return done  # nothing could be kept
    origins = [_split(origin) for origin in origins]
    deadline = None if seconds is None else time.monotonic() + seconds
    handler = BaseHandler()
    handler.load_middleware()
    index, parts = part
    slugs = [
        slug
        for pk, slug in Article.objects.published().order_by("-published_at", "-pk").values_list("pk", "slug")
        if pk % parts == index
    ]
    tags = tag_paths()[index::parts]
    done.tags, done.stories = len(tags), len(slugs)
    pending = [*tags, *(cached_reverse("articles:detail", slug=slug) for slug in slugs)]
    for start in range(0, len(pending), BATCH):
        paths = pending[start : start + BATCH]
        wanted = [(scheme, host, path) for path in paths for scheme, host in origins]
        keys = [page_key(scheme=scheme, host=host, path=path, query={}) for scheme, host, path in wanted]
        held = in_one_round_trip([Call("exists", key) for key in keys])
        if shared_cache_down(cache):
            return done  # gone meanwhile: nothing rendered now could be kept
        done.held += sum(held)
        for (scheme, host, path), found in zip(wanted, held, strict=True):
            if found:
                continue
            if deadline is not None and time.monotonic() >= deadline:
                done.out_of_time = True
                return done
            try:
                response = handler.get_response(_reader_request(scheme, host, path))
            except Exception:  # even the error page failed (Django raises then): the rest go on
                logger.exception("Rendering %s ahead failed", path)
                done.failed += 1
                continue
            if response.status_code == 200 and response.get("X-Page-Cache") == "miss":
                done.rendered += 1
            elif response.status_code != 200:
                done.failed += 1
            # Not `response.close()`: its `request_finished` would close the database connection after every page.
    return done


def tag_paths() -> list[str]:
    """The page of each tag on a published story, the tags on the most stories first (one query); a tag with no page
    (`tag_path`) is left out."""
    tags = (
        TaggedArticle.objects.filter(content_object__in=Article.objects.published())
        .values("tag__slug", "tag__name")
        .annotate(stories=Count("pk"))
        .order_by("-stories", "tag__name")
        .values_list("tag__slug", flat=True)
    )
    return [path for slug in tags if (path := tag_path(slug))]


def _split(origin: str) -> tuple[str, str]:
    """(scheme, host) of an origin readers use; refused where this site would refuse its readers' requests (a host
    not in `ALLOWED_HOSTS`: every render a 400, and a security error logged for each)."""
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        raise ValueError(f"{origin!r} is not an origin like https://news.example.com")
    try:
        _reader_request(parts.scheme, parts.netloc, "/").get_host()  # Django's own check of a request's host
    except DisallowedHost:
        raise ValueError(
            f"{parts.netloc!r} is not in ALLOWED_HOSTS: set the site's domain (admin, Sites) to where readers find it, "
            "or give --origin"
        ) from None
    return parts.scheme, parts.netloc


def _reader_request(scheme: str, host: str, path: str) -> WSGIRequest:
    """An anonymous reader's GET of `path` at `scheme://host`, as a server would pass it to Django."""
    name, _, port = host.partition(":")
    return WSGIRequest({
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": name,
        "SERVER_PORT": port or ("443" if scheme == "https" else "80"),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        "HTTP_USER_AGENT": USER_AGENT,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": scheme,
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
    })  # fmt: skip
