"""sitemap.xml (sections and articles, with lastmod) and a Google News sitemap of the last 48 hours."""

from django.contrib.sitemaps import Sitemap
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
        return sorted(selectors.category_tree().values(), key=lambda c: c.pk)


class ArticleSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.6
    limit = 10_000

    def items(self):
        return Article.objects.published().only("slug", "published_at", "updated_at").order_by("-published_at", "-id")

    def lastmod(self, item: Article):
        return max(item.updated_at, item.published_at)


SITEMAPS = {"home": HomeSitemap, "sections": SectionSitemap, "articles": ArticleSitemap}
