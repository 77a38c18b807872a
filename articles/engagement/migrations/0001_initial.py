"""The `engagement` app takes up its models from `articles` (articles 0020): in the state only, the tables exist
since the `articles` migrations that made them, under their `articles_` names (Meta.db_table)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("articles", "0020_models_move_to_their_apps"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PopularityBucket",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "granularity",
                            models.CharField(
                                choices=[("hour", "Hour"), ("day", "Day"), ("total", "Total before retention")],
                                default="hour",
                                max_length=5,
                            ),
                        ),
                        (
                            "period_start",
                            models.DateTimeField(help_text="Start of the hour or day (UTC) this bucket covers."),
                        ),
                        ("views", models.PositiveBigIntegerField(default=0)),
                        (
                            "votes",
                            models.BigIntegerField(
                                default=0, help_text="Votes cast minus votes withdrawn in this period."
                            ),
                        ),
                        (
                            "article",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="popularity_buckets",
                                to="articles.article",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "articles_popularitybucket",
                        "indexes": [
                            models.Index(
                                fields=["period_start", "article", "granularity", "views", "votes"],
                                name="popularity_window_idx",
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("article", "granularity", "period_start"), name="popularity_bucket_unique"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Vote",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "voter_key",
                            models.CharField(
                                help_text=(
                                    "`u:<user id>` for signed-in readers, "
                                    "otherwise `a:<random id>` from a signed cookie."
                                ),
                                max_length=64,
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "article",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="votes", to="articles.article"
                            ),
                        ),
                    ],
                    options={
                        "db_table": "articles_vote",
                        "ordering": ["-created_at"],
                        "constraints": [
                            models.UniqueConstraint(fields=("article", "voter_key"), name="vote_one_per_voter")
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
