"""The media library in the admin: upload, describe, set the focal point; the article form's image chooser."""

from django.contrib import admin
from django.utils.html import format_html

from articles import images
from articles.media import services
from articles.media.forms import ImageForm
from articles.media.models import Image


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
    readonly_fields = ["focal_point_picker", "dimensions", "usage", "uploaded_by", "uploaded_at"]
    fieldsets = [
        (None, {"fields": ["file", "alt", "caption", "credit"]}),
        (
            "Focal point",
            {
                "fields": ["focal_point_picker", "focal_x", "focal_y"],
                "description": "Click the part of the picture that must stay in every crop (social card, squares).",
            },
        ),
        ("About", {"fields": ["dimensions", "usage", "uploaded_by", "uploaded_at"]}),
    ]

    class Media:
        css = {"all": ["library/library.css"]}
        js = ["library/focal-point.js"]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A file the store could not take (a full disk) rolls the save back and shows the form again, with why."""
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

    def get_queryset(self, request):
        return super().get_queryset(request).with_usage()

    @admin.display(description="Image")
    def list_thumbnail(self, obj: Image) -> str:
        return thumbnail(obj, size=80)

    @admin.display(description="Used by", ordering="usage")
    def usage(self, obj: Image) -> str:
        count = getattr(obj, "usage", None)
        return "—" if count is None else f"{count} article{'s' if count != 1 else ''}"

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
