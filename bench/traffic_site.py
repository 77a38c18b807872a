"""Reads: what the traffic model (bench/traffic.py) asks for, from the bench database: the newest 200 stories, the
archive, the sections, the tags by use and search words from headlines. Runs in the bench environment
(`python bench/traffic_site.py` prints JSON; `python bench/traffic_site.py drop PATH…` forgets those pages' copies)."""

import json
import re
import sys
from collections import Counter
from pathlib import Path

NEWEST = 200
SEARCH_WORDS = 50


def site() -> dict:
    import django

    django.setup()
    from django.db.models import Count
    from django.urls import reverse
    from taggit.models import Tag

    from articles.models import Article, Section

    published = Article.objects.published().order_by("-published_at", "-pk")
    newest = list(published.values_list("pk", "slug")[:NEWEST])
    archive = [f"/news/{slug}/" for slug in published.values_list("slug", flat=True)[NEWEST:]]
    tags = Tag.objects.annotate(n=Count("articles_taggedarticle_items")).filter(n__gt=0).order_by("-n", "pk")
    words = Counter(
        word.lower()
        for title in published.values_list("title", flat=True)[:2000]
        for word in re.findall(r"[A-Za-z]{5,}", title)
    )
    return {
        "articles": Article.objects.count(),
        "newest": [f"/news/{slug}/" for _, slug in newest],
        "newest_pks": [pk for pk, _ in newest],
        "archive": archive,
        "sections": [section.get_absolute_url() for section in Section.objects.order_by("pk")],
        "tags": [reverse("articles:tag", kwargs={"slug": slug}) for slug in tags.values_list("slug", flat=True)[:500]],
        "searches": [word for word, _ in words.most_common(SEARCH_WORDS)],
    }


def drop(paths: list[str]) -> None:
    """Forget the shared copies of these story pages, as served at http://127.0.0.1 (the bench's host)."""
    import django

    django.setup()
    from articles.page_cache import drop_copy
    from newsroom.cache import page_key

    for path in paths:
        drop_copy(page_key(scheme="http", host="127.0.0.1", path=path, query={}))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    if sys.argv[1:2] == ["drop"]:
        drop(sys.argv[2:])
    else:
        print(json.dumps(site()))
