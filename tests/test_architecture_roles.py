"""Each module says first what it does to stored data, in the words the layering rules (test_architecture) use.

A module's docstring opens with one of four words and a colon — `Reads:`, `Writes:`, `Serves:` or `Defines:` — so
the next engineer knows before reading on whether calling into it can change what the site stores. The word must
agree with what tests/test_architecture.py already knows of the module, and a module that says it reads imports
nothing that writes.
"""

import ast
from pathlib import Path

from tests.test_architecture import (
    FEATURE_MODELS,
    READ_MODULES,
    REQUEST_LAYER,
    ROOT,
    WRITE_MODULES,
    imported_modules,
    python_modules,
)

ROLES = {
    "Reads": "looks at stored data (rows, files, the cache, the request, settings) and changes none of it; keeping "
    "what it read in the cache (`get_or_build`) is still reading",
    "Writes": "changes what the site stores: rows, uploaded files and renditions, counters, queued work, e-mail "
    "sent, edge purges (a management command that changes data writes)",
    "Serves": "the request layer: views, endpoints, admin pages, forms, middleware; it answers a request by calling "
    "reads and writes",
    "Defines": "what the others are built from, with no reads or writes of its own: models, settings, URL maps, app "
    "configs, cache keys and mechanisms, constants, pure functions",
}
# What test_architecture's layering lists already say about a module.
LAYERS = {"Writes": WRITE_MODULES, "Reads": set(READ_MODULES), "Serves": REQUEST_LAYER, "Defines": FEATURE_MODELS}
# A read may import a writing module for what that module also names, never to call its writes.
READS_IMPORTING_A_WRITER = {  # rendition names and URLs only
    ("articles.seo", "articles.media.renditions"),
    ("articles.templatetags.reader", "articles.media.renditions"),
}


def dotted(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def role_of(path: Path) -> str | None:
    """The word before the first colon of the module docstring's first line; None without a docstring."""
    docstring = ast.get_docstring(ast.parse(path.read_text()), clean=False)
    if not docstring:
        return None
    return docstring.split("\n", 1)[0].split(":", 1)[0] if ":" in docstring.split("\n", 1)[0] else ""


def modules_with_a_role() -> dict[str, str | None]:
    """Every module with code, by dotted name: a package's `__init__.py` that only describes the package is left out."""
    roles = {}
    for path in python_modules():
        body = ast.parse(path.read_text()).body
        if path.name == "__init__.py" and len(body) <= 1:
            continue
        roles[dotted(path)] = role_of(path)
    return roles


def test_every_module_says_first_whether_it_reads_or_writes():
    wrong = {module: role for module, role in modules_with_a_role().items() if role not in ROLES}
    rule = "\n".join(f"  {word}: {meaning}" for word, meaning in ROLES.items())
    assert not wrong, (
        'Open each module\'s docstring with its role and a colon (`"""Reads: …`), one of:\n'
        + rule
        + "\nFound instead:\n"
        + "\n".join(f"  {module}: {role!r}" for module, role in sorted(wrong.items(), key=lambda item: item[0]))
    )


def test_the_roles_agree_with_the_layering_rules():
    roles = modules_with_a_role()
    disagree = [
        f"{module} says {roles.get(module)!r}; test_architecture lists it with the modules that {word.lower()}"
        for word, modules in LAYERS.items()
        for module in sorted(modules)
        if roles.get(module) != word
    ]
    disagree += [
        f"{module} says {role!r}: models define"
        for module, role in roles.items()
        if module.endswith(".models") and role != "Defines"
    ]
    assert disagree == []


def test_a_module_that_reads_imports_nothing_that_writes():
    roles = modules_with_a_role()
    writers = WRITE_MODULES | {module for module, role in roles.items() if role == "Writes"}
    found = [
        f"{module} imports {writer}"
        for module, role in sorted(roles.items())
        if role == "Reads"
        for writer in sorted(imported_modules(module) & writers)
        if (module, writer) not in READS_IMPORTING_A_WRITER
    ]
    assert found == []
