"""Defines: embeds: a supported post or video URL on a line of its own becomes an embed rendered by our own template.

The stored body keeps only the URL (a paragraph, or a paragraph holding just a link to it), so it stays
plain, sanitised HTML; the embed is drawn at render time by `templates/editor/embed.html`: a placeholder
with a link and a "Load" button. Nothing is fetched from the provider until the reader presses it
(`static/editor/embeds.js`). Each provider names the hosts its frames load from (`Provider.frame_hosts`), once:
the iframe's src is built on them, and what any page may frame (`settings.NEWSROOM_EMBED_FRAME_HOSTS`) is
`frame_origins()` of them, so the two cannot disagree; a page's CSP `frame-src` names only the hosts of the
embeds it shows (`frame_origins_in`).

An `<iframe>` pasted from a supported provider's "embed" code is turned back into its URL before the
sanitiser runs (`frames_to_urls`), so it survives as an embed; any other iframe is removed and reported.
"""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

URL = r"https?://[^\s<>\"']+"


@dataclass(frozen=True)
class Provider:
    name: str
    kind: str  # "video", "post" or "chart": the placeholder's wording and the frame's shape
    url_patterns: tuple[re.Pattern, ...]  # a pasted URL; named groups feed `frame_path` and `canonical`
    frame_hosts: tuple[str, ...]  # where its iframes load from: the CSP's frame-src is built from these
    frame_path: Callable[[dict], str]  # the iframe's path (and query) on its host, from the URL's groups
    canonical: Callable[[dict], str]  # the URL stored in the body (and linked from the placeholder)
    frame_patterns: tuple[re.Pattern, ...] = ()  # an iframe src from the provider's own embed code

    def frame_src(self, groups: dict) -> str:
        """The iframe's src: on the provider's frame host (a Mastodon post: the server named in its URL)."""
        host = groups["host"].lower() if "host" in groups else self.frame_hosts[0]
        return f"https://{host}{self.frame_path(groups)}"


@dataclass(frozen=True)
class Embed:
    provider: Provider
    url: str
    frame_src: str

    @property
    def frame_host(self) -> str:
        return self.frame_src.split("/")[2]


def _p(pattern: str) -> re.Pattern:
    return re.compile(pattern + r"/?$", re.IGNORECASE)


