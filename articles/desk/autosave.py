"""Autosave: an open article form sends its text every 30 s or so; it is kept as a version marked autosave (one
per editor and article, replaced each time), never written to the article and never published. Opening the
form again offers it back; a real save (or "Discard") removes it."""

import reversion
from django.db import transaction
from reversion.models import Revision, Version

from articles.desk import versions
from articles.desk.models import AUTOSAVE_COMMENT
from articles.models import Article

# The text an editor could lose: what an autosave keeps and a restore brings back into the form.
AUTOSAVED = ("title", "slug", "summary", "body", "byline", "dateline", "meta_title", "meta_description")


def _autosave_revisions(*, article: Article, user):
    ids = Version.objects.get_for_object(article).filter(revision__comment=AUTOSAVE_COMMENT, revision__user=user)
    return Revision.objects.filter(pk__in=ids.values("revision_id"))


@transaction.atomic
def autosave_store(*, article: Article, by, data) -> None:
    """Keep the form's text (`data`: the POSTed fields) as this editor's autosave of `article`."""
    draft = Article.objects.get(pk=article.pk)
    for name in AUTOSAVED:
        if name in data:
            setattr(draft, name, str(data[name]).replace("\r\n", "\n")[:100_000])
    base = str(data.get("base_version", ""))
    draft.version = int(base) if base.isdigit() else draft.version  # the version the form was built on
    _autosave_revisions(article=article, user=by).delete()
    with reversion.create_revision(manage_manually=True):
        reversion.set_user(by)
        reversion.set_comment(AUTOSAVE_COMMENT)
        reversion.add_to_revision(draft)


def autosave_latest(*, article: Article, user) -> versions.ArticleVersion | None:
    """This editor's autosave of `article`, if it is newer than the article's last save."""
    found = (
        Version.objects.get_for_object(article)
        .filter(revision__comment=AUTOSAVE_COMMENT, revision__user=user)
        .select_related("revision__user")
        .order_by("-pk")
        .first()
    )
    if found is None or found.revision.date_created <= article.updated_at:
        return None
    return versions.load(found)


def autosave_discard(*, article: Article, user) -> None:
    _autosave_revisions(article=article, user=user).delete()


def autosave_apply(*, article: Article, autosave: versions.ArticleVersion) -> Article:
    """The article with the autosaved text, unsaved, built on the autosave's version (for the form only)."""
    for name in AUTOSAVED:
        setattr(article, name, getattr(autosave.article, name))
    article.version = autosave.number
    return article
