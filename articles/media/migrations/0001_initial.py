"""The `library` app takes up its models from `articles` (articles 0020): in the state only, the tables exist
since the `articles` migrations that made them, under their `articles_` names (Meta.db_table)."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("articles", "0019_author_profiles"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Image",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "file",
                            models.ImageField(
                                help_text="JPEG, PNG, WebP or GIF. Re-encoded on upload; all metadata is removed.",
                                upload_to="library/%Y/%m/",
                            ),
                        ),
                        ("width", models.PositiveIntegerField(editable=False, null=True)),
                        ("height", models.PositiveIntegerField(editable=False, null=True)),
                        ("file_size", models.PositiveIntegerField(editable=False, null=True)),
                        (
                            "alt",
                            models.CharField(
                                help_text="Describes the image for readers who cannot see it.",
                                max_length=250,
                                verbose_name="alt text",
                            ),
                        ),
                        ("caption", models.CharField(blank=True, max_length=300)),
                        (
                            "credit",
                            models.CharField(blank=True, help_text='e.g. "Photo: Jane Doe/AP".', max_length=150),
                        ),
                        (
                            "focal_x",
                            models.FloatField(
                                default=0.5,
                                help_text="0 = left edge, 1 = right edge.",
                                validators=[
                                    django.core.validators.MinValueValidator(0.0),
                                    django.core.validators.MaxValueValidator(1.0),
                                ],
                                verbose_name="focal point (across)",
                            ),
                        ),
                        (
                            "focal_y",
                            models.FloatField(
                                default=0.5,
                                help_text="0 = top edge, 1 = bottom edge.",
                                validators=[
                                    django.core.validators.MinValueValidator(0.0),
                                    django.core.validators.MaxValueValidator(1.0),
                                ],
                                verbose_name="focal point (down)",
                            ),
                        ),
                        ("uploaded_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("sizes_ready", models.BooleanField(default=False, editable=False)),
                        ("crops_ready", models.BooleanField(default=False, editable=False)),
                        (
                            "uploaded_by",
                            models.ForeignKey(
                                blank=True,
                                editable=False,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "articles_image",
                        "ordering": ["-uploaded_at", "-id"],
                        "get_latest_by": "uploaded_at",
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("focal_x__gte", 0), ("focal_x__lte", 1), ("focal_y__gte", 0), ("focal_y__lte", 1)
                                ),
                                name="image_focal_point_inside",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
