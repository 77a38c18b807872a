"""The layout's rules, checked: module sizes, and which modules may import which (docs/architecture.md)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 350
LONG_BY_NATURE = {"articles/demo/words.py"}  # word lists: data, not logic

# Reads never import writes; models import neither writes nor the request layer.
WRITE_MODULES = {
    "articles.publishing",
    "articles.media.services",
    "articles.tags.merge",
    "articles.engagement.votes",
    "articles.engagement.view_counts",
    "articles.engagement.buckets",
    "articles.engagement.reconcile",
}
READ_MODULES = [
    "articles.sections",
    "articles.listings",
    "articles.related",
    "articles.widgets",
    "articles.search",
    "articles.seo",
    "articles.slices",
    "articles.feeds",
    "articles.sitemaps",
    "articles.context_processors",
    "articles.templatetags.reader",
    "articles.engagement.ranking",
    "articles.engagement.voters",
    "articles.templatetags.editor_embeds",
    "articles.editor.previews",
]
REQUEST_LAYER = {
    "articles.views",
    "articles.admin",
    "articles.forms",
    "articles.page_cache",
    "articles.engagement.endpoints",
    "articles.editor.forms",
    "articles.media.admin",
    "articles.media.forms",
    "articles.admin_lists",
    "articles.tags.admin",
}

# The editors' desk (articles/desk/): its writes, its admin pages, and its models (imported by articles.models).
WRITE_MODULES |= {
    "articles.desk.versions",
    "articles.desk.conflicts",
    "articles.desk.locks",
    "articles.desk.trash",
    "articles.desk.history",
    "articles.desk.prune",
    "articles.desk.workflow",
    "articles.desk.notify",
    "articles.desk.autosave",
    "articles.desk.base_versions",
}
READ_MODULES += ["articles.desk.dashboard", "articles.templatetags.desk"]
REQUEST_LAYER |= {"articles.desk.admin", "articles.desk.forms", "articles.desk.views", "articles.desk.workflow_views"}
# Models of a feature, imported by articles.models so the app registers them.
DESK_MODELS = {"articles.desk.models", "articles.engagement.models"}

# Content export/import (articles/portability/): the import writes; the export's snapshot, the archive's checks
# and content.json's schema only read (the archive module copies files, never through a write service).
WRITE_MODULES |= {"articles.portability.restore", "articles.portability.engagement"}
READ_MODULES += ["articles.portability.snapshot", "articles.portability.archive", "articles.portability.schema"]


def python_modules() -> list[Path]:
    return [
        path
        for package in ("articles", "newsroom")
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    ]


def imported_modules(module: str) -> set[str]:
    path = ROOT / (module.replace(".", "/") + ".py")
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_no_module_is_over_350_lines():
    long = {
        str(path.relative_to(ROOT)): len(path.read_text().splitlines())
        for path in python_modules()
        if len(path.read_text().splitlines()) > MAX_LINES
    }
    assert set(long) <= LONG_BY_NATURE, long


@pytest.mark.parametrize("module", READ_MODULES)
def test_read_modules_import_no_write_module(module):
    assert not imported_modules(module) & WRITE_MODULES


def test_models_import_no_views_admin_forms_or_services():
    assert not imported_modules("articles.models") & (WRITE_MODULES | REQUEST_LAYER)


def test_the_rules_know_every_module():
    """A new module must be placed on the map above (or in docs/architecture.md's table) to be checked."""
    known = WRITE_MODULES | set(READ_MODULES) | REQUEST_LAYER
    others = {
        "articles.models", "articles.apps", "articles.urls", "articles.signals", "articles.sanitize",
        "articles.tags.slugs",
        "articles.images", "articles.demo.words", "articles.demo.stories",
        "articles.demo.pictures",
        "articles.editor.markup", "articles.editor.embeds", "articles.editor.removals",
        "articles.media.models", "articles.media.renditions", "articles.media.tasks", "articles.media.heroes",
    }  # fmt: skip
    modules = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for path in python_modules()
        if path.parts[-1] != "__init__.py"
        and "management" not in path.parts
        and path.parts[-2] != "newsroom"
        and "settings" not in path.parts  # newsroom/settings/: the one settings module, in parts by subject
    }
    assert modules == known | others | DESK_MODELS
