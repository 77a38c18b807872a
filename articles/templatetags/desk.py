"""Reads: template filters for the editors' desk pages."""

from django import template

register = template.Library()


@register.filter
def person(user, missing: str = "someone") -> str:
    """A user as colleagues know them: full name, else username; `missing` for none (a script, a deleted account)."""
    if user is None:
        return missing
    return user.get_full_name() or user.get_username()
