"""Writes: cached pages forget changed content: which change purges which cached copies.

The one side effect wired to model signals, so that every path that writes an article, its tags, a tag's
name, a library image, a section or the site's name (services, admin, taggit, the shell) triggers it.
Each purge names what changed (`newsroom.cache.shows_*`), never "everything": editing one story drops its
page, the lists it is on (its sections and their parents, its tags, home, latest, feeds, sitemaps) and any
page whose blocks show it — and no other article's page. All purges run after commit. Connected in
`ArticlesConfig.ready()`, with its counterpart: a tag loaded while a page is built is recorded (`tag_loaded`,
as `Article.from_db` records an article).

An `update()` sends no signal: a write of a field readers see that is not a save goes through
`reader_visible_update`, which purges what a save would (tests/test_architecture.py holds every other
`update()` to `UNSHOWN_FIELDS`).
"""

from django.contrib.sites.models import Site
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.db.models.signals import post_delete, post_init, post_save, pre_save
from taggit.models import Tag

from articles.authors.models import Author
from articles.corrections.models import Correction
from articles.editor.pictures import uses_image
from articles.media.models import Image
from articles.models import Article, Section, TaggedArticle
from articles.sections import section_path
from newsroom.cache import (
    EVERY_STORY,
    FRONT,
    SEARCH,
    schedule_changed_on_commit,
    shows_article,
    shows_author,
    shows_author_list,
    shows_section_list,
    shows_tag,
    shows_tag_list,
    site_changed_on_commit,
)
from newsroom.cache_entries import collecting, purge, purge_on_commit, shows_read

# Fields an `update()` may write without purging: counters, which pages show live from the "seen" beacon
# (the number in a cached copy is only its first paint), and an image's upload time, shown to no reader.
# Every other field of these models shows on some page.
UNSHOWN_FIELDS: dict[type[Model], frozenset[str]] = {
    Article: frozenset({"vote_count", "view_count"}),
    Image: frozenset({"uploaded_at"}),
    Section: frozenset(),
    Tag: frozenset(),
    Site: frozenset(),
}
# Fields of a story that change how it reads, never where it stands: a save that changes none but these re-renders
# the pages that show the story (each recorded it) and those that read every published story without recording it
# (`EVERY_STORY`: search, sitemaps), not the lists it stands on — home, its sections, tags and author, the rankings
# and feeds that do not show it keep their copies. Any other field (status, time, trash, section, author, slug,
# picks, ranking and index flags, a field added later) may move it on, off or within a list.
IN_PLACE_FIELDS = frozenset(
    {
        *("title", "summary", "body", "hero_id", "social_image_id", "byline", "dateline"),
        *("meta_title", "meta_description", "social_title", "social_description"),
        *("corrected_at", "created_at", "updated_at", "version", "vote_count", "view_count"),
    }
)
# An update of one of these may take an article off its lists (unpublishing it).
LEAVING_FIELDS = frozenset({"status", "published_at", "trashed_at"})


def article_moving(sender, instance: Article, raw: bool = False, update_fields=None, **kwargs) -> None:
    """Before a save: note whether it may move the story on, off or within a list (`_moves_in_lists`), and whether it
    takes a published story off them (`_leaves_lists`). One query for a stored article, none for a new one or for
    a save that writes only fields read in place."""
    written = [
        field.attname
        for field in Article._meta.concrete_fields
        if field.attname not in IN_PLACE_FIELDS
        and field.attname not in instance.get_deferred_fields()  # a deferred field is not written
        and (update_fields is None or field.name in update_fields or field.attname in update_fields)
    ]
    stored = None
    if not raw and instance.pk is not None and written:
        stored = Article.objects.filter(pk=instance.pk).values(*written, "status").first()
    if not written:
        instance._moves_in_lists = False
    elif stored is None:  # a new story, or one loaded from a fixture
        instance._moves_in_lists = True
    else:
        instance._moves_in_lists = any(stored[name] != getattr(instance, name) for name in written)
    instance._leaves_lists = (
        stored is not None
        and stored["status"] == Article.Status.PUBLISHED
        and instance.status != Article.Status.PUBLISHED
    )


