"""Cached pages forget changed content: which change purges which cached copies.

The one side effect wired to model signals, so that every path that writes an article, its tags, a tag's
name, a library image, a section or the site's name (services, admin, taggit, the shell) triggers it.
Each purge names what changed (`newsroom.cache.shows_*`), never "everything": editing one story drops its
page, the lists it is on (its sections and their parents, its tags, home, latest, feeds, sitemaps) and any
page whose blocks show it — and no other article's page. All purges run after commit. Connected in
`ArticlesConfig.ready()`.
"""

from django.contrib.sites.models import Site
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_save
from taggit.models import Tag

from articles.media.models import Image
from articles.models import Article, Section, TaggedArticle
from articles.sections import section_path
from newsroom.cache import (
    FRONT,
    schedule_changed_on_commit,
    shows_article,
    shows_section_list,
    shows_tag,
    shows_tag_list,
    site_changed_on_commit,
)
from newsroom.cache_entries import purge, purge_on_commit


def article_leaving_lists(sender, instance: Article, raw: bool = False, **kwargs) -> None:
    """Before a save: note whether this save takes a published story off the lists (unpublishing it). One
    query, only when a stored article is saved as anything but published."""
    instance._leaves_lists = (
        not raw
        and instance.pk is not None
        and instance.status != Article.Status.PUBLISHED
        and Article.objects.filter(pk=instance.pk, status=Article.Status.PUBLISHED).exists()
    )


def article_changed(sender, instance: Article, **kwargs) -> None:
    schedule_changed_on_commit()
    shown = {shows_article(instance.pk)}  # wherever it is shown now (its old sections and tags included)
    if instance.status == Article.Status.PUBLISHED or getattr(instance, "_leaves_lists", False):
        # The lists it is on now (or joins at its publish time, or has just left: their totals and later pages
        # shift too): a section it moved into, home, feeds…
        shown |= {FRONT, *(shows_section_list(s.pk) for s in section_path(instance.section_id))}
        shown |= {shows_tag_list(pk) for pk in instance.tags.values_list("pk", flat=True)}
    purge_on_commit(*shown)


def article_tags_changed(sender, instance: TaggedArticle, **kwargs) -> None:
    purge_on_commit(shows_article(instance.content_object_id), shows_tag_list(instance.tag_id))


def tag_changed(sender, instance: Tag, **kwargs) -> None:
    purge_on_commit(shows_tag(instance.pk), shows_tag_list(instance.pk))


def image_shown_on_commit(image_id: int) -> None:
    """The pages of the articles that show a library image (as hero or social card) are out of date: its alt
    text, caption, credit, crops or renditions changed."""

    def purge_pages() -> None:
        shown_by = Article.objects.filter(Q(hero_id=image_id) | Q(social_image_id=image_id))
        purge(*(shows_article(pk) for pk in shown_by.values_list("pk", flat=True)))

    transaction.on_commit(purge_pages)


def image_changed(sender, instance: Image, **kwargs) -> None:
    image_shown_on_commit(instance.pk)


def site_changed(sender, **kwargs) -> None:
    site_changed_on_commit()


def connect() -> None:
    receivers = {Article: article_changed, TaggedArticle: article_tags_changed, Tag: tag_changed, Image: image_changed}
    receivers |= {Section: site_changed, Site: site_changed}
    for signal in (post_save, post_delete):
        for model, receiver in receivers.items():
            signal.connect(receiver, sender=model, dispatch_uid=f"purge_{model.__name__}_{signal is post_save}")
    pre_save.connect(article_leaving_lists, sender=Article, dispatch_uid="purge_Article_leaving_lists")
