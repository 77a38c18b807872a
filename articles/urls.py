from django.urls import path

from articles import feeds, views
from articles.engagement import endpoints
from newsroom.http_cache import public_cache

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("latest/", views.latest, name="latest"),
    path("most-read/", views.most_read, name="most_read"),
    path("news/<slug:slug>/", views.article_detail, name="detail"),
    path("preview/<int:pk>/", views.article_preview, name="preview"),
    path("section/<slug:slug>/", views.section_detail, name="section"),
    path("section/<slug:slug>/feed/", public_cache(feeds.SectionFeed()), name="section-feed"),
    path("section/<slug:slug>/atom/", public_cache(feeds.SectionAtomFeed()), name="section-atom"),
    path("tag/<str:slug>/", views.tag_detail, name="tag"),
    path("tag/<str:slug>/feed/", public_cache(feeds.TagFeed()), name="tag-feed"),
    path("tag/<str:slug>/atom/", public_cache(feeds.TagAtomFeed()), name="tag-atom"),
    path("search/", views.search, name="search"),
    path("feed/", public_cache(feeds.LatestArticlesFeed()), name="feed"),
    path("atom/", public_cache(feeds.LatestArticlesAtomFeed()), name="atom"),
    path("news/<int:pk>/vote/", endpoints.vote, name="vote"),
    path("news/<int:pk>/seen/", endpoints.seen, name="seen"),
]
