from django.contrib.sites.shortcuts import get_current_site

from articles.selectors import main_sections


def site(request) -> dict:
    """The site's name (editable in the admin, cached by the sites framework) and the header's sections."""
    return {"site": get_current_site(request), "main_sections": main_sections}
