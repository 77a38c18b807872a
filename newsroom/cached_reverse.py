"""`reverse()` remembered per process: an article's, section's or tag's URL is worked out once, not on every
page that links to it (a page links to ~30 of them; each `reverse()` costs ~50 µs)."""

from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse


@lru_cache(maxsize=50_000)
def _reverse(urlconf, prefix: str, viewname: str, slug: str) -> str:
    return reverse(viewname, urlconf=urlconf, kwargs={"slug": slug})


def cached_reverse(viewname: str, *, slug: str) -> str:
    """`reverse(viewname, kwargs={"slug": slug})`, the same for the same URL configuration and script prefix."""
    return _reverse(get_urlconf(), get_script_prefix(), viewname, slug)


def tag_url(tag) -> str:
    """A tag's page: taggit's `Tag.get_absolute_url` (`ABSOLUTE_URL_OVERRIDES` in settings).

    "" for a tag stored with an empty slug (before `articles.tags.slugs`): no page to link to, and no 500.
    """
    if not tag.slug:
        return ""
    return cached_reverse("articles:tag", slug=tag.slug)
