"""Serves: the media library in the admin: upload, describe, set the focal point, see where a picture is used (heroes,
social cards and article bodies; an image in use is never deleted); the article form's chooser (`chooser.py`)."""

from django.contrib import admin
from django.db.models import Q
from django.urls import path
from django.utils.html import format_html

from articles import images
from articles.desk.visibility import articles_visible_to
from articles.editor.pictures import uses_image
from articles.media import chooser, services
from articles.media.forms import ImageForm
from articles.media.models import Image
from articles.models import Article


def thumbnail(image: Image | None, *, size: int = 160) -> str:
    if image is None or not image.file:
        return "No image yet."
    return format_html(
        '<img src="{}" alt="{}" width="{}" height="{}" class="library-thumb">',
        image.square_url(160),
        image.alt,
        size,
        size,
    )


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageForm
    list_display = ["list_thumbnail", "alt", "caption", "credit", "usage", "uploaded_by", "uploaded_at"]
    list_display_links = ["list_thumbnail", "alt"]
    list_select_related = ["uploaded_by"]
    search_fields = ["alt", "caption", "credit", "file"]
    search_help_text = "Alt text, caption, credit or file name."
    date_hierarchy = "uploaded_at"
    ordering = ["-uploaded_at", "-id"]  # recent first: also the chooser's list before anything is typed
    list_per_page = 40
    readonly_fields = ["focal_point_picker", "dimensions", "uploaded_by", "uploaded_at"]
    change_form_template = "library/image_change_form.html"  # adds where the image is used
    fieldsets = [
        (None, {"fields": ["file", "alt", "caption", "credit"]}),
        (
            "Focal point",
            {
                "fields": ["focal_point_picker", "focal_x", "focal_y"],
                "description": "Click the part of the picture that must stay in every crop (social card, squares).",
            },
        ),
        ("About", {"fields": ["dimensions", "uploaded_by", "uploaded_at"]}),
    ]

    class Media:
        css = {"all": ["library/library.css"]}
        js = ["library/focal-point.js"]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A file the store could not take (a full disk) rolls the save back and shows the form again, with why."""
        image = self.get_object(request, object_id) if object_id else None
        if image is not None:
            extra_context = {**(extra_context or {}), "usage_list": articles_using(image, viewer=request.user)}
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except images.MediaNotStored as error:
            request.media_not_stored = str(error)
            for upload in request.FILES.values():
                upload.seek(0)  # read once already, by the save that failed
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        not_stored = getattr(request, "media_not_stored", None)
        return type(form.__name__, (form,), {"not_stored": not_stored}) if not_stored else form

    def get_urls(self):
        label = self.opts.app_label
        own = [
            path("chooser/", self.admin_site.admin_view(chooser.results_view(self)), name=f"{label}_image_chooser"),
            path(
                "chooser/upload/",
                self.admin_site.admin_view(chooser.upload_view(self)),
                name=f"{label}_image_chooser_upload",
            ),
        ]
        return own + super().get_urls()

    def get_queryset(self, request):
        return super().get_queryset(request).with_usage()

    @admin.display(description="Image")
    def list_thumbnail(self, obj: Image) -> str:
        return thumbnail(obj, size=80)

    @admin.display(description="Used by", ordering="usage")
    def usage(self, obj: Image) -> str:
        count = getattr(obj, "usage", None)
        return "—" if count is None else f"{count} article{'s' if count != 1 else ''}"

    def get_deleted_objects(self, objs, request):
        """An image in an article's body is protected like a hero: Django's page says where, and deletes nothing."""
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        protected = list(protected)
        for image in objs:
            for article, how in articles_using(image, viewer=request.user):
                if how == "in the body":
                    protected.append(f"Article: {article.title} (a picture in its body: {image})")
        return deleted, model_count, perms_needed, protected

    @admin.display(description="Size")
    def dimensions(self, obj: Image) -> str:
        return f"{obj.width} x {obj.height} pixels" if obj.width else "—"

    @admin.display(description="Picture")
    def focal_point_picker(self, obj: Image) -> str:
        if not obj.file:
            return "Upload the image and save; then click it here to set the focal point."
        return format_html(
            '<div class="focal-picker" data-focal-picker><img src="{}" alt="{}" width="{}" height="{}">'
            '<span class="focal-marker" aria-hidden="true"></span></div>',
            obj.file.url,
            obj.alt,
            obj.width,
            obj.height,
        )

    def save_model(self, request, obj: Image, form, change: bool) -> None:
        if change:
            services.image_update(image=obj, by=request.user)
        else:
            services.image_create(image=obj, by=request.user)


def articles_using(image: Image, *, viewer) -> list[tuple[Article, str]]:
    """(article, how) for each article `viewer` may see that shows `image`: as its hero, its link-preview card or
    a picture in its body. One query (the body's uses are rows kept by every save)."""
    in_body = uses_image(image.pk)
    found = (
        articles_visible_to(viewer, Article.objects.all())
        .filter(Q(hero=image) | Q(social_image=image) | in_body)
        .annotate(in_body=in_body)
        .only("pk", "title", "hero_id", "social_image_id")
        .order_by("-updated_at", "-pk")
    )
    ways = [("hero", lambda a: a.hero_id == image.pk), ("social card", lambda a: a.social_image_id == image.pk)]
    ways.append(("in the body", lambda a: a.in_body))
    return [(article, way) for article in found for way, used in ways if used(article)]
