"""`{{ article.body|with_embeds }}`: the sanitised body with supported URLs drawn as click-to-load embeds."""

from django import template
from django.utils.safestring import SafeString

from articles.editor.embeds import render_embeds

register = template.Library()


@register.filter
def with_embeds(body: str) -> SafeString:
    return render_embeds(body)
