from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles.models import Article, Category, TaggedArticle
from articles.sections import CATEGORY_TREE_KEY
from articles.selectors import content_changed
from articles.tasks import make_hero_renditions


@receiver(post_save, sender=Article, dispatch_uid="article_hero_renditions")
def queue_hero_renditions(sender, instance: Article, **kwargs) -> None:
    if getattr(instance, "_hero_changed", False):
        name = instance.hero_image.name
        transaction.on_commit(lambda: make_hero_renditions.enqueue(name))


@receiver([post_save, post_delete], sender=Category, dispatch_uid="category_tree_purge")
def purge_category_tree(sender, **kwargs) -> None:
    cache.delete(CATEGORY_TREE_KEY)
    content_changed()


@receiver([post_save, post_delete], sender=Article, dispatch_uid="article_widgets_purge")
@receiver([post_save, post_delete], sender=TaggedArticle, dispatch_uid="tagging_widgets_purge")
def purge_widgets(sender, **kwargs) -> None:
    # After commit: a page rendered meanwhile must not cache widgets from the old rows under the new version.
    transaction.on_commit(content_changed)
