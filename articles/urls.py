from django.urls import path

from articles import feeds, views, vote_views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("latest/", views.latest, name="latest"),
    path("news/<slug:slug>/", views.article_detail, name="detail"),
    path("preview/<int:pk>/", views.article_preview, name="preview"),
    path("section/<slug:slug>/", views.category_detail, name="category"),
    path("section/<slug:slug>/feed/", views.public_cache(feeds.SectionFeed()), name="category-feed"),
    path("section/<slug:slug>/atom/", views.public_cache(feeds.SectionAtomFeed()), name="category-atom"),
    path("tag/<str:slug>/", views.tag_detail, name="tag"),
    path("tag/<str:slug>/feed/", views.public_cache(feeds.TagFeed()), name="tag-feed"),
    path("tag/<str:slug>/atom/", views.public_cache(feeds.TagAtomFeed()), name="tag-atom"),
    path("search/", views.search, name="search"),
    path("feed/", views.public_cache(feeds.LatestArticlesFeed()), name="feed"),
    path("atom/", views.public_cache(feeds.LatestArticlesAtomFeed()), name="atom"),
    path("news/<int:pk>/vote/", vote_views.vote, name="vote"),
    path("news/<int:pk>/seen/", vote_views.view_beacon, name="view_beacon"),
]
