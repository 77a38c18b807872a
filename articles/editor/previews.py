"""Reads: previews before readers see a story: who may see one, and how it will look in a search result and a link
preview (the admin's SEO fieldset).

The same defaults as the page head (`articles.seo.article_meta`); `static/editor/seo-preview.js` keeps the
previews current while the editor types.
"""

from django.contrib.sites.models import Site
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from articles.models import Article
from articles.seo import META_DESCRIPTION_LENGTH


def may_preview(user, article: Article) -> bool:
    """Whether `user` may see `article` as readers will before they can: editors any story, a writer their own.

    The desk lets a writer edit only their own drafts (`ArticleAdmin.has_change_permission`); a preview also shows
    them their own story once it is in review or scheduled, but never a colleague's draft or embargoed story.
    """
    if not user.is_active or not user.has_perm("articles.view_article"):
        return False
    # "articles.publish_article" is `articles.publishing.can_publish` (a write module; reads do not import those).
    return user.has_perm("articles.publish_article") or (article.author_id is not None and article.author_id == user.pk)


def search_result_preview(article: Article) -> SafeString:
    domain = Site.objects.get_current().domain
    url = article.canonical_url or (f"https://{domain}{article.get_absolute_url()}" if article.slug else "")
    return render_to_string(
        "editor/search_preview.html",
        {
            "title": article.meta_title or article.title,
            "description": article.meta_description or article.summary,
            "url": url,
            "min_length": META_DESCRIPTION_LENGTH[0],
            "max_length": META_DESCRIPTION_LENGTH[1],
        },
    )


def social_card_preview(article: Article) -> SafeString:
    card = article.card_image if article.pk else None
    return render_to_string(
        "editor/social_preview.html",
        {
            "title": article.social_title or article.title,
            "description": article.social_description or article.meta_description or article.summary,
            "image": card,
            "domain": Site.objects.get_current().domain,
        },
    )
