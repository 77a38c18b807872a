"""Search that forgives (PostgreSQL): accents folded, tags and byline in the document, a vocabulary for "did you
mean".

- `newsroom_search`, a text search configuration: English stemming after `unaccent`, so "Bogotá" and
  "Bogota" are one word, in the stored document and in the reader's query alike.
- The document, weighted: title A, tags and summary B, byline C, body D. The article's own trigger (migration
  0005's, now also on byline) computes it with the tags the article has; statement-level triggers on the tag
  rows (an article tagged or untagged, in any way: the admin, taggit, a bulk insert, a merge) and on tag
  names (a rename) recompute the documents of the articles concerned, once per statement.
- `articles_search_word`, a materialized view: the words of published titles, summaries, bylines and tags
  (accents folded, not stemmed) with a trigram index, where a search that finds little looks for the words
  the reader may have meant. `manage.py refresh_search_words` refreshes it.

Every existing document is recomputed with one UPDATE. On SQLite nothing here runs (articles/search.py folds
accents in Python there).
"""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

DOCUMENT_FUNCTION = """
CREATE FUNCTION articles_search_document(article_id bigint, title text, summary text, byline text, body text)
RETURNS tsvector LANGUAGE sql STABLE AS $$
    SELECT setweight(to_tsvector('newsroom_search', coalesce(title, '')), 'A')
        || setweight(to_tsvector('newsroom_search', coalesce(
               (SELECT string_agg(tag.name, ' ') FROM articles_taggedarticle tagged
                JOIN taggit_tag tag ON tag.id = tagged.tag_id WHERE tagged.content_object_id = article_id),
               '') || ' ' || coalesce(summary, '')), 'B')
        || setweight(to_tsvector('newsroom_search', coalesce(byline, '')), 'C')
        || setweight(to_tsvector('newsroom_search', coalesce(body, '')), 'D')
$$
"""
RECOMPUTE = "UPDATE articles_article SET search_document = articles_search_document(id, title, summary, byline, body)"

