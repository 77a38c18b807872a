"""`{% extends %}` finding its parent's blocks once per compiled template: the same output as Django's own tag, the
parent walked for its blocks once, and the project's templates rendered through it."""

import pytest
from django.template import Context, Engine
from django.template.base import NodeList
from django.template.loader import get_template
from django.template.loader_tags import BlockNode, ExtendsNode

from newsroom.template_extends import ExtendsKeepingBlocks

pytestmark = pytest.mark.django_db

TEMPLATES = {
    "root.html": "<{% block a %}root a{% endblock %}|"
    "{% block b %}root b{% block c %}root c{% endblock %}{% endblock %}>",
    "middle.html": "{% extends 'root.html' %}{% block b %}middle b [{{ block.super }}]{% endblock %}",
    "leaf.html": "{% extends 'middle.html' %}{% block a %}leaf a {{ who }}{% endblock %}"
    "{% block c %}leaf c{% endblock %}",
    "by_variable.html": "{% extends parent %}{% block a %}by variable{% endblock %}",
}


def engines() -> tuple[Engine, Engine]:
    """Django's engine, and the same with this project's `{% extends %}` (both with the cached loader)."""
    loaders = [("django.template.loaders.cached.Loader", [("django.template.loaders.locmem.Loader", TEMPLATES)])]
    return Engine(loaders=loaders), Engine(loaders=loaders, builtins=["newsroom.template_extends"])


def test_the_same_output_as_djangos_extends_rendered_again_and_again():
    django_engine, ours = engines()
    for name, context in [("leaf.html", {"who": "<me>"}), ("middle.html", {}), ("root.html", {})]:
        expected = django_engine.get_template(name).render(Context(context))
        for _ in range(3):
            assert ours.get_template(name).render(Context(context)) == expected
    parent = ours.get_template("root.html")
    assert ours.get_template("by_variable.html").render(Context({"parent": parent})) == "<by variable|root broot c>"
    assert type(ours.get_template("leaf.html").nodelist[0]) is ExtendsKeepingBlocks


def test_a_parent_is_walked_for_its_blocks_once(monkeypatch):
    _, ours = engines()
    walks = []
    roots = {
        id(ours.get_template(name).nodelist) for name in TEMPLATES
    }  # each template's own node list, not its blocks'
    original = NodeList.get_nodes_by_type

    def counting(self, nodetype):
        if nodetype is BlockNode and id(self) in roots:
            walks.append(self)
        return original(self, nodetype)

    monkeypatch.setattr(NodeList, "get_nodes_by_type", counting)
    leaf = ours.get_template("leaf.html")
    leaf.render(Context({"who": "one"}))
    first = len(walks)
    assert first == 1  # root.html, the root of the chain (middle.html extends it: no blocks of its own to find)
    assert leaf.render(Context({"who": "two"})) == "<leaf a two|middle b [root bleaf c]>"
    assert len(walks) == first


def test_the_reader_pages_extend_base_html_through_it():
    node = get_template("articles/article_detail.html").template.nodelist[0]
    assert isinstance(node, ExtendsNode) and type(node) is ExtendsKeepingBlocks
