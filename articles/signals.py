"""Cached pages forget changed content: the one side effect wired to model signals, so that every path that
writes an article, its tags, a tag's name, a section or the site's name (services, admin, taggit, the shell)
triggers it.

Connected in `ArticlesConfig.ready()`; both purges run after commit.
"""

from django.contrib.sites.models import Site
from django.db.models.signals import post_delete, post_save
from taggit.models import Tag

from articles.models import Article, Section, TaggedArticle
from newsroom.cache import content_changed_on_commit, section_tree_purge_on_commit


def purge_section_tree(sender, **kwargs) -> None:
    section_tree_purge_on_commit()


def purge_widgets(sender, **kwargs) -> None:
    content_changed_on_commit()


def connect() -> None:
    for signal in (post_save, post_delete):
        signal.connect(purge_section_tree, sender=Section, dispatch_uid=f"section_tree_purge_{signal is post_save}")
        for model in (Article, TaggedArticle, Tag, Site):
            signal.connect(
                purge_widgets, sender=model, dispatch_uid=f"widgets_purge_{model.__name__}_{signal is post_save}"
            )