def providers(mastodon_hosts: list[str] | None = None) -> list[Provider]:
    """The supported providers; Mastodon's servers are `NEWSROOM_EMBED_MASTODON_HOSTS` unless given."""
    if mastodon_hosts is None:
        mastodon_hosts = settings.NEWSROOM_EMBED_MASTODON_HOSTS
    mastodon = "|".join(re.escape(host) for host in mastodon_hosts) or "(?!)"
    return [
        Provider(
            name="YouTube",
            kind="video",
            url_patterns=(
                _p(r"https?://(?:www\.|m\.)?youtube\.com/watch\?(?:[^#\s]*&)?v=(?P<id>[\w-]{11})(?:&[^#\s]*)?"),
                _p(r"https?://youtu\.be/(?P<id>[\w-]{11})(?:\?[^#\s]*)?"),
                _p(r"https?://(?:www\.)?youtube\.com/shorts/(?P<id>[\w-]{11})"),
            ),
            frame_hosts=("www.youtube-nocookie.com",),
            frame_path=lambda g: f"/embed/{g['id']}",
            canonical=lambda g: f"https://www.youtube.com/watch?v={g['id']}",
            frame_patterns=(
                _p(r"https?://(?:www\.)?youtube(?:-nocookie)?\.com/embed/(?P<id>[\w-]{11})(?:\?[^#\s]*)?"),
            ),
        ),
        Provider(
            name="Vimeo",
            kind="video",
            url_patterns=(_p(r"https?://(?:www\.)?vimeo\.com/(?P<id>\d+)"),),
            frame_hosts=("player.vimeo.com",),
            frame_path=lambda g: f"/video/{g['id']}?dnt=1",
            canonical=lambda g: f"https://vimeo.com/{g['id']}",
            frame_patterns=(_p(r"https?://player\.vimeo\.com/video/(?P<id>\d+)(?:\?[^#\s]*)?"),),
        ),
        Provider(
            name="X",
            kind="post",
            url_patterns=(_p(r"https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/(?P<user>\w{1,15})/status/(?P<id>\d+)"),),
            frame_hosts=("platform.twitter.com",),
            frame_path=lambda g: f"/embed/Tweet.html?id={g['id']}&dnt=true",
            canonical=lambda g: f"https://x.com/{g.get('user') or 'i'}/status/{g['id']}",
            frame_patterns=(
                _p(r"https?://platform\.twitter\.com/embed/Tweet\.html\?(?:[^#\s]*&)?id=(?P<id>\d+)[^#\s]*"),
            ),
        ),
        Provider(
            name="Instagram",
            kind="post",
            url_patterns=(_p(r"https?://(?:www\.)?instagram\.com/(?P<type>p|reel)/(?P<id>[\w-]+)"),),
            frame_hosts=("www.instagram.com",),
            frame_path=lambda g: f"/{g['type']}/{g['id']}/embed/",
            canonical=lambda g: f"https://www.instagram.com/{g['type']}/{g['id']}/",
            frame_patterns=(
                _p(r"https?://(?:www\.)?instagram\.com/(?P<type>p|reel)/(?P<id>[\w-]+)/embed(?:/captioned)?"),
            ),
        ),
        Provider(
            name="Bluesky",
            kind="post",
            url_patterns=(_p(r"https?://bsky\.app/profile/(?P<actor>[\w.:-]+)/post/(?P<id>\w+)"),),
            frame_hosts=("embed.bsky.app",),
            frame_path=lambda g: f"/embed/{g['actor']}/app.bsky.feed.post/{g['id']}",
            canonical=lambda g: f"https://bsky.app/profile/{g['actor']}/post/{g['id']}",
            frame_patterns=(
                _p(r"https?://embed\.bsky\.app/embed/(?P<actor>[\w.:-]+)/app\.bsky\.feed\.post/(?P<id>\w+)"),
            ),
        ),
        Provider(
            name="Mastodon",
            kind="post",
            url_patterns=(_p(rf"https?://(?P<host>{mastodon})/@(?P<user>\w+)/(?P<id>\d+)"),),
            frame_hosts=tuple(mastodon_hosts),
            frame_path=lambda g: f"/@{g['user']}/{g['id']}/embed",
            canonical=lambda g: f"https://{g['host']}/@{g['user']}/{g['id']}",
            frame_patterns=(_p(rf"https?://(?P<host>{mastodon})/@(?P<user>\w+)/(?P<id>\d+)/embed"),),
        ),
        Provider(
            name="Datawrapper",
            kind="chart",
            url_patterns=(
                _p(r"https?://datawrapper\.dwcdn\.net/(?P<id>\w{5})(?:/\d+)?"),
                _p(r"https?://(?:www\.)?datawrapper\.de/_/(?P<id>\w{5})"),
            ),
            frame_hosts=("datawrapper.dwcdn.net",),
            frame_path=lambda g: f"/{g['id']}/",
            canonical=lambda g: f"https://datawrapper.dwcdn.net/{g['id']}/",
            frame_patterns=(_p(r"https?://datawrapper\.dwcdn\.net/(?P<id>\w{5})(?:/\d+)?"),),
        ),
        Provider(
            name="Flourish",
            kind="chart",
            url_patterns=(_p(r"https?://public\.flourish\.studio/(?P<type>visualisation|story)/(?P<id>\d+)"),),
            frame_hosts=("flo.uri.sh",),
            frame_path=lambda g: f"/{g['type']}/{g['id']}/embed",
            canonical=lambda g: f"https://public.flourish.studio/{g['type']}/{g['id']}/",
            frame_patterns=(_p(r"https?://flo\.uri\.sh/(?P<type>visualisation|story)/(?P<id>\d+)/embed"),),
        ),
    ]


