"""Serves: the article form's tag box: a plain comma-separated text field that `static/tags/chips.js`
turns into chips with suggestions from existing tags. Without JavaScript it stays the comma field taggit reads."""

import json

from django.urls import reverse
from taggit.forms import TagWidget
from taggit.utils import parse_tags


class TagChipsWidget(TagWidget):
    class Media:
        js = ["tags/chips.js"]
        css = {"all": ["tags/chips.css"]}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # The chips start from the names themselves, so the script never parses taggit's quoting.
        names = parse_tags(value) if isinstance(value, str) else sorted(tag.name for tag in value or [])
        context["widget"]["attrs"]["data-tag-names"] = json.dumps(names)
        context["widget"]["attrs"]["data-suggestions-url"] = reverse("admin:taggit_tag_suggestions")
        return context
