"""Reads: the section tree, cached: the header's menu, breadcrumbs and "this section and everything below it" without
queries."""

import pickle
from typing import NamedTuple

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from articles.models import Section
from newsroom.cache import SECTION_TREE_KEY, SITE, section_nav_key
from newsroom.cache_entries import get_or_build, get_or_build_shown, shows
from newsroom.cached_reverse import cached_url

SECTION_TREE_SECONDS = 300  # a safety net: every change to a section drops the tree after commit


class Crumb(NamedTuple):
    name: str
    url: str


def _build_tree() -> dict[int, Section]:
    sections = list(Section.objects.all())
    tree = {s.pk: s for s in sections}
    for s in sections:
        # Attach parents from the same list so walking a path never queries.
        s.parent = tree.get(s.parent_id)
    return tree


def section_tree() -> dict[int, Section]:
    """Every section by id, with `parent` already attached: one cached query for all menus and breadcrumbs.

    Cached as its pickle, and unpickled once per process for each pickle read: the tree this process made of the
    same bytes is the same tree (a change to a section drops the entry, and the tree built again is other bytes).
    Unpickling it was ~60 µs of every page rendered afresh. Read only: callers never change the sections in it.
    """
    global _kept_tree  # one (bytes, tree) pair, replaced whole
    raw = get_or_build(SECTION_TREE_KEY, _pickled_tree, SECTION_TREE_SECONDS)
    kept = _kept_tree
    if kept is not None and kept[0] == raw:
        return kept[1]
    tree = pickle.loads(raw)  # noqa: S301 — bytes this site wrote to its own cache, as Django's cache unpickles
    _kept_tree = (raw, tree)
    return tree


_kept_tree: tuple[bytes, dict[int, Section]] | None = None


def _pickled_tree() -> bytes:
    return pickle.dumps(_build_tree(), protocol=pickle.HIGHEST_PROTOCOL)


def section_path(section_id: int) -> list[Section]:
    section = section_tree().get(section_id)
    return section.path() if section else []


def section_descendant_ids(section_id: int) -> set[int]:
    """The section and every section below it."""
    tree = section_tree()
    return {s.pk for s in tree.values() if any(a.pk == section_id for a in s.path())} | {section_id}


def section_by_slug(slug: str) -> Section | None:
    return next((s for s in section_tree().values() if s.slug == slug), None)


def main_sections() -> list[Section]:
    """The top-level sections, in menu order (the site header)."""
    return [s for s in section_tree().values() if s.parent_id is None]


def top_section_id(section_id: int) -> int | None:
    path = section_path(section_id)
    return path[0].pk if path else None


def section_nav(*, section_id: int | None) -> SafeString:
    """The header's menu of top-level sections as HTML, the one holding `section_id` marked current; built
    once per section (and language) and shared by every page of it (an article page stitches it in when served:
    `articles.stitching`)."""
    return get_or_build_shown(  # changes only with `SITE`, which every page showing it records
        section_nav_key(section_id, get_language()),
        lambda: build_section_nav(section_id),
        SECTION_TREE_SECONDS,
        bounds_pages=False,
    )


def build_section_nav(section_id: int | None) -> SafeString:
    shows(SITE)
    context = {
        "sections": main_sections(),
        "current_section_id": top_section_id(section_id) if section_id else None,
    }
    return mark_safe(render_to_string("articles/includes/section_nav.html", context))  # noqa: S308 — our template


def home_crumb() -> Crumb:
    return Crumb(_("Home"), cached_url("articles:home"))  # `reverse()` without the resolver: on every page


def breadcrumb_for_section(section_id: int) -> list[Crumb]:
    """Home, then every section from the top down to this one."""
    return breadcrumb_and_top(section_id)[0]


def breadcrumb_and_top(section_id: int) -> tuple[list[Crumb], int | None]:
    """The breadcrumb, and the top-level section above this one: one read of the tree for both."""
    path = section_path(section_id)
    return [home_crumb(), *(Crumb(s.name, s.get_absolute_url()) for s in path)], (path[0].pk if path else None)
