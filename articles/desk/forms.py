"""The article form's part in the desk: CRLF line endings normalised, and the version the form was built on,
merged with a colleague's later save (`articles.desk.conflicts.merge`) or refused field by field."""

from django import forms
from django.template.loader import render_to_string
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from taggit.utils import edit_string_for_tags

from articles.desk import conflicts, versions


def normalise_line_endings(data):
    """Browsers send CRLF in text areas; what is stored has LF. Without this every save "changed" the body."""
    if data is None:
        return None
    data = data.copy()
    for key, values in list(data.lists()):
        if any(isinstance(v, str) and "\r" in v for v in values):
            data.setlist(
                key, [v.replace("\r\n", "\n").replace("\r", "\n") if isinstance(v, str) else v for v in values]
            )
    return data


class DeskArticleFormMixin(forms.ModelForm):
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, data=None, *args, **kwargs) -> None:
        super().__init__(normalise_line_endings(data), *args, **kwargs)
        self.merge: conflicts.Merge | None = None
        if self.instance.pk is not None:
            self.fields["base_version"].initial = self.instance.version

    @cached_property
    def changed_data(self) -> list[str]:
        return [name for name in super().changed_data if name != "base_version"]

    def clean(self):
        cleaned = super().clean()
        base = cleaned.get("base_version")
        if self.instance.pk is None or base is None or base == self.instance.version:
            return cleaned
        yours = {
            name: cleaned[name]
            for name in (*versions.COMPARED, "tags")
            if name in self.fields and name in cleaned and not isinstance(self.fields[name].widget, forms.HiddenInput)
        }
        self.merge = conflicts.merge(article=self.instance, base_version=base, yours=yours)
        current = self.merge.current
        for change in self.merge.taken_from_them:
            cleaned[change.field] = (
                list(current.tags.names()) if change.field == "tags" else getattr(current, change.field)
            )
        if self.merge.clashes:
            self._show_current(current)
            html = render_to_string("desk/conflict.html", {"merge": self.merge, "rows": self._rows()})
            raise forms.ValidationError(mark_safe(html), code="edit_conflict")  # noqa: S308 — escaped by the template
        cleaned["base_version"] = current.version
        return cleaned

    def _rows(self) -> list[dict]:
        return [
            {
                "label": change.label,
                "by": change.by,
                "at": change.at,
                "theirs": conflicts.display(change.field, change.theirs),
                "yours": conflicts.display(change.field, change.yours),
                "clash": change.clash,
            }
            for change in [*self.merge.clashes, *self.merge.taken_from_them]
        ]

    def _show_current(self, current) -> None:
        """Re-render with the colleague's values where only they changed, built on the current version: a
        second save then applies the editor's own edits over theirs, knowingly."""
        self.data = self.data.copy()
        self.data[self.add_prefix("base_version")] = str(current.version)
        for change in self.merge.taken_from_them:
            name = change.field
            field = self.fields[name]
            html_name = self.add_prefix(name)
            widget = field.widget
            if name == "tags":
                self.data[html_name] = edit_string_for_tags(list(current.tags.all()))
            elif isinstance(widget, forms.MultiWidget):
                parts = widget.decompress(field.prepare_value(getattr(current, name)))
                for sub, suffix, part in zip(widget.widgets, widget.widgets_names, parts, strict=False):
                    self.data[html_name + suffix] = sub.format_value(part) or ""
            elif isinstance(widget, forms.CheckboxInput):
                if getattr(current, name):
                    self.data[html_name] = "on"
                else:
                    self.data.pop(html_name, None)
            elif not isinstance(widget, forms.FileInput):
                value = field.prepare_value(getattr(current, name))
                self.data[html_name] = "" if value is None else str(value)
