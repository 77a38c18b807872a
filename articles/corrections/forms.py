"""Serves: the article form's "Tell readers" part: an editor saving a live story may mark the change as
a correction, with the note readers see. Checked here, written by `ReaderNoteAdminMixin.save_related` through
`articles.corrections.services` in the save's transaction."""

from django import forms
from django.core.exceptions import ValidationError

from articles.corrections.models import clean_note
from articles.corrections.services import correction_note_add
from articles.models import Article
from articles.publishing import can_publish

FIELDS = ("is_correction", "reader_note")


class ReaderNoteFormMixin(forms.ModelForm):
    is_correction = forms.BooleanField(
        required=False, label="This change is a correction: show readers a note on the story"
    )
    reader_note = forms.CharField(
        required=False,
        max_length=1000,
        label="Correction note",
        widget=forms.TextInput(attrs={"size": 60, "placeholder": "an earlier version said 40 minutes"}),
        help_text="Readers see “Correction, 4 December: …” under the story, in the feeds and in search engines' data.",
    )
    editor = None  # the signed-in user, set on the class by the admin's `get_form`

    @property
    def offers_reader_note(self) -> bool:
        """Only an editor, and only on a story that is live now: a draft has no readers to tell."""
        stored = self.instance.pk and Article.objects.filter(pk=self.instance.pk, status=Article.Status.PUBLISHED)
        return bool(stored and stored.exists() and can_publish(self.editor))

    @property
    def changed_data(self) -> list[str]:
        return [name for name in super().changed_data if name not in FIELDS]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("is_correction"):
            cleaned["reader_note"] = ""
            return cleaned
        if not self.offers_reader_note or cleaned.get("status", Article.Status.PUBLISHED) != Article.Status.PUBLISHED:
            raise ValidationError("Only an editor saving a live story (and keeping it live) can mark a correction.")
        try:
            cleaned["reader_note"] = clean_note(cleaned.get("reader_note", ""))
        except ValidationError as refused:
            self.add_error("reader_note", refused)
        return cleaned


class ReaderNoteAdminMixin:
    """Adds the form part to the article admin's form and writes the note after the save."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = kwargs.pop("form", self.form)
        kwargs["form"] = type(f"Noted{form.__name__}", (ReaderNoteFormMixin, form), {"editor": request.user})
        return super().get_form(request, obj, change=change, **kwargs)

    def save_related(self, request, form, formsets, change: bool) -> None:
        """After the article's save, in its transaction (the admin's `save_model` is the article's own)."""
        super().save_related(request, form, formsets, change)
        if change and form.cleaned_data.get("reader_note"):
            correction_note_add(article=form.instance, note=form.cleaned_data["reader_note"], by=request.user)
