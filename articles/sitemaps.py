"""Reads: sitemap.xml (sections and articles, with lastmod) and a Google News sitemap of the last 48 hours."""

import copy

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from articles import sections
from articles.models import Article, Section
from newsroom.cache import EVERY_STORY, FRONT, shows_list
from newsroom.cached_reverse import cached_reverse


class HomeSitemap(Sitemap):
    changefreq = "hourly"
    priority = 1.0

    def items(self) -> list[str]:
        return ["articles:home"]

    def location(self, item: str) -> str:
        return reverse(item)


class SectionSitemap(Sitemap):
    changefreq = "hourly"
    priority = 0.8

    @shows_list(FRONT, EVERY_STORY)  # its stories' times of change: any save moves them
    def items(self) -> list[Section]:
        """Every section, with `lastmod` = its newest article change (sub-sections included). One query."""
        tree = sections.section_tree()
        changed = dict(
            Article.objects.published()
            .order_by()
            .values("section_id")
            .annotate(last=Max("updated_at"))
            .values_list("section_id", "last")
        )
        listed = []
        for kept in sorted(tree.values(), key=lambda s: s.pk):
            section = copy.copy(kept)  # the tree is the process's, shared by requests: not changed
            times = [changed[pk] for pk in sections.section_descendant_ids(section.pk) if pk in changed]
            section.sitemap_lastmod = max(times, default=None)
            listed.append(section)
        return listed

    def lastmod(self, item: Section):
        return item.sitemap_lastmod


class ArticleSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.6
    limit = 10_000

    @shows_list(FRONT, EVERY_STORY)  # addresses and dates: only a save changes them
    def items(self):
        """Rows, not articles: up to 10,000 a page, with no model to build for each."""
        published = Article.objects.published().indexable()
        return published.values("slug", "published_at", "updated_at").order_by("-published_at", "-id")

    def location(self, item: dict) -> str:
        return cached_reverse("articles:detail", slug=item["slug"])

    def lastmod(self, item: dict):
        return max(item["updated_at"], item["published_at"])


SITEMAPS = {"home": HomeSitemap, "sections": SectionSitemap, "articles": ArticleSitemap}
