"""The `authors` app takes up its models from `articles` (articles 0020): in the state only, the tables exist
since the `articles` migrations that made them, under their `articles_` names (Meta.db_table)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("articles", "0019_author_profiles"),
        ("library", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Author",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
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
                                to="library.image",
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
                    options={
                        "db_table": "articles_author",
                        "ordering": ["name"],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