def article_changed(sender, instance: Article, **kwargs) -> None:
    schedule_changed_on_commit()
    shown = {shows_article(instance.pk)}  # wherever it is shown now (its old sections and tags included)
    if instance.status == Article.Status.PUBLISHED or getattr(instance, "_leaves_lists", False):
        shown.add(EVERY_STORY)
        if getattr(instance, "_moves_in_lists", True):
            # The lists it is on now (or joins at its publish time, or has just left: their totals and later pages
            # shift too): a section it moved into, home, feeds…
            shown |= {FRONT, *(shows_section_list(s.pk) for s in section_path(instance.section_id))}
            shown |= {shows_tag_list(pk) for pk in instance.tags.values_list("pk", flat=True)}
            if instance.author_id is not None:
                shown.add(shows_author_list(instance.author_id))
    purge_on_commit(*shown)


def article_tags_changed(sender, instance: TaggedArticle, **kwargs) -> None:
    purge_on_commit(shows_article(instance.content_object_id), shows_tag_list(instance.tag_id), SEARCH)


def tag_changed(sender, instance: Tag, **kwargs) -> None:
    purge_on_commit(shows_tag(instance.pk), shows_tag_list(instance.pk), SEARCH)


def image_changed(sender, instance: Image, **kwargs) -> None:
    """The pages of the articles that show a library image (as hero, social card or a picture in the body), and
    of the authors it portrays, are out of date: its alt text, caption, credit, crops or renditions changed."""

    def purge_pages() -> None:
        in_body = uses_image(instance.pk)
        shown_by = Article.objects.filter(Q(hero_id=instance.pk) | Q(social_image_id=instance.pk) | in_body)
        authors = Author.objects.filter(photo_id=instance.pk).values_list("pk", flat=True)
        purge(*(shows_article(pk) for pk in shown_by.values_list("pk", flat=True)), *map(shows_author, authors))

    transaction.on_commit(purge_pages)


def author_changed(sender, instance: Author, **kwargs) -> None:
    """An author's name, address, photo or bio: their page and the bylines that link to it."""
    purge_on_commit(shows_author(instance.pk), shows_author_list(instance.user_id))


def correction_changed(sender, instance: Correction, **kwargs) -> None:
    """A correction note shows on its story's page, in the feeds that list the story (as an update) and in its
    JSON-LD: all of them record the article, so purging the article reaches them."""
    purge_on_commit(shows_article(instance.article_id))


def site_changed(sender, **kwargs) -> None:
    site_changed_on_commit()


RECEIVERS = {Article: article_changed, TaggedArticle: article_tags_changed, Tag: tag_changed, Image: image_changed}
RECEIVERS |= {Section: site_changed, Site: site_changed, Author: author_changed, Correction: correction_changed}


def reader_visible_update(queryset: QuerySet, **fields) -> int:
    """`queryset.update(**fields)` for a write readers see that is not a save (a bulk clean, an import's stamps, a
    background task's result); after commit it purges what a save of each updated row would. The rows updated.
    """
    model = queryset.model
    ids = list(queryset.values_list("pk", flat=True))
    updated = queryset.update(**fields)
    if updated:
        for instance in model._default_manager.filter(pk__in=ids):
            instance._leaves_lists = bool(LEAVING_FIELDS & fields.keys())  # it may have just left a list
            instance._moves_in_lists = not fields.keys() <= IN_PLACE_FIELDS
            RECEIVERS[model](sender=model, instance=instance)
    return updated


def tag_loaded(sender, instance: Tag, **kwargs) -> None:
    """A tag loaded while a page is built is shown on it (its name): a rename purges the page."""
    if instance.pk is not None and collecting():
        shows_read(shows_tag(instance.pk))


def connect() -> None:
    for signal in (post_save, post_delete):
        for model, receiver in RECEIVERS.items():
            signal.connect(receiver, sender=model, dispatch_uid=f"purge_{model.__name__}_{signal is post_save}")
    pre_save.connect(article_moving, sender=Article, dispatch_uid="purge_Article_moving")
    post_init.connect(tag_loaded, sender=Tag, dispatch_uid="shown_Tag_loaded")
