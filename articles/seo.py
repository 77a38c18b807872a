"""Reads: what search engines and link previews read: absolute URLs, canonical links, noindex, NewsArticle JSON-LD."""

from dataclasses import dataclass

from django.contrib.sites.shortcuts import get_current_site
from django.core.paginator import Page
from django.templatetags.static import static

from articles.corrections import notes
from articles.media import renditions
from articles.media.renditions import SOCIAL_CARD_SIZE
from articles.models import Article

# The site's own pictures (static files): the link-preview card of pages of no single story, and the logo.
SITE_CARD = "img/site-card.png"
SITE_CARD_SIZE = (1200, 630)
LOGO = "img/logo.png"
LOGO_SIZE = (600, 60)

META_DESCRIPTION_LENGTH = (120, 160)  # what search engines show in full; the admin's length hint


@dataclass(frozen=True)
class ArticleMeta:
    """What an article page's head says, with the editor's overrides applied and the defaults filled in."""

    title: str
    description: str
    social_title: str
    social_description: str
    canonical_url: str
    noindex: bool
    card_url: str  # absolute URL of the 1200x630 social card (the original until it is made), "" without a picture
    card_alt: str
    card_width: int | None = SOCIAL_CARD_SIZE[0]
    card_height: int | None = SOCIAL_CARD_SIZE[1]


def absolute_url(request, path: str) -> str:
    """`path` on the site's public domain (django.contrib.sites), as sitemaps and feeds build their links."""
    origin = getattr(request, "_site_origin", None)
    if origin is None:  # once per request (an article page asks three times; the sites framework ~5 µs each)
        origin = request._site_origin = f"{request.scheme}://{get_current_site(request).domain}"
    return f"{origin}{path}"


def listing_seo(request, page: Page) -> dict:
    """Page 1 is the canonical listing; later pages and odd `?page=` values are not indexed."""
    path = request.path if page.number == 1 else f"{request.path}?page={page.number}"
    return {"canonical_url": absolute_url(request, path), "noindex": "page" in request.GET}


def article_meta(request, article: Article, *, preview: bool = False) -> ArticleMeta:
    """Meta title/description, social title/description/card, canonical URL and noindex of an article page."""
    description = article.meta_description or article.summary or article.title
    card = article.card_image
    card_width, card_height = card.social_card_size if card else (None, None)
    return ArticleMeta(
        title=article.meta_title or article.title,
        description=description,
        social_title=article.social_title or article.title,
        social_description=article.social_description or description,
        canonical_url=article.canonical_url or absolute_url(request, article.get_absolute_url()),
        noindex=preview or article.noindex,
        card_url=absolute_url(request, card.social_card_url) if card else "",
        card_alt=card.alt if card else "",
        card_width=card_width,
        card_height=card_height,
    )


def author_name(byline: str) -> str:
    """A byline as a name: "By Jane Doe" is Jane Doe (feed readers and JSON-LD name the person)."""
    name = byline.strip()
    return name[3:].strip() if name[:3].lower() == "by " else name


def static_url(request, path: str) -> str:
    """The absolute URL of a static file (the site's card and logo)."""
    return absolute_url(request, static(path))


def _author(origin: str, article: Article, site) -> dict:
    name = author_name(article.byline)
    profile = article.author_page
    if profile is not None:
        return {"@type": "Person", "name": name or profile.name, "url": f"{origin}{profile.get_absolute_url()}"}
    return {"@type": "Person", "name": name} if name else {"@type": "Organization", "name": site.name}


def _images(origin: str, article: Article, card_url: str) -> list[str]:
    """The story's picture in 16:9, 4:3 and 1:1 (once its crops are made), then its link-preview card."""
    picture = article.card_image
    images = []
    if picture is not None and picture.crops_ready:
        images = [f"{origin}{renditions.url(name)}" for name in renditions.structured_data_names(picture)]
    elif article.hero_id:
        images = [f"{origin}{article.hero.file_url}"]
    return [*images, card_url] if card_url else images


def article_json_ld(request, site, article: Article, meta: ArticleMeta | None = None) -> dict:
    """schema.org NewsArticle for an article page (`meta`: the page's `article_meta`, when worked out already)."""
    meta = meta or article_meta(request, article)
    origin = absolute_url(request, "")  # the site's public origin, worked out once for every link below
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title[:110],
        "description": meta.description,
        "mainEntityOfPage": meta.canonical_url,
        "datePublished": article.published_at.isoformat() if article.published_at else None,
        "dateModified": notes.modified_at(article).isoformat(),  # a correction note is a change readers see
        "author": [_author(origin, article, site)],
        "publisher": {
            "@type": "Organization",
            "name": site.name,
            "url": f"{origin}/",
            "logo": {
                "@type": "ImageObject",
                "url": f"{origin}{static(LOGO)}",
                "width": LOGO_SIZE[0],
                "height": LOGO_SIZE[1],
            },
        },
        "articleSection": article.section.name,
    }
    if images := _images(origin, article, meta.card_url):
        data["image"] = images
    if corrections := notes.notes_of(article):
        data["correction"] = [
            {"@type": "CorrectionComment", "text": notes.note_text(c), "datePublished": c.made_at.isoformat()}
            for c in corrections
        ]
    return data
