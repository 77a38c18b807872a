"""Create the Writers and Editors groups and name the site. Re-running it only tops up permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

WRITER_PERMISSIONS = [
    ("articles", "add_article"),
    ("articles", "change_article"),
    ("articles", "delete_article"),  # the admin limits writers to their own drafts
    ("articles", "view_article"),
    ("articles", "view_category"),
    ("taggit", "view_tag"),
    ("taggit", "add_tag"),
]
EDITOR_PERMISSIONS = [
    *WRITER_PERMISSIONS,
    ("articles", "publish_article"),
    ("articles", "add_category"),
    ("articles", "change_category"),
    ("articles", "delete_category"),
    ("articles", "view_slugredirect"),
    ("articles", "change_slugredirect"),
    ("articles", "delete_slugredirect"),
    ("articles", "view_vote"),
    ("articles", "delete_vote"),
    ("taggit", "change_tag"),
    ("taggit", "delete_tag"),
    ("sites", "view_site"),
    ("sites", "change_site"),
]


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in [("Writers", WRITER_PERMISSIONS), ("Editors", EDITOR_PERMISSIONS)]:
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in wanted:
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))

    Site = apps.get_model("sites", "Site")
    Site.objects.update_or_create(pk=1, defaults={"domain": "127.0.0.1:8000", "name": "Newsroom"})


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Writers", "Editors"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("sites", "0002_alter_domain_unique"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
