"""Writes: edit conflicts: a save built on an older version of an article is never applied silently.

The services lock the article's row and compare version numbers (`article_lock_current`). The admin form
goes further (`merge`): the fields a colleague changed meanwhile and the editor did not are taken from the
colleague; if both changed the same field differently the save is refused with a field-by-field account.
"""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from articles.desk import versions
from articles.models import Article


class EditConflict(ValidationError):
    """The article changed since the version this save was built on."""

    def __init__(self, *, article: Article, base_version: int, current_version: int) -> None:
        self.article, self.base_version, self.current_version = article, base_version, current_version
        _, later = versions.versions_since(article, number=base_version)
        who = f" by {later[-1].by} at {timezone.localtime(later[-1].at):%H:%M}" if later else ""
        super().__init__(
            f"It was changed{who} after you opened it (version {base_version} → {current_version}); "
            "nothing was saved. Open it again to see the change."
        )


def article_lock_current(*, article: Article, base_version: int | None) -> Article | None:
    """Lock the saved row (None for a new article); refuse if it moved on from `base_version`."""
    if article.pk is None:
        return None
    current = Article.objects.select_for_update().filter(pk=article.pk).first()
    if current is None:
        return None
    if base_version is not None and current.version != base_version:
        raise EditConflict(article=current, base_version=base_version, current_version=current.version)
    return current


@dataclass
class Change:
    """One field a colleague changed after the editor opened the form."""

    field: str
    by: str
    at: Any
    theirs: Any
    yours: Any = None
    clash: bool = False

    @property
    def label(self) -> str:
        return versions.label(self.field)


@dataclass
class Merge:
    current: Article
    taken_from_them: list[Change] = field(default_factory=list)
    clashes: list[Change] = field(default_factory=list)


def _who_changed(base: dict[str, str], later: list[versions.ArticleVersion]) -> dict[str, tuple[str, Any]]:
    """For each field, the last person who changed it after the base (fingerprints), and when."""
    who: dict[str, tuple[str, Any]] = {}
    previous = base
    for kept in later:
        state = versions.fingerprints(kept.state)
        for name, digest in state.items():
            if previous.get(name) != digest:
                who[name] = (kept.by, kept.at)
        previous = state
    return who


def merge(*, article: Article, base_version: int, yours: dict[str, Any], opened: dict[str, str] | None = None) -> Merge:
    """Three-way merge of the editor's form values (`yours`, by field name) onto the current article.

    The base is what the form was opened on: `opened` (the fingerprints it carries), else the kept version
    `base_version`. A field is a clash only when both sides changed it from the base, differently. With no base
    at all nobody can tell who changed what: the save is refused, crediting no one.
    """
    current = Article.objects.get(pk=article.pk)
    kept, later = versions.versions_since(current, number=base_version)
    base = opened or (versions.fingerprints(kept.state) if kept else None)
    if base is None:
        raise ValidationError(
            f"It was changed after you opened it (version {base_version} → {current.version}) and the version you "
            "opened is no longer kept, so your changes cannot be merged with it. Nothing was saved: copy your "
            "text, open the article again and apply it there.",
            code="no_base",
        )
    current_state = versions.state_of(current)
    who = _who_changed(base, later)
    result = Merge(current=current)
    for name, value in yours.items():
        mine, theirs = versions.comparable(name, value), current_state[name]
        if versions.fingerprint(theirs) == base[name]:
            continue  # nobody else touched it
        by, at = who.get(name, ("someone", current.updated_at))
        change = Change(field=name, by=by, at=at, theirs=theirs, yours=mine)
        if versions.fingerprint(mine) == base[name]:
            result.taken_from_them.append(change)  # only they changed it: keep theirs
        elif versions.fingerprint(mine) != versions.fingerprint(theirs):
            change.clash = True
            result.clashes.append(change)
    return result


def display(change_field: str, value: Any) -> str:
    """A short human form of a compared value for the conflict table."""
    if value in (None, "", ()):
        return "(empty)"
    if change_field == "tags":
        return ", ".join(value)
    if change_field in {"section", "author"}:
        model = Article._meta.get_field(change_field).related_model
        found = model._default_manager.filter(pk=value).first()
        return str(found) if found else f"#{value}"
    if hasattr(value, "tzinfo"):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    text = str(value)
    return text if len(text) <= 300 else text[:300] + "…"
