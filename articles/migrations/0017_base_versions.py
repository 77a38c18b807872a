"""Every article with no kept version gets one, as it is now: a form opened on it has a version to build on.

Articles from before versions were kept, and those `seed_demo` wrote in bulk, had none: a colleague's later
save then looked, to a merge, like a change to every field. Written in rounds of 1,000 articles (a revision,
the article, its tag rows and tags each, as django-reversion writes them); nothing to undo on the way back.
"""

from django.db import migrations

from articles.desk.base_versions import articles_store_first_versions


def store_first_versions(apps, schema_editor) -> None:
    articles_store_first_versions(apps=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_published_id_index"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(store_first_versions, migrations.RunPython.noop, elidable=True)]
