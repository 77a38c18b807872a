"""Serves: reader pages: front, article, section, tag, author, latest, most read, search, robots.txt, news sitemap."""

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.sites.shortcuts import get_current_site
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from taggit.models import Tag

from articles import listings, related, search_hints, sections
from articles import search as site_search
from articles.article_query import ARTICLE_PAGE_RELATED, published_article
from articles.article_tags import tags_of, with_tags
from articles.authors.models import Author
from articles.corrections import notes
from articles.editor.embeds import frame_origins_in
from articles.editor.previews import may_preview
from articles.engagement import voters
from articles.engagement.ranking import rank_popular_articles, rank_trending_articles
from articles.models import Article, SlugRedirect
from articles.related import RELATED_LIMIT
from articles.seo import absolute_url, article_meta, listing_seo
from articles.stitching import PLACEHOLDERS, ArticlePage, related_listed
from articles.widgets import RANKING_LIMIT, front_blocks
from newsroom.browser_policies import allow_frames
from newsroom.cache import SECTION_TREE_KEY, kept_until_changed, page_parameters
from newsroom.cache_entries import prefetch
from newsroom.fragments import respond
from newsroom.http_cache import public_cache, signed_in_user

PAGE_SIZE = 20
HOME_LATEST = 11  # the lead story and ten more
MOST_READ_LIMIT = 10


def paginate(request, items) -> Page:
    """The requested page; a page past the end shows the last one, a non-number is a 404."""
    raw = request.GET.get("page", "1")
    try:
        number = int(raw)
    except ValueError:
        raise Http404("That page number is not a number.") from None
    paginator = Paginator(items, PAGE_SIZE)
    return paginator.get_page(max(number, 1))


@page_parameters()
@require_safe
@public_cache
def home(request):
    """The front page: each story once, in its most prominent slot — the lead, Latest, the section blocks (the
    newest of each section not in Latest), then Ranking and Recommendation (`widgets.front_blocks`)."""
    latest = list(listings.latest_articles()[:HOME_LATEST])
    section_blocks = listings.section_blocks(exclude_ids=[a.pk for a in latest])
    shown_above = frozenset(a.pk for a in [*latest, *(a for _, items in section_blocks for a in items)])
    context = {
        "lead": latest[0] if latest else None,
        "latest": latest[1:],
        "total": listings.published_total(),
        "section_blocks": section_blocks,
        "blocks_html": front_blocks(shown_above=shown_above).html_for(),
        "canonical_url": absolute_url(request, reverse("articles:home")),
    }
    return render(request, "articles/home.html", context)


@page_parameters()
@require_safe
def article_detail(request, slug: str):
    """The article: one shared copy for every anonymous reader; with `?my-vote` (where a vote without JavaScript
    leads), the page as this reader sees it — their vote pressed, the count just committed — never cached."""
    if voters.MY_VOTE_PARAMETER in request.GET:
        return _personal_article_detail(request, slug)
    return _shared_article_detail(request, slug)


@public_cache
def _shared_article_detail(request, slug: str):
    return _article_by_slug(request, slug, mine=False)


@never_cache
def _personal_article_detail(request, slug: str):
    response = _article_by_slug(request, slug, mine=True)
    response["X-Robots-Tag"] = "noindex"
    return response


def _article_by_slug(request, slug: str, *, mine: bool):
    article = published_article(slug)  # one query (its tags with it), compiled once per process
    if article is None:
        moved = SlugRedirect.objects.filter(old_slug=slug, article__in=Article.objects.published()).first()
        if moved is None:
            raise Http404("No article at this address.")
        return redirect(moved.article, permanent=True)
    return _render_article(request, article, preview=False, mine=mine)


