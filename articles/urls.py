"""Defines: the reader site's URLs: pages, feeds, the engagement endpoints and the preview."""

from django.urls import path
from django.views.decorators.http import require_safe

from articles import feeds, views
from articles.engagement import endpoints
from newsroom.cache import page_parameters
from newsroom.http_cache import public_cache

app_name = "articles"


def feed_view(feed):
    """A feed answers GET and HEAD only, like every page (an OPTIONS or POST gets 405, not the feed); it reads
    no query parameter."""
    return page_parameters()(require_safe(public_cache(feed)))


urlpatterns = [
    path("", views.home, name="home"),
    path("latest/", views.latest, name="latest"),
    path("most-read/", views.most_read, name="most_read"),
    path("news/<slug:slug>/", views.article_detail, name="detail"),
    path("preview/<int:pk>/", views.article_preview, name="preview"),
    path("section/<slug:slug>/", views.section_detail, name="section"),
    path("section/<slug:slug>/feed/", feed_view(feeds.SectionFeed()), name="section-feed"),
    path("section/<slug:slug>/atom/", feed_view(feeds.SectionAtomFeed()), name="section-atom"),
    path("tag/<str:slug>/", views.tag_detail, name="tag"),
    path("tag/<str:slug>/feed/", feed_view(feeds.TagFeed()), name="tag-feed"),
    path("tag/<str:slug>/atom/", feed_view(feeds.TagAtomFeed()), name="tag-atom"),
    path("author/<slug:slug>/", views.author_detail, name="author"),
    path("author/<slug:slug>/feed/", feed_view(feeds.AuthorFeed()), name="author-feed"),
    path("search/", views.search, name="search"),
    path("feed/", feed_view(feeds.LatestArticlesFeed()), name="feed"),
    path("atom/", feed_view(feeds.LatestArticlesAtomFeed()), name="atom"),
    path("news/<int:pk>/vote/", endpoints.vote, name="vote"),
    path("news/<int:pk>/seen/", endpoints.seen, name="seen"),
    path("news/<int:pk>/seen.gif", endpoints.seen_image, name="seen-image"),
]
