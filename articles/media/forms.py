from django import forms
from django.core.files.uploadedfile import UploadedFile

from articles import images
from articles.media.models import Image


class ImageForm(forms.ModelForm):
    class Meta:
        model = Image
        fields = ["file", "alt", "caption", "credit", "focal_x", "focal_y"]
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
        return upload
