"""Serves: the article form's part in the desk: CRLF line endings normalised; the version the form was built on and
the fingerprints of what it showed then, merged with a colleague's later save (`articles.desk.conflicts.merge`)
or refused field by field; and a save refused from an editor whose edit lock was taken over."""

import json

from django import forms
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from taggit.utils import edit_string_for_tags

from articles.desk import conflicts, locks, versions
from articles.models import Article

HIDDEN = ("base_version", "base_state", "edit_lock")


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


def opened_state(article: Article) -> dict | None:
    """What a form opened now on `article` is built on: the stored row, or — when an autosave put older text in
    the form (`article.version` is then the autosave's) — the kept version it was written on, if still kept."""
    stored = Article.objects.filter(pk=article.pk).first()
    if stored is None:
        return None
    if stored.version == article.version:
        return versions.state_of(stored)
    kept, _ = versions.versions_since(stored, number=article.version)
    return kept.state if kept else None


def parse_fingerprints(text: str | None) -> dict[str, str] | None:
    """The `base_state` a form sent back, if it is a whole one (a field for every compared name)."""
    try:
        found = json.loads(text or "")
    except ValueError:
        return None
    wanted = {*versions.COMPARED, "tags"}
    if not isinstance(found, dict) or not wanted <= found.keys() or not all(isinstance(v, str) for v in found.values()):
        return None
    return found


class DeskArticleFormMixin(forms.ModelForm):
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Fingerprints of every compared field as the form showed them: the merge's base, kept or not.
    base_state = forms.CharField(widget=forms.HiddenInput, required=False)
    # "held" when this editor had the edit lock as the form opened (set by the admin, which takes the lock).
    edit_lock = forms.CharField(widget=forms.HiddenInput, required=False)
    editor = None  # the signed-in user, set on the class by the admin's `get_form`

    def __init__(self, data=None, *args, **kwargs) -> None:
        super().__init__(normalise_line_endings(data), *args, **kwargs)
        self.merge: conflicts.Merge | None = None
        if self.instance.pk is not None:
            self.fields["base_version"].initial = self.instance.version
            if data is None:  # only an unbound form shows its initial values
                state = opened_state(self.instance)
                self.fields["base_state"].initial = json.dumps(versions.fingerprints(state)) if state else ""

    @cached_property
    def changed_data(self) -> list[str]:
        return [name for name in super().changed_data if name not in HIDDEN]

    def clean(self):
        cleaned = super().clean()
        self._check_lock(cleaned)
        base = cleaned.get("base_version")
        if self.instance.pk is None or base is None or base == self.instance.version:
            return cleaned
        yours = {
            name: cleaned[name]
            for name in (*versions.COMPARED, "tags")
            if name in self.fields and name in cleaned and not isinstance(self.fields[name].widget, forms.HiddenInput)
        }
        opened = parse_fingerprints(cleaned.get("base_state"))
        self.merge = conflicts.merge(article=self.instance, base_version=base, yours=yours, opened=opened)
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

    def _check_lock(self, cleaned) -> None:
        """An editor whose lock was taken over saves nothing until it is free again; what they typed stays."""
        if self.instance.pk is None or self.editor is None or cleaned.get("edit_lock") != "held":
            return
        holder = locks.lock_holder(article=self.instance)
        if holder is not None and holder.user_id != self.editor.pk:
            raise forms.ValidationError(
                f"Not saved: {locks.holder_name(holder)} took over this article at "
                f"{timezone.localtime(holder.since):%H:%M} and is editing it now. Your text is still in the form "
                "below: copy what you need, then open the article again when they are done.",
                code="taken_over",
            )

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
        self.data[self.add_prefix("base_state")] = json.dumps(versions.fingerprints(versions.state_of(current)))
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