def card_providers() -> list[dict]:
    """The providers as the editor's preview cards match them (`static/editor/embed-cards.js`): name, kind and the
    URL patterns in JavaScript's spelling, so a card shows exactly where the reader page will draw an embed."""
    return [
        {
            "name": provider.name,
            "kind": provider.kind,
            "patterns": ["^" + pattern.pattern.replace("(?P<", "(?<") for pattern in provider.url_patterns],
        }
        for provider in providers()
    ]


def frame_origins(mastodon_hosts: list[str]) -> list[str]:
    """Every origin an embed's iframe may load from: the most any page's CSP frame-src allows, and nothing more.

    The settings build `NEWSROOM_EMBED_FRAME_HOSTS` with it, so it reads no setting itself."""
    return [f"https://{host}" for provider in providers(mastodon_hosts) for host in provider.frame_hosts]


def embed_for_url(url: str) -> Embed | None:
    """The embed a pasted URL stands for, or None when no supported provider matches it."""
    url = url.strip()
    for provider in providers():
        for pattern in provider.url_patterns:
            if match := pattern.match(url):
                groups = match.groupdict()
                return Embed(provider=provider, url=provider.canonical(groups), frame_src=provider.frame_src(groups))
    return None


def url_for_frame(src: str) -> str | None:
    """The canonical URL behind a supported provider's iframe src (from its "embed" code), else None."""
    src = html.unescape(src.strip())
    if src.startswith("//"):
        src = "https:" + src
    for provider in providers():
        for pattern in provider.frame_patterns:
            if match := pattern.match(src):
                return provider.canonical(match.groupdict())
    return None


_FRAME = re.compile(
    r"<iframe\b[^>]*?\bsrc\s*=\s*(?P<q>[\"']?)(?P<src>[^\"'\s>]+)(?P=q)[^>]*>(?:.*?</iframe\s*>)?",
    re.IGNORECASE | re.DOTALL,
)


def frames_to_urls(html_text: str) -> str:
    """Replace each supported provider's `<iframe>` with its URL on a line of its own; leave the others."""

    def replace(match: re.Match) -> str:
        url = url_for_frame(match["src"])
        return f"<p>{html.escape(url)}</p>" if url else match[0]

    return _FRAME.sub(replace, html_text or "")


# A paragraph holding only a URL, bare or as a link to itself (what the editor makes of a pasted URL).
_URL_PARAGRAPH = re.compile(
    rf"<p>\s*(?:<a\b[^>]*\bhref=\"(?P<href>{URL})\"[^>]*>\s*(?P<linked>{URL})\s*</a>|(?P<bare>{URL}))\s*</p>",
    re.IGNORECASE,
)


def _embed_in(match: re.Match) -> Embed | None:
    url = html.unescape(match["bare"] or match["href"])
    if match["linked"] and html.unescape(match["linked"]) != url:
        return None  # a link whose text is another URL: the editor meant a link, not an embed
    return embed_for_url(url)


def render_embeds(body: str) -> SafeString:
    """Sanitised body HTML with each supported URL paragraph drawn as our click-to-load embed."""

    def replace(match: re.Match) -> str:
        embed = _embed_in(match)
        return render_to_string("editor/embed.html", {"embed": embed}).strip() if embed else match[0]

    return mark_safe(_URL_PARAGRAPH.sub(replace, body or ""))  # noqa: S308 — sanitised body + our template


def frame_origins_in(body: str) -> list[str]:
    """Where the embeds `render_embeds` draws from this body load their frames, each once: all its page frames
    (`newsroom.browser_policies.allow_frames`)."""
    found = (_embed_in(match) for match in _URL_PARAGRAPH.finditer(body or ""))
    return list(dict.fromkeys(f"https://{embed.frame_host}" for embed in found if embed))
