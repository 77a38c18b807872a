"""Every article's hero image moves into the media library, without loss.

One library image per distinct (file, alt text, caption, credit): articles that shared a file with the same
words share one library image (the demo's 16 pictures stay 16); the same file described differently stays
several images, so no article loses its own alt text or caption. Reversible: the fields are copied back.
"""

from django.contrib.auth.management import create_permissions
from django.core.files.storage import default_storage
from django.db import migrations

BATCH = 2000
LIBRARY_PERMISSIONS = {
    "Writers": ["add_image", "change_image", "view_image"],
    "Editors": ["add_image", "change_image", "view_image", "delete_image"],
}


def _size(name: str) -> int | None:
    try:
        return default_storage.size(name)
    except Exception:  # missing (or unreadable in the store): the feed's enclosure says 0
        return None


def heroes_into_library(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Image = apps.get_model("articles", "Image")
    library: dict[tuple, int] = {}
    pending = []
    rows = (
        Article.objects.exclude(hero_image="")
        .order_by("pk")
        .values_list("pk", "hero_image", "hero_width", "hero_height", "hero_alt", "hero_caption", "hero_credit",
                     "author_id", "created_at")
    )  # fmt: skip
    for pk, name, width, height, alt, caption, credit, author_id, created_at in rows.iterator(chunk_size=BATCH):
        key = (name, alt, caption, credit)
        if key not in library:
            # The srcset widths were made when the hero was uploaded; the card and squares are not made yet
            # (`manage.py make_renditions`), so pages use the original for link previews until then.
            image = Image.objects.create(
                file=name,
                width=width,
                height=height,
                alt=alt,
                caption=caption,
                credit=credit,
                uploaded_by_id=author_id,
                sizes_ready=True,
            )
            Image.objects.filter(pk=image.pk).update(uploaded_at=created_at)  # when it first came in
            library[key] = image.pk
        pending.append(Article(pk=pk, hero_id=library[key]))
        if len(pending) >= BATCH:
            Article.objects.bulk_update(pending, ["hero"])
            pending = []
    Article.objects.bulk_update(pending, ["hero"])


def library_back_into_heroes(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    rows = Article.objects.exclude(hero=None).values_list(
        "pk", "hero__file", "hero__width", "hero__height", "hero__alt", "hero__caption", "hero__credit"
    )
    # New instances, not loaded ones: assigning a file to a loaded ImageField would open it to measure it.
    pending = [
        Article(pk=pk, hero_image=name, hero_width=width, hero_height=height, hero_alt=alt, hero_caption=caption,
                hero_credit=credit)
        for pk, name, width, height, alt, caption, credit in rows.iterator(chunk_size=BATCH)
    ]  # fmt: skip
    fields = ["hero_image", "hero_width", "hero_height", "hero_alt", "hero_caption", "hero_credit"]
    Article.objects.bulk_update(pending, fields, batch_size=BATCH)


def grant_library_permissions(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure the Image ones exist now.
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in LIBRARY_PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [("articles", "0008_media_library_and_seo_fields")]

    operations = [
        migrations.RunPython(heroes_into_library, library_back_into_heroes),
        migrations.RunPython(grant_library_permissions, migrations.RunPython.noop),
    ]
