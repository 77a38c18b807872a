"""Serves: the article list in the admin: filters typed (with suggestions) instead of picked from long lists, the
editors' pick order edited in place by editors only, and tags added or removed in bulk."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count, Q
from taggit.models import Tag
from taggit.utils import parse_tags

from articles.publishing import can_publish

SUGGESTIONS = 40


class TypedFilter(admin.ListFilter):
    """A filter the editor types into (the browser suggests values from a short list), not a list of links."""

    template = "admin/articles/typed_filter.html"
    parameter_name = ""
    placeholder = ""

    def __init__(self, request, params, model, model_admin) -> None:
        super().__init__(request, params, model, model_admin)
        given = params.pop(self.parameter_name, None)
        self.value = ((given[-1] if isinstance(given, list) else given) or "").strip()
        self.used_parameters = {self.parameter_name: self.value} if self.value else {}

    def has_output(self) -> bool:
        return True

    def expected_parameters(self) -> list[str]:
        return [self.parameter_name]

    def suggestions(self) -> list[str]:
        raise NotImplementedError

    def choices(self, changelist):
        hidden = [
            (name, value)
            for name, values in changelist.params.items()
            if name != self.parameter_name
            for value in (values if isinstance(values, list) else [values])
        ]
        yield {
            "name": self.parameter_name,
            "placeholder": self.placeholder,
            "value": self.value,
            "hidden": hidden,
            "suggestions": self.suggestions(),
            "clear": changelist.get_query_string(remove=[self.parameter_name]),
        }


class TagFilter(TypedFilter):
    title = "tag"
    parameter_name = "tag"
    placeholder = "Type a tag"

    def suggestions(self) -> list[str]:
        used = Tag.objects.annotate(n=Count("articles_taggedarticle_items")).order_by("-n", "name")
        return list(used.values_list("name", flat=True)[:SUGGESTIONS])

    def queryset(self, request, queryset):
        return queryset.filter(tags__name__iexact=self.value) if self.value else queryset


class AuthorFilter(TypedFilter):
    title = "author"
    parameter_name = "author"
    placeholder = "Type a user name"

    def suggestions(self) -> list[str]:
        from django.contrib.auth import get_user_model

        authors = get_user_model().objects.filter(articles__isnull=False).distinct().order_by("username")
        return list(authors.values_list("username", flat=True)[:SUGGESTIONS])

    def queryset(self, request, queryset):
        if not self.value:
            return queryset
        v = self.value
        return queryset.filter(Q(author__username__iexact=v) | Q(author__last_name__iexact=v))


class TagActionForm(helpers.ActionForm):
    tags = forms.CharField(
        required=False,
        label="Tags",
        help_text="For “Add tags” and “Remove tags”: comma-separated.",
        widget=forms.TextInput(attrs={"placeholder": "tags, comma-separated", "size": 24}),
    )


def _tag_action(description: str, *, add: bool):
    @admin.action(description=description, permissions=["publish"])
    def action(model_admin, request, queryset) -> None:
        names = parse_tags(request.POST.get("tags", ""))
        if not names:
            model_admin.message_user(request, "Type the tags in the box next to the action.", messages.WARNING)
            return
        for article in queryset:
            if add:
                article.tags.add(*names)  # TAGGIT_CASE_INSENSITIVE: an existing tag in any case is reused
            else:
                article.tags.remove(*Tag.objects.filter(any_name(names)))
            model_admin.log_change(request, article, f"{'Added' if add else 'Removed'} tags: {', '.join(names)}.")
        done = "Added" if add else "Removed"
        model_admin.message_user(request, f"{done} {', '.join(names)} on {queryset.count()} article(s).")

    return action


def any_name(names: list[str]) -> Q:
    query = Q(pk__in=[])
    for name in names:
        query |= Q(name__iexact=name)
    return query


add_tags = _tag_action("Add tags (typed in the box)", add=True)
remove_tags = _tag_action("Remove tags (typed in the box)", add=False)


def pick_order_form(form_class, request):
    """The list's editable form: the editors' pick order is editable for editors only."""
    if can_publish(request.user):
        return form_class

    class ReadOnlyPickOrder(form_class):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.fields["editors_pick_order"].disabled = True

    return ReadOnlyPickOrder
