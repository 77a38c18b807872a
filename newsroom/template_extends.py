"""Reads: `{% extends %}` that finds its parent's blocks once per compiled parent (a template builtin).

Django's `{% extends %}` walks the whole parent template (base.html: every node, every include's arguments) for
its `{% block %}`s on every render, ~30-50 µs of an article page rendered afresh. A compiled template never
changes (the cached loader keeps it until the process ends; without that loader each load compiles anew), so its
blocks are found once and kept on it. Everything else is Django's own `ExtendsNode`: the same parent, the same
block order, the same output.
"""

from django import template
from django.template.base import TextNode
from django.template.loader_tags import BLOCK_CONTEXT_KEY, BlockContext, BlockNode, ExtendsNode, do_extends

register = template.Library()

_UNSEEN = object()


def _root_blocks(parent) -> dict | None:
    """The blocks of `parent` where it is the root (no `{% extends %}` of its own), else None — as Django decides."""
    kept = parent.__dict__.get("_newsroom_root_blocks", _UNSEEN)
    if kept is not _UNSEEN:
        return kept
    blocks = None
    for node in parent.nodelist:  # the ExtendsNode has to be the first non-text node
        if not isinstance(node, TextNode):
            if not isinstance(node, ExtendsNode):
                blocks = {n.name: n for n in parent.nodelist.get_nodes_by_type(BlockNode)}
            break
    parent._newsroom_root_blocks = blocks
    return blocks


class ExtendsKeepingBlocks(ExtendsNode):
    def render(self, context):
        compiled_parent = self.get_parent(context)
        if BLOCK_CONTEXT_KEY not in context.render_context:
            context.render_context[BLOCK_CONTEXT_KEY] = BlockContext()
        block_context = context.render_context[BLOCK_CONTEXT_KEY]
        block_context.add_blocks(self.blocks)  # reads the dictionary, never changes it
        if (blocks := _root_blocks(compiled_parent)) is not None:
            block_context.add_blocks(blocks)
        with context.render_context.push_state(compiled_parent, isolated_context=False):
            return compiled_parent._render(context)


@register.tag("extends")
def extends(parser, token):
    """Django's `{% extends %}` (the same parsing and checks), rendered by `ExtendsKeepingBlocks`."""
    node = do_extends(parser, token)
    return ExtendsKeepingBlocks(node.nodelist, node.parent_name, node.template_dirs)
