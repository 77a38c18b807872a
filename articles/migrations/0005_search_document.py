"""Full-text search document for PostgreSQL: a stored, weighted tsvector kept current by a trigger and
GIN-indexed, so search costs an index lookup instead of parsing every article body per request.

On SQLite the column exists (unused; search falls back to LIKE) and no trigger or index is made.
"""

import django.contrib.postgres.search
from django.db import migrations

DOCUMENT = """
    setweight(to_tsvector('english', coalesce({row}.title, '')), 'A') ||
    setweight(to_tsvector('english', coalesce({row}.summary, '')), 'B') ||
    setweight(to_tsvector('english', coalesce({row}.body, '')), 'C')
"""

FORWARD = [
    f"""
    CREATE FUNCTION articles_article_search_document() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_document := {DOCUMENT.format(row="NEW")};
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER articles_article_search_document
    BEFORE INSERT OR UPDATE OF title, summary, body ON articles_article
    FOR EACH ROW EXECUTE FUNCTION articles_article_search_document()
    """,
    f"UPDATE articles_article SET search_document = {DOCUMENT.format(row='articles_article')}",  # noqa: S608 — constant SQL
    "CREATE INDEX articles_article_search_gin ON articles_article USING gin (search_document)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS articles_article_search_gin",
    "DROP TRIGGER IF EXISTS articles_article_search_document ON articles_article",
    "DROP FUNCTION IF EXISTS articles_article_search_document()",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_popularity_totals"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_document",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(run(FORWARD), run(BACKWARD)),
    ]