FORWARD = [
    "CREATE TEXT SEARCH CONFIGURATION newsroom_search (COPY = english)",
    "ALTER TEXT SEARCH CONFIGURATION newsroom_search ALTER MAPPING FOR hword, hword_part, word WITH unaccent, "
    "english_stem",
    "CREATE TEXT SEARCH CONFIGURATION newsroom_words (COPY = simple)",
    "ALTER TEXT SEARCH CONFIGURATION newsroom_words ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple",
    DOCUMENT_FUNCTION,
    """
    CREATE OR REPLACE FUNCTION articles_article_search_document() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_document := articles_search_document(NEW.id, NEW.title, NEW.summary, NEW.byline, NEW.body);
        RETURN NEW;
    END
    $$
    """,
    "DROP TRIGGER articles_article_search_document ON articles_article",
    """
    CREATE TRIGGER articles_article_search_document
    BEFORE INSERT OR UPDATE OF title, summary, byline, body ON articles_article
    FOR EACH ROW EXECUTE FUNCTION articles_article_search_document()
    """,
    # An article's tags changed: its document again, once per statement for all the articles it touched.
    f"""
    CREATE FUNCTION articles_taggedarticle_search_document() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            {RECOMPUTE} WHERE id IN (SELECT content_object_id FROM new_rows);
        ELSIF TG_OP = 'DELETE' THEN
            {RECOMPUTE} WHERE id IN (SELECT content_object_id FROM old_rows);
        ELSE
            {RECOMPUTE} WHERE id IN (SELECT content_object_id FROM new_rows
                                     UNION SELECT content_object_id FROM old_rows);
        END IF;
        RETURN NULL;
    END
    $$
    """,  # noqa: S608 — constant SQL
    """
    CREATE TRIGGER articles_taggedarticle_search_insert AFTER INSERT ON articles_taggedarticle
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION articles_taggedarticle_search_document()
    """,
    """
    CREATE TRIGGER articles_taggedarticle_search_delete AFTER DELETE ON articles_taggedarticle
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION articles_taggedarticle_search_document()
    """,
    """
    CREATE TRIGGER articles_taggedarticle_search_update AFTER UPDATE ON articles_taggedarticle
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION articles_taggedarticle_search_document()
    """,
    # A tag renamed: the documents of the articles that carry it.
    f"""
    CREATE FUNCTION taggit_tag_search_document() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {RECOMPUTE} WHERE id IN (
            SELECT tagged.content_object_id FROM articles_taggedarticle tagged
            JOIN new_rows ON new_rows.id = tagged.tag_id JOIN old_rows ON old_rows.id = new_rows.id
            WHERE new_rows.name IS DISTINCT FROM old_rows.name);
        RETURN NULL;
    END
    $$
    """,  # noqa: S608 — constant SQL
    """
    CREATE TRIGGER taggit_tag_search_document AFTER UPDATE ON taggit_tag
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION taggit_tag_search_document()
    """,
    RECOMPUTE,
    # What readers can find, word by word: published stories only (no draft's word is ever suggested).
    """
    CREATE MATERIALIZED VIEW articles_search_word AS
    SELECT word, ndoc FROM ts_stat($words$
        SELECT to_tsvector('newsroom_words', article.title || ' ' || article.summary || ' ' || article.byline
               || ' ' || coalesce((SELECT string_agg(tag.name, ' ') FROM articles_taggedarticle tagged
                                   JOIN taggit_tag tag ON tag.id = tagged.tag_id
                                   WHERE tagged.content_object_id = article.id), ''))
        FROM articles_article article
        WHERE article.status = 'published' AND article.published_at <= now() AND article.trashed_at IS NULL
    $words$) WHERE length(word) BETWEEN 3 AND 40 AND word !~ '[0-9_]'
    """,
    "CREATE UNIQUE INDEX articles_search_word_word ON articles_search_word (word)",
    "CREATE INDEX articles_search_word_trgm ON articles_search_word USING gin (word gin_trgm_ops)",
]
BACKWARD = [
    "DROP MATERIALIZED VIEW IF EXISTS articles_search_word",
    "DROP TRIGGER IF EXISTS taggit_tag_search_document ON taggit_tag",
    "DROP FUNCTION IF EXISTS taggit_tag_search_document()",
    "DROP TRIGGER IF EXISTS articles_taggedarticle_search_insert ON articles_taggedarticle",
    "DROP TRIGGER IF EXISTS articles_taggedarticle_search_delete ON articles_taggedarticle",
    "DROP TRIGGER IF EXISTS articles_taggedarticle_search_update ON articles_taggedarticle",
    "DROP FUNCTION IF EXISTS articles_taggedarticle_search_document()",
    # Migration 0005's document and trigger, as they were.
    "DROP TRIGGER IF EXISTS articles_article_search_document ON articles_article",
    """
    CREATE OR REPLACE FUNCTION articles_article_search_document() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_document := setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')
            || setweight(to_tsvector('english', coalesce(NEW.summary, '')), 'B')
            || setweight(to_tsvector('english', coalesce(NEW.body, '')), 'C');
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER articles_article_search_document
    BEFORE INSERT OR UPDATE OF title, summary, body ON articles_article
    FOR EACH ROW EXECUTE FUNCTION articles_article_search_document()
    """,
    "UPDATE articles_article SET title = title",  # the trigger recomputes every document the old way
    "DROP FUNCTION IF EXISTS articles_search_document(bigint, text, text, text, text)",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS newsroom_words",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS newsroom_search",
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
        ("articles", "0017_base_versions"),
    ]

    operations = [
        UnaccentExtension(),  # both are no-ops on other databases
        TrigramExtension(),
        migrations.RunPython(run(FORWARD), run(BACKWARD)),
    ]
