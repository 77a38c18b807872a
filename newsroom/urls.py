"""Defines: the root URL map: health checks, the CSP report endpoint, the admin, sitemaps and the reader site."""

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from articles import views as article_views
from articles.sitemaps import SITEMAPS
from newsroom.cache import page_parameters
from newsroom.csp_reports import csp_report
from newsroom.views import favicon, healthz, readyz

handler500 = "newsroom.error_pages.server_error"  # the 503 page when the database is unreachable; JSON for fetches

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("favicon.ico", favicon, name="favicon"),
    path("csp-report", csp_report, name="csp-report"),
    path("admin/", admin.site.urls),
    path(
        "sitemap.xml",
        page_parameters("p")(require_safe(cache_control(public=True, max_age=600, s_maxage=600)(sitemap))),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path("news-sitemap.xml", article_views.news_sitemap, name="news-sitemap"),
    path("robots.txt", article_views.robots_txt, name="robots"),
    path("", include("articles.urls")),
]

if settings.NEWSROOM_SERVE_MEDIA:
    from django.urls import re_path
    from django.views.static import serve

    # `static()` adds nothing when DEBUG is off; `make serve` runs production settings and still needs uploads.
    # Kept a week, as deploy/nginx.conf's `expires 7d` says (a rendition's name is its original's, not a hash).
    media = cache_control(public=True, max_age=7 * 24 * 3600)(serve)
    prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns += [re_path(rf"^{prefix}(?P<path>.*)$", media, {"document_root": settings.MEDIA_ROOT})]
