"""The search document kept in the article's row (PostgreSQL): column storage MAIN instead of EXTENDED.

At 100,000 seeded articles a document is ~1.2 kB; with it a row passed PostgreSQL's ~2 kB limit, and the
toaster moved the largest column, the document, out of the row, uncompressed. Every match a search checked or
ranked then read it from the TOAST table (an index probe and a page more): searching a common word cost
50-200 ms of PostgreSQL's CPU (docs/benchmark.md, "Search at 100,000 articles, uncached"). MAIN keeps the
document in the row, compressed or moved out only when nothing else makes the row fit; the body moves out
instead, and only the article page reads it. The existing documents are written again, each the same value
(`|| ''` makes a new one, which the toaster places anew). On SQLite nothing here runs.
"""

from django.db import migrations

FORWARD = [
    "ALTER TABLE articles_article ALTER COLUMN search_document SET STORAGE MAIN",
    "UPDATE articles_article SET search_document = search_document || ''::tsvector WHERE search_document IS NOT NULL",
]
BACKWARD = ["ALTER TABLE articles_article ALTER COLUMN search_document SET STORAGE EXTENDED"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("articles", "0021_article_corrected_at")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD), elidable=False)]
