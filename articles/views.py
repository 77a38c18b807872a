from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from taggit.models import Tag

from articles import selectors
from articles.models import Article, SlugRedirect

PAGE_SIZE = 20


def home(request):
    page = Paginator(selectors.latest_articles(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "articles/home.html", {"page": page})


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
    context = {
        "article": article,
        "breadcrumb": selectors.category_path(article.category_id),
        "tags": list(article.tags.all()),
        "preview": preview,
    }
    return render(request, "articles/article_detail.html", context)


def category_detail(request, slug: str):
    category = next((c for c in selectors.category_tree().values() if c.slug == slug), None)
    if category is None:
        raise Http404("No section at this address.")
    page = Paginator(selectors.latest_articles(category=category), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"category": category, "breadcrumb": category.path(), "page": page}
    return render(request, "articles/category_detail.html", context)


def tag_detail(request, slug: str):
    tag = get_object_or_404(Tag, slug=slug)
    articles = selectors.latest_articles().filter(tags=tag)
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "articles/tag_detail.html", {"tag": tag, "page": page})
