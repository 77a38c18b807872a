"""Reads: `{{ article.body|with_embeds }}`: the sanitised body with library pictures drawn from their renditions
(`articles/editor/pictures.py`) and supported URLs drawn as click-to-load embeds."""

from django import template
from django.utils.safestring import SafeString

from articles.editor.embeds import render_embeds
from articles.editor.pictures import render_pictures

register = template.Library()


@register.filter
def with_embeds(body: str) -> SafeString:
    return render_embeds(render_pictures(body))
