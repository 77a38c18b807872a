"""The layout's rules, checked: module sizes, and which modules may import which (docs/architecture.md)."""

import ast
import re
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
    "articles.article_query",
    "articles.article_tags",
    "articles.widgets",
    "articles.stitching",
    "articles.search",
    "articles.search_hints",
    "articles.seo",
    "articles.slices",
    "articles.feeds",
    "articles.sitemaps",
    "articles.context_processors",
    "articles.templatetags.reader",
    "articles.templatetags.chrome",
    "articles.engagement.ranking",
    "articles.engagement.voters",
    "articles.templatetags.editor_embeds",
    "articles.editor.previews",
    "articles.editor.pictures",
    "articles.tags.suggestions",
]
REQUEST_LAYER = {
    "articles.views",
    "articles.admin",
    "articles.forms",
    "articles.page_cache",
    "articles.page_replies",
    "articles.render_ahead",
    "articles.engagement.endpoints",
    "articles.editor.forms",
    "articles.media.admin",
    "articles.media.forms",
    "articles.media.chooser",
    "articles.admin_lists",
    "articles.tags.admin",
    "articles.tags.chips",
    "articles.authors.admin",
}

# The editors' desk (articles/desk/, the `desk` app): its writes, its admin pages.
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
READ_MODULES += ["articles.desk.dashboard", "articles.desk.visibility", "articles.templatetags.desk"]
READ_MODULES += ["articles.desk.numbers", "articles.desk.charts", "articles.templatetags.desk_charts"]
REQUEST_LAYER |= {"articles.desk.admin", "articles.desk.forms", "articles.desk.views", "articles.desk.workflow_views"}
# The features that are apps of their own (docs/architecture.md): package → app label. Each has its models and
# migrations; the content model (articles.models) names them only by string, so it imports none of them.
FEATURE_APPS = {"articles.media": "library", "articles.authors": "authors", "articles.engagement": "engagement",
                "articles.desk": "desk", "articles.corrections": "corrections"}  # fmt: skip
FEATURE_MODELS = {f"{package}.models" for package in FEATURE_APPS}
APP_CONFIGS = {f"{package}.apps" for package in FEATURE_APPS}

# Corrections readers see (articles/corrections/): the note's write, its reads (page, feeds, JSON-LD), the form part.
WRITE_MODULES |= {"articles.corrections.services"}
READ_MODULES += ["articles.corrections.notes"]
REQUEST_LAYER |= {"articles.corrections.forms"}

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
        "articles.tags.slugs", "articles.going_live",
        "articles.images", "articles.demo.words", "articles.demo.stories",
        "articles.demo.pictures",
        "articles.editor.markup", "articles.editor.embeds", "articles.editor.removals",
        "articles.media.renditions", "articles.media.tasks", "articles.media.heroes",
    }  # fmt: skip
    modules = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for path in python_modules()
        if path.parts[-1] != "__init__.py"
        and "management" not in path.parts
        and path.parts[-2] != "newsroom"
        and "settings" not in path.parts  # newsroom/settings/: the one settings module, in parts by subject
    }
    assert modules == known | others | FEATURE_MODELS | APP_CONFIGS


def test_the_content_model_imports_no_features_models():
    """`articles.models` ↔ `articles.desk.models` was a cycle: the features import the content model, never back."""
    assert not imported_modules("articles.models") & FEATURE_MODELS


@pytest.mark.parametrize(("package", "label"), FEATURE_APPS.items())
def test_each_feature_app_owns_its_models_and_migrations(package, label):
    from django.apps import apps

    config = apps.get_app_config(label)
    assert config.name == package
    assert {model.__module__ for model in config.get_models()} == {f"{package}.models"}
    assert (ROOT / package.replace(".", "/") / "migrations" / "0001_initial.py").exists()
    strays = {
        model.__name__
        for model in apps.get_app_config("articles").get_models()
        if model.__module__ != "articles.models"
    }
    assert not strays


