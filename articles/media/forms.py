"""Serves: the media library's upload form: a file too big or not an image is refused before it is stored, and a file
the store could not take (a full disk) is shown as an error on the form."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

from articles import images
from articles.media.models import Image


class CappedImageField(forms.ImageField):
    """An image upload no larger than NEWSROOM_MAX_UPLOAD_BYTES, refused before Pillow reads any of it."""

    def to_python(self, data):
        limit = settings.NEWSROOM_MAX_UPLOAD_BYTES
        if isinstance(data, UploadedFile) and data.size > limit:
            raise ValidationError(
                "This file is %(size)s; the largest upload is %(limit)s. Export a smaller JPEG or PNG "
                "(no page needs more) and upload it again.",
                code="file_too_big",
                params={"size": filesizeformat(data.size), "limit": filesizeformat(limit)},
            )
        return super().to_python(data)


class ImageForm(forms.ModelForm):
    # Why the upload could not be stored (a full disk), on the form shown again after the failed save (`ImageAdmin`).
    not_stored: str | None = None

    class Meta:
        model = Image
        fields = ["file", "alt", "caption", "credit", "focal_x", "focal_y"]
        field_classes = {"file": CappedImageField}
        widgets = {
            # Set by clicking the picture (static/media/focal-point.js); typed by hand without JavaScript.
            "focal_x": forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "1", "data-focal": "x"}),
            "focal_y": forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "1", "data-focal": "y"}),
        }

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        # Only a new upload needs checking; a stored image was checked when it came in.
        if isinstance(upload, UploadedFile):
            images.check_image(upload)
        if self.not_stored:
            raise ValidationError(self.not_stored, code="not_stored")
        return upload


class ChooserUploadForm(ImageForm):
    """An upload from a chooser (hero, social image, body picture): the picture and its words; the focal point
    stays in the middle until someone sets it in the library."""

    class Meta(ImageForm.Meta):
        fields = ["file", "alt", "caption", "credit"]
