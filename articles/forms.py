"""Serves: the article form in the admin: the body's editor field, and what the sanitiser would remove from it."""

from django import forms

from articles.editor.forms import BodyField
from articles.media.chooser import ImageChooserWidget
from articles.models import Article
from articles.publishing import check_slug_not_redirecting, free_slug
from articles.tags.chips import TagChipsWidget


class ArticleAdminForm(forms.ModelForm):
    body = BodyField(label="Body")

    class Meta:
        model = Article
        fields = "__all__"  # noqa: DJ007 — the admin's fieldsets decide what is shown
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "meta_description": forms.Textarea(attrs={"rows": 2}),
            "social_description": forms.Textarea(attrs={"rows": 2}),
            "tags": TagChipsWidget,  # chips with suggestions (static/tags/chips.js); a comma field without JS
        }

    class Media:
        js = ["editor/seo-preview.js"]  # the search-result and link previews follow the fields

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The library's chooser (a grid of thumbnails, search, upload in place) in place of the admin's select and
        # its add/change links; the hero and link previews follow the choice at once (static/library/chooser.js).
        for name in ("hero", "social_image"):
            if name in self.fields:
                self.fields[name].widget = ImageChooserWidget(attrs={"id": f"id_{name}"})

    def clean_body(self) -> str:
        return self.fields["body"].keep_stored(cleaned=self.cleaned_data["body"], stored=self.initial.get("body"))

    def clean_slug(self) -> str:
        typed = self.cleaned_data["slug"]
        # A repeated headline gets the next free address ("storm-2"), said after the save (`slug_moved`).
        slug = free_slug(slug=typed, article_pk=self.instance.pk) if typed else typed
        self.slug_moved = (typed, slug) if slug != typed else None
        try:
            check_slug_not_redirecting(article=Article(pk=self.instance.pk, slug=slug))
        except forms.ValidationError as refused:
            raise forms.ValidationError(refused.error_dict["slug"]) from None  # shown next to the field
        return slug

    @property
    def removed_markup(self) -> list[str]:
        """What the sanitiser removed from the submitted body, for the message after the save."""
        return self.fields["body"].removed
