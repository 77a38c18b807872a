"""Helpers for the desk's tests: staff accounts, and a change form's POST data as the browser would send it."""

from django import forms
from django.contrib.auth.models import Group, User

CHANGE_URL = "/admin/articles/article/{pk}/change/"


def staff(username: str, group: str, *, first_name: str = "", email: str = "") -> User:
    user = User.objects.create_user(
        username=username, password="pw-for-tests-only", is_staff=True, first_name=first_name, email=email
    )
    user.groups.add(Group.objects.get(name=group))
    return user


def change_form_data(client, article, **overrides) -> dict:
    """What the browser posts back for the change form as `client` sees it now (CRLF line endings included)."""
    response = client.get(CHANGE_URL.format(pk=article.pk))
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for bound in form:
        widget, value = bound.field.widget, bound.value()
        if isinstance(widget, forms.MultiWidget):
            parts = widget.decompress(value)
            for suffix, sub, part in zip(widget.widgets_names, widget.widgets, parts, strict=False):
                data[bound.html_name + suffix] = sub.format_value(part) or ""
        elif isinstance(widget, forms.CheckboxInput):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(widget, forms.FileInput):
            continue
        elif bound.name == "tags":
            data["tags"] = widget.format_value(value) or ""
        else:
            data[bound.html_name] = "" if value is None else str(value).replace("\n", "\r\n")
    data.update(overrides)
    return data
