"""Writes: autosaves: an open article form sends its text every 30 s or so; it is kept as a version marked autosave (one
per editor and article, replaced each time), never written to the article and never published. Opening the
form again offers it back; a real save (or "Discard") removes it. A new article's first autosave creates it as
a draft (`autodraft_create`); between autosaves the form keeps a copy in the browser (static/desk/autosave.js)."""

import reversion
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from reversion.models import Revision, Version

from articles import publishing
from articles.desk import versions
from articles.desk.models import AUTOSAVE_COMMENT
from articles.models import Article, Section, SlugRedirect

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


# --- the first autosave of a new article: it becomes a draft, as WordPress's auto-draft and Ghost's draft do -----

UNTITLED = "Untitled draft"


def _free_slug(wanted: str) -> str:
    """`wanted` (or "untitled"), or the next free address after it: never one another story holds or redirects."""
    base = slugify(wanted)[:190].strip("-") or "untitled"
    taken = set(Article.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    taken |= set(SlugRedirect.objects.filter(old_slug__startswith=base).values_list("old_slug", flat=True))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def autodraft_create(*, by, data) -> Article:
    """A new article's first autosave: the form's text as a draft owned by `by` (private to them and the editors,
    `articles.desk.visibility`), version 1, so the form goes on as that draft's change form. It is never
    published, whatever the form's status says; a missing headline, section or body gets a placeholder the
    form itself still asks for on the real save. Raises `ValidationError` (nothing stored) when no section exists.
    """
    fields = {name: str(data.get(name, "")).replace("\r\n", "\n") for name in AUTOSAVED}
    chosen = str(data.get("section", ""))
    section = Section.objects.filter(pk=chosen).first() if chosen.isdigit() else None
    section = section or Section.objects.order_by("position", "pk").first()
    if section is None:
        raise ValidationError("Not autosaved: the site has no section yet. Your text is kept in this browser.")
    draft = Article(
        **fields,
        section=section,
        status=Article.Status.DRAFT,
        author=by,
    )
    draft.title = draft.title.strip()[:200] or UNTITLED
    draft.slug = _free_slug(draft.slug or draft.title)
    draft.body = draft.body or "<p></p>"
    return publishing.article_create(article=draft, by=by, comment="Created by autosave.")