# ---- Every module is named in the docs (README.md's Layout or docs/architecture.md) -------------------------------
# A module counts as named when either file gives its path (`articles/tags/slugs.py`), or gives its file name on a
# line after its package's path (`articles/media/` (`models.py`, `services.py`)), or, in the README's Layout
# block, under its package's line of the tree (`  tags/   tags: merge.py, slugs.py`). A management command counts
# as named by its command name (`seed_demo`).
DOCS = (ROOT / "README.md", ROOT / "docs" / "architecture.md")
_MENTION = re.compile(r"(?<![\w./-])(?:(?P<dir>(?:articles|newsroom)/(?:\w+/)*)(?P<file>\w+\.py)?|(?P<bare>\w+\.py))")
_TREE_ENTRY_INDENT = 20  # README's Layout block: entries start within it, descriptions (and their continuations) after


def _named_on_lines(lines: list[str]) -> set[str]:
    """Paths named on each line: whole, or a file name after its package's path on the same line."""
    named = set()
    for line in lines:
        package = ""
        for mention in _MENTION.finditer(line):
            if mention["dir"]:
                package = mention["dir"]
                if mention["file"]:
                    named.add(package + mention["file"])
            elif package:
                named.add(package + mention["bare"])
    return named


def _named_in_the_layout_tree(readme: str) -> set[str]:
    """The README's Layout block: a name on a line resolves against the directories above it in the tree."""
    block = readme.split("## Layout", 1)[1].split("```", 2)[1]
    named, dirs, context = set(), [""], ""
    for line in block.splitlines():
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if stripped and indent < _TREE_ENTRY_INDENT:  # an entry, not a description's continuation
            depth = indent // 2
            dirs = dirs[: depth + 1]
            first = re.split(r"\s{2,}|,\s*", stripped, maxsplit=1)[0]
            context = dirs[depth] + first if first.endswith("/") else dirs[depth]
            dirs.append(context)
        named |= {context + name for name in re.findall(r"(?<![\w./-])([\w/]+\.py)\b", line)}
    return named


def _documented_modules() -> tuple[set[str], str]:
    texts = [path.read_text() for path in DOCS]
    return _named_on_lines("\n".join(texts).splitlines()) | _named_in_the_layout_tree(texts[0]), "\n".join(texts)


def test_every_module_is_named_in_the_readme_or_the_architecture_doc():
    named, text = _documented_modules()
    missing = []
    for path in python_modules():
        module = str(path.relative_to(ROOT))
        if path.name == "__init__.py":
            continue
        if path.parent.name == "commands":
            if not re.search(rf"\b{path.stem}\b", text):
                missing.append(f"{module}: name the command `{path.stem}` in the README (its commands table or Layout)")
        elif module not in named:
            package = str(path.parent.relative_to(ROOT)) + "/"
            missing.append(
                f"{module}: add it to the README's Layout block (on or under the `{package}` line) or to "
                f"docs/architecture.md (as `{module}`, or `{path.name}` on a line after `{package}`)"
            )
    assert not missing, "modules named in neither README.md nor docs/architecture.md:\n" + "\n".join(missing)


def test_each_app_has_its_own_name():
    """The admin and permission lists say which app a model is in: two apps called "Newsroom" said nothing."""
    from django.apps import apps

    names = {config.label: str(config.verbose_name) for config in apps.get_app_configs()}
    assert names["articles"] == "Articles"
    assert names["newsroom"] not in {"Newsroom", "Articles"}


# What a page shows is recorded where it is read (docs/page-cache.md): the rows it loads (`Article.from_db`, a
# tag's `post_init`), the lists its selectors declare (`shows_list`). A reader view, feed or sitemap that said
# it by hand could forget it, and its cached copy would outlive the change.
READER_ENTRY_POINTS = ["articles/views.py", "articles/feeds.py", "articles/sitemaps.py"]
HAND_RECORDING = {"shows", "shows_articles", "shows_article", "shows_tag", "shows_tag_list", "shows_section_list"}


