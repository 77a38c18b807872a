from django import forms
from django.core.files.uploadedfile import UploadedFile

from articles import images
from articles.models import Article


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = "__all__"  # noqa: DJ007 — the admin's fieldsets decide what is shown
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 24}),
        }

    def clean_hero_image(self):
        upload = self.cleaned_data.get("hero_image")
        # Only a new upload needs checking; a stored image was checked when it came in.
        if isinstance(upload, UploadedFile):
            images.check_image(upload)
        return upload
