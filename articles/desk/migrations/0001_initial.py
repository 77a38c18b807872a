"""The `desk` app takes up its models from `articles` (articles 0020): in the state only, the tables exist
since the `articles` migrations that made them, under their `articles_` names (Meta.db_table)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("articles", "0020_models_move_to_their_apps"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="TrashedArticle",
                    fields=[],
                    options={
                        "verbose_name": "article in the trash",
                        "verbose_name_plural": "trash",
                        "proxy": True,
                        "indexes": [],
                        "constraints": [],
                    },
                    bases=("articles.article",),
                ),
                migrations.CreateModel(
                    name="Review",
                    fields=[
                        (
                            "article",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                primary_key=True,
                                related_name="review",
                                serialize=False,
                                to="articles.article",
                            ),
                        ),
                        (
                            "state",
                            models.CharField(
                                choices=[("in_review", "In review"), ("changes_requested", "Changes requested")],
                                db_index=True,
                                max_length=20,
                            ),
                        ),
                        (
                            "note",
                            models.TextField(
                                blank=True, help_text="The editor's note to the writer when changes are requested."
                            ),
                        ),
                        ("submitted_at", models.DateTimeField()),
                        ("decided_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "decided_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "submitted_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "articles_review",
                    },
                ),
                migrations.CreateModel(
                    name="StagedChange",
                    fields=[
                        (
                            "article",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                primary_key=True,
                                related_name="staged_change",
                                serialize=False,
                                to="articles.article",
                            ),
                        ),
                        ("title", models.CharField(max_length=200)),
                        ("summary", models.TextField(blank=True, max_length=500)),
                        ("body", models.TextField()),
                        ("note", models.TextField(blank=True, help_text="What the correction fixes, for the editor.")),
                        (
                            "base_version",
                            models.PositiveIntegerField(
                                help_text="The article's version the correction was written on."
                            ),
                        ),
                        ("proposed_at", models.DateTimeField()),
                        (
                            "proposed_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "articles_stagedchange",
                    },
                ),
                migrations.CreateModel(
                    name="EditLock",
                    fields=[
                        (
                            "article",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                primary_key=True,
                                related_name="edit_lock",
                                serialize=False,
                                to="articles.article",
                            ),
                        ),
                        ("since", models.DateTimeField(help_text="When this person opened the article.")),
                        ("heartbeat_at", models.DateTimeField(help_text="Last sign of life from their open form.")),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "articles_editlock",
                        "indexes": [models.Index(fields=["heartbeat_at"], name="edit_lock_heartbeat_idx")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
