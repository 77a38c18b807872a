"""One name per idea: the model, field, constraint, index and permissions say "section", as editors do."""

from django.db import migrations, models
from django.db.models import F, Q

RENAMED_PERMISSIONS = ["add", "change", "delete", "view"]


def rename_permissions(apps, schema_editor, old="category", new="section"):
    # RenameModel renames the content type but not its permissions; groups keep the same rows.
    Permission = apps.get_model("auth", "Permission")
    for action in RENAMED_PERMISSIONS:
        Permission.objects.filter(content_type__app_label="articles", codename=f"{action}_{old}").update(
            codename=f"{action}_{new}", name=f"Can {action} {new}"
        )


def restore_permissions(apps, schema_editor):
    rename_permissions(apps, schema_editor, old="section", new="category")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_search_document"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="category", name="category_not_own_parent"),
        migrations.RenameModel(old_name="Category", new_name="Section"),
        migrations.AlterModelOptions(name="section", options={"ordering": ["position", "name"]}),
        migrations.AddConstraint(
            model_name="section",
            constraint=models.CheckConstraint(condition=~Q(parent=F("id")), name="section_not_own_parent"),
        ),
        # The index names its fields: drop it across the field rename and build it again.
        migrations.RemoveIndex(model_name="article", name="article_cat_pub_idx"),
        migrations.RenameField(model_name="article", old_name="category", new_name="section"),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["section", "status", "-published_at"], name="article_section_pub_idx"),
        ),
        migrations.RunPython(rename_permissions, restore_permissions),
    ]
