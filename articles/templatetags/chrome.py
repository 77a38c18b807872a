"""Reads: `{% chrome %}`: a page's static chrome (head links, header, footer) rendered once per process and language.

Every page rendered afresh paid for the same ~40 template nodes around its own content: translations, static and
feed URLs, the site's name (and, on an article, the vote button's messages and the breadcrumb's labels). Inside
`{% chrome site.name %}…{% endchrome %}` they are rendered once and kept, keyed by what they can depend on: the
language, the values the tag names (`site.name`: an edit in the admin gives a new key), the URL configuration and
script prefix (for `{% cached_url %}`), autoescaping, and the day each `{% now %}` inside reads (the footer's year;
a format naming a time of day is rendered each time, its output the key).

Nothing else can get in, so nothing personal or per-request can be kept: the region is checked when the template
is compiled, and a variable it does not name (a user, a CSRF token, a nonce, a message), a filter, a tag other than
`translate`, `blocktranslate` (of named variables), `static`, `cached_url` and `now` (with constant arguments), is a
`TemplateSyntaxError` (tests/test_chrome.py).
"""

import re
from datetime import datetime

from django import template
from django.conf import settings
from django.template.base import TextNode, VariableNode
from django.template.defaulttags import NowNode
from django.template.library import SimpleNode
from django.templatetags.i18n import BlockTranslateNode, TranslateNode
from django.templatetags.static import StaticNode
from django.urls import get_script_prefix, get_urlconf
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from articles.templatetags.reader import cached_url

register = template.Library()

CHROME_KEPT = 64  # versions of one region kept per process (languages, site names, years): counted, not measured


class ChromeNode(template.Node):
    # No block can be inside (`_unkept` refuses every other tag): `{% extends %}`, which walks the parent's nodes for
    # its blocks on every render, need not walk a region's.
    child_nodelists = ()

    def __init__(self, nodelist, names: list):
        self.nodelist = nodelist
        self.names = names  # compiled: a name missing from the context is None, as `{{ }}` would show it empty
        self.urls = any(isinstance(node, SimpleNode) for node in nodelist)
        self.clocks = [node for node in nodelist if isinstance(node, NowNode)]
        self.kept: dict[tuple, str] = {}

    def render(self, context) -> str:
        key = (
            get_language(),
            context.autoescape,
            *(name.resolve(context, ignore_failures=True) for name in self.names),
            *((get_urlconf(), get_script_prefix()) if self.urls else ()),
            *(_clock(clock, context) for clock in self.clocks),
        )
        found = self.kept.get(key)
        if found is None:
            found = self.nodelist.render(context)
            if len(self.kept) >= CHROME_KEPT:
                self.kept.clear()
            self.kept[key] = found
        return mark_safe(found)  # noqa: S308 — the region's own render, kept as it was


# Django's date format characters that name no time of day: a `{% now %}` using only these (and no escapes) renders the
# same all day, so the day (in the current time zone, as `{% now %}` reads it) finds its kept copy.
_DAY_FORMAT = re.compile(r"[dDjlNwzWEFmMnbtyYLoS\s,./-]*")


def _clock(node: NowNode, context):
    """What a `{% now %}` adds to the key: the day, where its format names no time of day; else its own render."""
    if _DAY_FORMAT.fullmatch(node.format_string):
        return datetime.now(tz=timezone.get_current_timezone() if settings.USE_TZ else None).date()
    return node.render(context)


@register.tag
def chrome(parser, token):
    """`{% chrome name… %}…{% endchrome %}`: static chrome that reads only the variables named."""
    names = tuple(token.split_contents()[1:])
    nodelist = parser.parse(("endchrome",))
    parser.delete_first_token()
    for node in nodelist:
        problem = _unkept(node, names)
        if problem:
            raise template.TemplateSyntaxError(f"{{% chrome %}} cannot keep {problem}")
    return ChromeNode(nodelist, [parser.compile_filter(name) for name in names])


def _unkept(node, names: tuple[str, ...]) -> str:
    """Why `node` may not be kept in a region naming `names` ("" when it may)."""
    if isinstance(node, TextNode):
        return ""
    if isinstance(node, VariableNode):
        return _unnamed(node.filter_expression, names)
    if isinstance(node, TranslateNode):
        return "" if node.asvar is None and _constant(node.filter_expression) else "a translation of a variable"
    if isinstance(node, BlockTranslateNode):
        if node.counter is not None or node.asvar is not None:
            return "a counted or assigned blocktranslate"
        return next((p for p in (_unnamed(v, names) for v in node.extra_context.values()) if p), "")
    if isinstance(node, StaticNode):
        return "" if node.varname is None and _constant(node.path) else "a static file named by a variable"
    if isinstance(node, SimpleNode) and node.func is cached_url:
        constant = node.target_var is None and all(map(_constant, [*node.args, *node.kwargs.values()]))
        return "" if constant else "a URL of a variable"
    if isinstance(node, NowNode):
        return "" if node.asvar is None else "an assigned {% now %}"
    return f"{node.__class__.__name__} (only text, named variables, translations, static, cached_url, now)"


def _constant(expression) -> bool:
    variable = expression.var
    return not expression.filters and (not isinstance(variable, template.Variable) or variable.literal is not None)


def _unnamed(expression, names: tuple[str, ...]) -> str:
    """Why a `{{ … }}` may not be kept: a filter, or a variable the region does not name."""
    if expression.filters:
        return f"a filter ({expression.token})"
    variable = expression.var
    if isinstance(variable, template.Variable) and variable.literal is None and variable.var not in names:
        return f"the variable {variable.var!r}, which it does not name"
    return ""
