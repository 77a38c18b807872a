from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site

from articles.sections import main_sections


def site(request) -> dict:
    """The site's name (editable in the admin, cached by the sites framework), the header's sections and the
    vote button's label (`NEWSROOM_VOTE_LABEL`)."""
    return {
        "site": get_current_site(request),
        "main_sections": main_sections,
        "vote_label": settings.NEWSROOM_VOTE_LABEL,
    }
