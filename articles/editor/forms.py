"""Serves: the article body in the admin: django-prose-editor configured from `markup.BODY_EXTENSIONS`.

Cleaning turns a supported provider's pasted <iframe> into its embed URL, notes what the sanitiser will
remove (`removed`, shown to the editor after the save), refuses a picture without alt text or one no longer in
the library (`articles/editor/pictures.py`) and keeps the stored body byte for byte when the
editor sends back the same document in its own spelling (`<li><p>x</p></li>` for `<li>x</li>`), so opening
and saving an article never rewrites its body.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_prose_editor.fields import ProseEditorFormField
from django_prose_editor.widgets import AdminProseEditorWidget

from articles.editor import embeds, pictures
from articles.editor.markup import BODY_EXTENSIONS
from articles.editor.removals import describe_removed
from articles.media.models import Image
from articles.sanitize import sanitize_html


class BodyEditorWidget(AdminProseEditorWidget):
    @property
    def media(self):
        own = forms.Media(
            css={"all": ["editor/editor.css", "editor/embed-cards.css", "library/chooser.css"]},
            js=["editor/body-tools.js", "library/chooser.js"],
        )
        return super().media + own

    def get_context(self, name, value, attrs):
        """The figure button's chooser asks the library's grid and upload here (static/library/chooser.js)."""
        label = Image._meta.app_label
        chooser = {
            "data-chooser-results-url": reverse(f"admin:{label}_image_chooser"),
            "data-chooser-upload-url": reverse(f"admin:{label}_image_chooser_upload"),
        }
        return super().get_context(name, value, {**(attrs or {}), **chooser})


_LONE_PARAGRAPH_IN_ITEM = re.compile(r"<li>\s*<p>((?:(?!</?p\b).)*)</p>\s*</li>", re.DOTALL)
_BETWEEN_TAGS = re.compile(r">\s+<")


def same_document(first: str, second: str) -> bool:
    """Whether two sanitised bodies differ only in how the editor spells the same structure."""

    def canonical(html: str) -> str:
        html = _BETWEEN_TAGS.sub("><", html.strip())
        return _LONE_PARAGRAPH_IN_ITEM.sub(r"<li>\1</li>", html)

    return canonical(first) == canonical(second)


class BodyField(ProseEditorFormField):
    """The body: a rich-text editor whose markup is the sanitiser's allowlist."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault(
            "help_text",
            "Paste a YouTube, Vimeo, X, Instagram, Bluesky, Mastodon, Datawrapper or "
            "Flourish link on a line of its own to embed it. Unsupported markup is removed on save.",
        )
        # Preview cards under embed URLs (static/editor/embed-cards.js): they add no markup, so not in the allowlist.
        extensions = {**BODY_EXTENSIONS, "EmbedCards": {"providers": embeds.card_providers()}}
        super().__init__(config={"extensions": extensions}, widget=BodyEditorWidget, **kwargs)
        self.removed: list[str] = []

    def clean(self, value):
        html = embeds.frames_to_urls(super().clean(value))
        self.removed = describe_removed(html)
        clean = sanitize_html(html)
        if missing := pictures.images_without_alt(clean):
            raise ValidationError(
                "%(count)s picture(s) in the body have no alt text. Select each and press the picture button "
                "to say what it shows, for readers who cannot see it.",
                code="picture_without_alt",
                params={"count": missing},
            )
        ids = pictures.image_ids(clean)
        if gone := sorted(set(ids) - set(Image.objects.filter(pk__in=ids).values_list("pk", flat=True))):
            raise ValidationError(
                "A picture in the body is no longer in the media library (image %(ids)s): remove it or choose another.",
                code="picture_not_in_library",
                params={"ids": ", ".join(map(str, gone))},
            )
        return clean

    def keep_stored(self, *, cleaned: str, stored: str | None) -> str:
        """The stored body when `cleaned` is the same document, so an unchanged save changes nothing."""
        return stored if stored is not None and same_document(cleaned, stored) else cleaned
