"""Authors' public profiles (name, address, photo, bio), and editors may keep them."""

import django.db.models.deletion
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

EDITOR_PERMISSIONS = ["add_author", "change_author", "view_author"]


def editors_keep_profiles(apps, schema_editor):
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    editors = apps.get_model("auth", "Group").objects.filter(name="Editors").first()
    if editors is not None:
        editors.permissions.add(
            *Permission.objects.filter(content_type__app_label="articles", codename__in=EDITOR_PERMISSIONS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0018_search_forgives"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Author",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(help_text="As readers see it, e.g. “Jane Doe”.", max_length=120)),
                (
                    "slug",
                    models.SlugField(
                        help_text="The author page's address: /author/<slug>/.", max_length=120, unique=True
                    ),
                ),
                (
                    "bio",
                    models.TextField(
                        blank=True, help_text="Two or three sentences for the author page.", max_length=600
                    ),
                ),
                (
                    "photo",
                    models.ForeignKey(
                        blank=True,
                        help_text="From the media library; shown square.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="author_photo_of",
                        to="articles.image",
                    ),
                ),
                (
                    "user",
                    models.OneToOneField(
                        help_text="The account whose articles (their Author field) are this author's.",
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="author_profile",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ["name"]},
        ),
        migrations.RunPython(editors_keep_profiles, migrations.RunPython.noop),
    ]