@never_cache
@staff_member_required
def article_preview(request, pk: int):
    """Staff see drafts and scheduled articles as readers will; never cached, never indexed."""
    article = get_object_or_404(with_tags(Article.objects.select_related(*ARTICLE_PAGE_RELATED)), pk=pk)
    if not may_preview(request.user, article):  # a colleague's draft or embargoed story: as if it did not exist
        raise Http404("No article to preview.")
    response = _render_article(request, article, preview=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _render_article(request, article: Article, *, preview: bool, mine: bool = False):
    tags = tags_of(article)  # read with the article (`with_tags`): no query of their own
    # Signed-in readers, and anyone at `?my-vote`, get pages of their own (never cached): their vote, and a token
    # for the form. Anonymous readers' pages are shared: nothing of theirs in them, not even a look at the session.
    personal = mine or signed_in_user(request) is not None
    tag_ids = [t.pk for t in tags]
    language = get_language()
    prefetch(  # one round trip for the cached entries below, instead of one each
        SECTION_TREE_KEY,
        related.candidates_key(article_id=article.pk, tag_ids=tag_ids, limit=RELATED_LIMIT + RANKING_LIMIT),
    )
    breadcrumb, top_section_id = sections.breadcrumb_and_top(article.section_id)
    # The story's own part: the header menu, Ranking and Recommendation are stitched in when it is served.
    fragment = ArticlePage(
        article_id=article.pk,
        section_id=article.section_id,
        top_section_id=top_section_id,
        language=language,
        related=related_listed(article, tag_ids),
    )
    context = {
        "article": article,
        "breadcrumb": breadcrumb,
        "tags": tags,
        "preview": preview,
        "slots": PLACEHOLDERS,
        "meta": (meta := article_meta(request, article, preview=preview)),
        "canonical_url": meta.canonical_url,
        "noindex": meta.noindex or mine,
        "page_section_id": article.section_id,
        "personal": personal,
        "corrections": notes.page_notes(article),
        "has_voted": personal and voters.vote_has(article_id=article.pk, voter_key=voters.existing_voter_key(request)),
    }
    response = respond(render(request, "articles/article_detail.html", context), fragment)
    return allow_frames(request, response, frame_origins_in(article.body))  # its embeds' hosts, no others


@page_parameters("page")
@require_safe
@public_cache
def section_detail(request, slug: str):
    section = sections.section_by_slug(slug)
    if section is None:
        raise Http404("No section at this address.")
    page = paginate(request, listings.latest_articles(section=section))
    ranking = rank_popular_articles(section=section)
    context = {
        "section": section,
        "breadcrumb": sections.breadcrumb_for_section(section.pk),
        "page": page,
        "ranking": ranking,
        "page_section_id": section.pk,
        **listing_seo(request, page),
    }
    return render(request, "articles/section_detail.html", context)


@page_parameters("page")
@require_safe
@public_cache
@kept_until_changed
def latest(request):
    """Every published article, newest first: the paginated archive behind the front page."""
    page = paginate(request, listings.latest_articles())
    breadcrumb = [sections.home_crumb(), sections.Crumb(_("Latest"), request.path)]
    context = {"breadcrumb": breadcrumb, "page": page, **listing_seo(request, page)}
    return render(request, "articles/latest.html", context)


@page_parameters("page")
@require_safe
@public_cache
@kept_until_changed
def tag_detail(request, slug: str):
    tag = get_object_or_404(Tag, slug=slug)
    page = paginate(request, listings.tagged_articles(tag=tag))
    breadcrumb = [sections.home_crumb(), sections.Crumb(_("Tag: %(name)s") % {"name": tag.name}, request.path)]
    context = {"tag": tag, "breadcrumb": breadcrumb, "page": page, **listing_seo(request, page)}
    return render(request, "articles/tag_detail.html", context)


@page_parameters("page")
@require_safe
@public_cache
@kept_until_changed
def author_detail(request, slug: str):
    """An author's page: name, photo, bio and their stories, newest first."""
    author = Author.objects.select_related("photo").filter(slug=slug).first()
    if author is None:
        raise Http404("No author at this address.")
    page = paginate(request, listings.author_articles(author=author))
    breadcrumb = [sections.home_crumb(), sections.Crumb(author.name, request.path)]
    context = {"author": author, "breadcrumb": breadcrumb, "page": page, **listing_seo(request, page)}
    return render(request, "articles/author_detail.html", context)


@page_parameters(*site_search.SEARCH_PARAMETERS)
@require_safe
@public_cache
def search(request):
    """Search results with snippets, filters and "did you mean"; reads `site_search.SEARCH_PARAMETERS` only."""
    options = site_search.parse_search(request.GET)
    page = suggestion = None
    if options.query:
        page = paginate(request, site_search.search_articles(options))
        page.object_list = list(page.object_list)
        search_hints.add_snippets(page.object_list, options.query)
        if page.paginator.count < search_hints.SUGGEST_BELOW:
            suggestion = search_hints.suggest_query(options.query)
    context = {
        "options": options,
        "query": options.query,
        "page_query": urlencode(options.parameters()),
        "suggestion": suggestion,
        "suggestion_query": urlencode(options.parameters(q=suggestion)) if suggestion else "",
        "section_choices": site_search.section_choices(),
        "max_length": site_search.SEARCH_MAX_LENGTH,
        "results_limit": site_search.SEARCH_RESULTS_LIMIT,
        "page": page,
        "canonical_url": absolute_url(request, reverse("articles:search")),
        "noindex": True,
    }
    return render(request, "articles/search.html", context)


@page_parameters()
@require_safe
@public_cache
def most_read(request):
    """The most read articles of the last day, week and month, and what is trending now."""
    rankings = [
        (_("Trending now"), rank_trending_articles(limit=MOST_READ_LIMIT)),
        (_("Last 24 hours"), rank_popular_articles(window=timedelta(hours=24), limit=MOST_READ_LIMIT)),
        (_("Last 7 days"), rank_popular_articles(window=timedelta(days=7), limit=MOST_READ_LIMIT)),
        (_("Last 30 days"), rank_popular_articles(window=timedelta(days=30), limit=MOST_READ_LIMIT)),
    ]
    breadcrumb = [sections.home_crumb(), sections.Crumb(_("Most read"), request.path)]
    context = {
        "breadcrumb": breadcrumb,
        "rankings": rankings,
        "canonical_url": absolute_url(request, reverse("articles:most_read")),
    }
    return render(request, "articles/most_read.html", context)


@page_parameters()
@require_safe
@public_cache
def robots_txt(request):
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        "Disallow: /preview/",
        f"Disallow: {reverse('articles:search')}",
        "",
        f"Sitemap: {absolute_url(request, reverse('sitemap'))}",
        f"Sitemap: {absolute_url(request, reverse('news-sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@page_parameters()
@require_safe
@public_cache
def news_sitemap(request):
    """Google News sitemap: articles published in the last 48 hours, newest first."""
    site = get_current_site(request)
    context = {
        "articles": listings.news_sitemap_articles(),
        "site_name": site.name,
        "base_url": f"{request.scheme}://{site.domain}",
    }
    return render(request, "articles/news_sitemap.xml", context, content_type="application/xml; charset=utf-8")
