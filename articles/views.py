from functools import wraps

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.sites.shortcuts import get_current_site
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from taggit.models import Tag

from articles import selectors
from articles.models import Article, SlugRedirect
from articles.popularity import rank_popular_articles

PAGE_SIZE = 20
HOME_LATEST = 11  # the lead story and ten more

# Shared caches (a CDN) may keep public pages for a few minutes and serve them stale while refetching.
PUBLIC_CACHE = {"public": True, "max_age": 60, "s_maxage": 300, "stale_while_revalidate": 600}


def public_cache(view):
    """Mark successful anonymous GETs cacheable; signed-in users and pages showing a message never are."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        messages = getattr(request, "_messages", None)
        personal = request.user.is_authenticated or (messages is not None and messages.used)
        if personal:
            add_never_cache_headers(response)
        elif request.method in ("GET", "HEAD") and response.status_code == 200:
            patch_cache_control(response, **PUBLIC_CACHE)
        return response

    return wrapped


def paginate(request, items) -> Page:
    """The requested page; a page past the end shows the last one, a non-number is a 404."""
    raw = request.GET.get("page", "1")
    try:
        number = int(raw)
    except ValueError:
        raise Http404("That page number is not a number.") from None
    paginator = Paginator(items, PAGE_SIZE)
    return paginator.get_page(max(number, 1))


def listing_seo(request, page: Page) -> dict:
    """Page 1 is the canonical listing; later pages and odd `?page=` values are not indexed."""
    path = request.path if page.number == 1 else f"{request.path}?page={page.number}"
    return {"canonical_url": selectors.absolute_url(request, path), "noindex": "page" in request.GET}


@require_safe
@public_cache
def home(request):
    latest = list(selectors.latest_articles()[:HOME_LATEST])
    widgets = selectors.reader_widgets()
    context = {
        "lead": latest[0] if latest else None,
        "latest": latest[1:],
        "total": selectors.latest_articles().count(),
        "section_blocks": selectors.section_blocks(),
        "widgets": widgets,
        "canonical_url": selectors.absolute_url(request, reverse("articles:home")),
    }
    return render(request, "articles/home.html", context)


@require_safe
@public_cache
def article_detail(request, slug: str):
    article = Article.objects.published().select_related("category").filter(slug=slug).first()
    if article is None:
        moved = SlugRedirect.objects.filter(old_slug=slug, article__in=Article.objects.published()).first()
        if moved is None:
            raise Http404("No article at this address.")
        return redirect(moved.article, permanent=True)
    return _render_article(request, article, preview=False)


@never_cache
@staff_member_required
def article_preview(request, pk: int):
    """Staff see drafts and scheduled articles as readers will; never cached, never indexed."""
    article = get_object_or_404(Article.objects.select_related("category"), pk=pk)
    response = _render_article(request, article, preview=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _render_article(request, article: Article, *, preview: bool):
    tags = list(article.tags.all())
    context = {
        "article": article,
        "breadcrumb": selectors.breadcrumb_for_category(article.category_id),
        "tags": tags,
        "preview": preview,
        "widgets": selectors.reader_widgets(article=article, tag_ids=[t.pk for t in tags]),
        "canonical_url": selectors.absolute_url(request, article.get_absolute_url()),
        "noindex": preview,
        "current_section_id": selectors.top_section_id(article.category_id),
    }
    return render(request, "articles/article_detail.html", context)


@require_safe
@public_cache
def category_detail(request, slug: str):
    category = selectors.category_by_slug(slug)
    if category is None:
        raise Http404("No section at this address.")
    page = paginate(request, selectors.latest_articles(category=category))
    context = {
        "category": category,
        "breadcrumb": selectors.breadcrumb_for_category(category.pk),
        "page": page,
        "ranking": rank_popular_articles(category=category),
        "current_section_id": selectors.top_section_id(category.pk),
        **listing_seo(request, page),
    }
    return render(request, "articles/category_detail.html", context)


@require_safe
@public_cache
def latest(request):
    """Every published article, newest first: the paginated archive behind the front page."""
    page = paginate(request, selectors.latest_articles())
    breadcrumb = [selectors.Crumb("Home", reverse("articles:home")), selectors.Crumb("Latest", request.path)]
    context = {"breadcrumb": breadcrumb, "page": page, **listing_seo(request, page)}
    return render(request, "articles/latest.html", context)


@require_safe
@public_cache
def tag_detail(request, slug: str):
    tag = get_object_or_404(Tag, slug=slug)
    page = paginate(request, selectors.latest_articles().filter(tags=tag))
    breadcrumb = [selectors.Crumb("Home", reverse("articles:home")), selectors.Crumb(f"Tag: {tag.name}", request.path)]
    context = {"tag": tag, "breadcrumb": breadcrumb, "page": page, **listing_seo(request, page)}
    return render(request, "articles/tag_detail.html", context)


@require_safe
@public_cache
def search(request):
    query, shortened = selectors.clean_search_query(request.GET.get("q", ""))
    page = paginate(request, selectors.search_articles(query)) if query else None
    context = {
        "query": query,
        "shortened": shortened,
        "max_length": selectors.SEARCH_MAX_LENGTH,
        "page": page,
        "canonical_url": selectors.absolute_url(request, reverse("articles:search")),
        "noindex": True,
    }
    return render(request, "articles/search.html", context)


@require_safe
@public_cache
def robots_txt(request):
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        "Disallow: /preview/",
        f"Disallow: {reverse('articles:search')}",
        "",
        f"Sitemap: {selectors.absolute_url(request, reverse('sitemap'))}",
        f"Sitemap: {selectors.absolute_url(request, reverse('news-sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
@public_cache
def news_sitemap(request):
    """Google News sitemap: articles published in the last 48 hours, newest first."""
    site = get_current_site(request)
    context = {
        "articles": selectors.news_sitemap_articles(),
        "site_name": site.name,
        "base_url": f"{request.scheme}://{site.domain}",
    }
    return render(request, "articles/news_sitemap.xml", context, content_type="application/xml; charset=utf-8")