def called_names(path: Path) -> set[str]:
    calls = (node.func for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.Call))
    return {f.id if isinstance(f, ast.Name) else f.attr for f in calls if isinstance(f, (ast.Name, ast.Attribute))}


@pytest.mark.parametrize("path", READER_ENTRY_POINTS)
def test_reader_views_record_what_they_show_without_a_hand_call(path):
    assert not called_names(ROOT / path) & HAND_RECORDING


# An `update()` sends no signal, so nothing is purged: a field readers see is written by a save, or by
# `articles.signals.reader_visible_update`, which purges what a save would. Only `UNSHOWN_FIELDS` (counters,
# shown live by the beacon) may be written by a bare `update()`.
def _root_name(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _dict_keys(tree: ast.AST) -> dict[str, set[str] | None]:
    """Per name, the constant keys it is built with (`x = {"a": …}`, `x["b"] = …`); None if some are unknown."""
    keys: dict[str, set[str] | None] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        target = node.targets[0]
        if isinstance(target, ast.Name):
            literal = isinstance(node.value, ast.Dict) and all(isinstance(k, ast.Constant) for k in node.value.keys)
            before = keys.get(target.id, set())
            keys[target.id] = before | {k.value for k in node.value.keys} if literal and before is not None else None
        elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and target.value.id in keys:
            name, key = target.value.id, target.slice
            known = keys[name] is not None and isinstance(key, ast.Constant)
            keys[name] = keys[name] | {key.value} if known else None
    return keys


def bare_reader_visible_updates(path: Path) -> list[str]:
    """`update()` calls on a shown model's queryset that write a field readers see (or fields unknown here)."""
    from articles.signals import UNSHOWN_FIELDS

    unshown = {model.__name__: fields for model, fields in UNSHOWN_FIELDS.items()}
    tree = ast.parse(path.read_text())
    models: dict[str, str] = {}  # local name -> model name
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.endswith(".models"):
            models |= {alias.asname or alias.name: alias.name for alias in node.names if alias.name in unshown}
    for node in ast.walk(tree):  # querysets kept in a variable: `rows = Article.objects.filter(…)`
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            root = _root_name(node.value)
            if root in models and node.targets[0].id not in models:
                models[node.targets[0].id] = models[root]
    dict_keys = _dict_keys(tree)
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "update"):
            continue
        model = models.get(_root_name(node.func.value) or "")
        if model is None:
            continue
        written: set[str] = set()
        for keyword in node.keywords:
            spread = keyword.arg is None and isinstance(keyword.value, ast.Name)
            known = {keyword.arg} if keyword.arg else dict_keys.get(keyword.value.id) if spread else None
            written |= known if known is not None else {"** (fields unknown)"}
        if written - unshown[model]:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} {model}.update({', '.join(sorted(written))})")
    return found


def test_no_bare_update_of_a_field_readers_see():
    helper = ROOT / "articles/signals.py"
    found = [line for path in python_modules() if path != helper for line in bare_reader_visible_updates(path)]
    assert found == []


# Names say what a call does: a `check_*` (or `is_*`, `has_*`) only looks. One that spends a client's budget or
# writes says so in its name (`vote_spend_budget`, `vote_add`), so a caller never spends by asking.
LOOKING_PREFIXES = ("check_", "is_", "has_")
SPENDING_OR_WRITING = {"spend", "hit", "save", "create", "update", "delete", "bulk_create", "get_or_create"}


def test_functions_that_only_look_neither_spend_nor_write():
    found = []
    for path in python_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and node.name.startswith(LOOKING_PREFIXES):
                calls = called_names_in(node) & SPENDING_OR_WRITING
                if calls:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} calls {sorted(calls)}")
    assert found == []


def called_names_in(tree: ast.AST) -> set[str]:
    calls = (node.func for node in ast.walk(tree) if isinstance(node, ast.Call))
    return {f.id if isinstance(f, ast.Name) else f.attr for f in calls if isinstance(f, (ast.Name, ast.Attribute))}
