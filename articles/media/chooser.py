"""Serves: the pictures chooser of the article form (hero, social image, a body picture): reads the library as a
grid of thumbnails, searched and recent first, and takes an upload in place (through `services.image_create`).

Served inside the admin (`ImageAdmin.get_urls`), so the desk's sign-in, permissions and CSRF apply; the grid is
HTML rendered here and dropped into the form's dialog by `static/library/chooser.js`.
"""

import json
from pathlib import PurePosixPath

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from articles import images
from articles.media import services
from articles.media.forms import ChooserUploadForm
from articles.media.models import Image

PER_PAGE = 24


def describe(image: Image) -> dict:
    """What the form needs of a chosen picture: its words, its thumbnail, link-preview card and original."""
    return {
        "id": image.pk,
        "alt": image.alt,
        "caption": image.caption,
        "credit": image.credit,
        "name": PurePosixPath(image.file.name).name,
        "thumb": image.square_url(),  # 320 px, shown at 160: sharp on 2x screens
        "card": image.social_card_url,
        "src": image.file.url,
        "width": image.width,
        "height": image.height,
    }


def results_view(model_admin):
    @require_GET
    def results(request):
        if not model_admin.has_view_permission(request):
            raise PermissionDenied
        term = request.GET.get("q", "")
        found = Image.objects.search(term).order_by("-uploaded_at", "-id")
        page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
        context = {
            "page": page,
            "term": term.strip(),
            "choices": [(image, json.dumps(describe(image))) for image in page.object_list],
            "may_upload": model_admin.has_add_permission(request),
        }
        return TemplateResponse(request, "library/chooser_results.html", context)

    return results


def upload_view(model_admin):
    @require_POST
    def upload(request):
        if not model_admin.has_add_permission(request):
            raise PermissionDenied
        form = ChooserUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            errors = [
                f"{form.fields[name].label if name in form.fields else name}: {' '.join(messages)}"
                for name, messages in form.errors.items()
            ]
            return JsonResponse({"errors": errors}, status=400)
        try:
            image = services.image_create(image=form.save(commit=False), by=request.user)
        except images.MediaNotStored as error:
            return JsonResponse({"errors": [str(error)]}, status=507)
        image.refresh_from_db()  # renditions made meanwhile (tasks run inline without a worker)
        return JsonResponse({"image": describe(image)}, status=201)

    return upload


class ImageChooserWidget(forms.Widget):
    """A library image for a foreign key (the hero, the social image): its preview, and a button opening the
    chooser; the choice is a hidden input, so the form posts an id as a select would."""

    template_name = "library/chooser_widget.html"

    class Media:
        css = {"all": ["library/chooser.css"]}
        js = ["library/chooser.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        pk = str(value or "")
        image = Image.objects.filter(pk=pk).first() if pk.isdigit() else None
        label = Image._meta.app_label
        context["widget"].update(
            image=image,
            choice=json.dumps(describe(image)) if image and image.file else "",
            results_url=reverse(f"admin:{label}_image_chooser"),
            upload_url=reverse(f"admin:{label}_image_chooser_upload"),
        )
        return context

    def render(self, name, value, attrs=None, renderer=None):
        # The project's templates (the form renderer looks only in Django's own and the apps' folders).
        return mark_safe(render_to_string(self.template_name, self.get_context(name, value, attrs)))  # noqa: S308
