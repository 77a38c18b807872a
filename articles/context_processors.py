"""Reads: what every page's template gets: the site's name and the vote button's label."""

from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site


def site(request) -> dict:
    """The site's name (editable in the admin, cached by the sites framework) and the vote button's label
    (`NEWSROOM_VOTE_LABEL`). The header's sections are a shared block: `{% section_nav %}`."""
    return {
        "site": get_current_site(request),
        "vote_label": settings.NEWSROOM_VOTE_LABEL,
    }
