"""The library, authors, engagement and the desk become apps of their own: their models leave the `articles` state
here (each app's 0001_initial takes them up), their tables stay as they are (`db_table` keeps the `articles_`
names: no row moves), and their content types change label in place, so permissions and the Writers' and
Editors' grants on them, the admin's log and the desk's versions keep pointing at the same rows."""

import django.db.models.deletion
from django.db import migrations, models

MOVED = {
    "library": ["image"],
    "authors": ["author"],
    "engagement": ["vote", "popularitybucket"],
    "desk": ["editlock", "review", "stagedchange", "trashedarticle"],
}


def relabel(apps, old_label, new_label, model):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    source = ContentType.objects.filter(app_label=old_label, model=model).first()
    if source is None:
        return
    target = ContentType.objects.filter(app_label=new_label, model=model).first()
    if target is None:
        ContentType.objects.filter(pk=source.pk).update(app_label=new_label)
        return
    # Both labels exist (a migration created the new app's permissions early): the grants move to the new ones.
    for permission in Permission.objects.filter(content_type=source):
        twin, _ = Permission.objects.get_or_create(
            content_type=target, codename=permission.codename, defaults={"name": permission.name}
        )
        twin.group_set.add(*permission.group_set.all())
        twin.user_set.add(*permission.user_set.all())
    source.delete()


def forget_cached_content_types():
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


def into_their_apps(apps, schema_editor):
    for label, models_ in MOVED.items():
        for model in models_:
            relabel(apps, "articles", label, model)
    forget_cached_content_types()


def back_into_articles(apps, schema_editor):
    for label, models_ in MOVED.items():
        for model in models_:
            relabel(apps, label, "articles", model)
    forget_cached_content_types()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0019_author_profiles"),
        ("library", "0001_initial"),
        ("authors", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="author",
                    name="photo",
                ),
                migrations.RemoveField(
                    model_name="author",
                    name="user",
                ),
                migrations.RemoveIndex(
                    model_name="editlock",
                    name="edit_lock_heartbeat_idx",
                ),
                migrations.RemoveConstraint(
                    model_name="image",
                    name="image_focal_point_inside",
                ),
                migrations.AlterField(
                    model_name="article",
                    name="hero",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="From the media library: search, pick a recent one, or upload a new one with +.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="hero_of",
                        to="library.image",
                        verbose_name="hero image",
                    ),
                ),
                migrations.AlterField(
                    model_name="article",
                    name="social_image",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="Link previews: a 1200x630 card cut around its focal point. Empty: the hero image.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="social_image_of",
                        to="library.image",
                    ),
                ),
                migrations.RemoveIndex(
                    model_name="popularitybucket",
                    name="popularity_window_idx",
                ),
                migrations.RemoveConstraint(
                    model_name="popularitybucket",
                    name="popularity_bucket_unique",
                ),
                migrations.RemoveField(
                    model_name="review",
                    name="article",
                ),
                migrations.RemoveField(
                    model_name="review",
                    name="decided_by",
                ),
                migrations.RemoveField(
                    model_name="review",
                    name="submitted_by",
                ),
                migrations.RemoveField(
                    model_name="stagedchange",
                    name="article",
                ),
                migrations.RemoveField(
                    model_name="stagedchange",
                    name="proposed_by",
                ),
                migrations.RemoveConstraint(
                    model_name="vote",
                    name="vote_one_per_voter",
                ),
                migrations.DeleteModel(
                    name="TrashedArticle",
                ),
                migrations.DeleteModel(
                    name="Author",
                ),
                migrations.RemoveField(
                    model_name="editlock",
                    name="article",
                ),
                migrations.RemoveField(
                    model_name="editlock",
                    name="user",
                ),
                migrations.RemoveField(
                    model_name="image",
                    name="uploaded_by",
                ),
                migrations.RemoveField(
                    model_name="popularitybucket",
                    name="article",
                ),
                migrations.DeleteModel(
                    name="Review",
                ),
                migrations.DeleteModel(
                    name="StagedChange",
                ),
                migrations.RemoveField(
                    model_name="vote",
                    name="article",
                ),
                migrations.DeleteModel(
                    name="EditLock",
                ),
                migrations.DeleteModel(
                    name="Image",
                ),
                migrations.DeleteModel(
                    name="PopularityBucket",
                ),
                migrations.DeleteModel(
                    name="Vote",
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(into_their_apps, back_into_articles),
    ]
