from django.urls import path

from articles import views, vote_views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("news/<slug:slug>/", views.article_detail, name="detail"),
    path("preview/<int:pk>/", views.article_preview, name="preview"),
    path("section/<slug:slug>/", views.category_detail, name="category"),
    path("tag/<str:slug>/", views.tag_detail, name="tag"),
    path("news/<int:pk>/vote/", vote_views.vote, name="vote"),
    path("news/<int:pk>/seen/", vote_views.view_beacon, name="view_beacon"),
]
