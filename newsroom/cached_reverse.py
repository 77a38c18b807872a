"""Defines: `reverse()` worked out once per process: an article's, section's or tag's URL without running the resolver
on every page that links to it (a page links to ~30 of them; each `reverse()` costs ~50 µs).

A URL with one slug or number in it is `prefix + value + suffix`: the two parts are found once per view name
(by reversing a sentinel value), and a value made only of characters that `reverse()` leaves as they are (a
slug's, a number's) is put between them — the same string `reverse()` returns, without the resolver. Any
other value (a tag name with a space or an accent, say) goes through `reverse()` itself, remembered.
"""

import re
from functools import lru_cache

from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

# Characters `reverse()` copies into a URL unchanged, and that the `slug` and `int` converters accept.
_VERBATIM = re.compile(r"[-a-zA-Z0-9_]+")
_SENTINEL = "zq0sentinel0qz"  # a valid slug and a valid `str` value; never part of a route's fixed text
_NUMBER_SENTINEL = 987654321012345


@lru_cache(maxsize=50_000)
def _reverse(urlconf, prefix: str, viewname: str, slug: str) -> str:
    return reverse(viewname, urlconf=urlconf, kwargs={"slug": slug})


@lru_cache(maxsize=256)
def _around(urlconf, prefix: str, viewname: str, kwarg: str, sentinel: str | int) -> tuple[str, str] | None:
    """The text before and after the value in `viewname`'s URL; None when the sentinel is not found once."""
    url = reverse(viewname, urlconf=urlconf, kwargs={kwarg: sentinel})
    parts = url.split(str(sentinel))
    return (parts[0], parts[1]) if len(parts) == 2 else None


def cached_reverse(viewname: str, *, slug: str) -> str:
    """`reverse(viewname, kwargs={"slug": slug})`, the same for the same URL configuration and script prefix."""
    urlconf, prefix = get_urlconf(), get_script_prefix()
    if _VERBATIM.fullmatch(slug):
        around = _around(urlconf, prefix, viewname, "slug", _SENTINEL)
        if around is not None:
            return f"{around[0]}{slug}{around[1]}"
    return _reverse(urlconf, prefix, viewname, slug)


def cached_reverse_pk(viewname: str, *, pk: int) -> str:
    """`reverse(viewname, kwargs={"pk": pk})` for a route taking one number (`<int:pk>`)."""
    urlconf, prefix = get_urlconf(), get_script_prefix()
    around = _around(urlconf, prefix, viewname, "pk", _NUMBER_SENTINEL)
    if around is None or not isinstance(pk, int) or pk < 0:
        return reverse(viewname, urlconf=urlconf, kwargs={"pk": pk})
    return f"{around[0]}{pk}{around[1]}"


@lru_cache(maxsize=256)
def _fixed(urlconf, prefix: str, viewname: str) -> str:
    return reverse(viewname, urlconf=urlconf)


def cached_url(viewname: str) -> str:
    """`reverse(viewname)` for a route without arguments (the feeds, search, home: on every page)."""
    return _fixed(get_urlconf(), get_script_prefix(), viewname)


def tag_url(tag) -> str:
    """A tag's page: taggit's `Tag.get_absolute_url` (`ABSOLUTE_URL_OVERRIDES` in settings)."""
    return tag_path(tag.slug)


def tag_path(slug: str) -> str:
    """The page of the tag with `slug`; "" where no address can hold it — empty (stored before `articles.tags.slugs`),
    or with a "/" (written around the admin): no page to link to or render ahead, and no 500."""
    if not slug:
        return ""
    try:
        return cached_reverse("articles:tag", slug=slug)
    except NoReverseMatch:
        return ""
