"""A true miss (the story rendered afresh): the article's tags read with it, its query compiled once, Related read
with its rows and written by string joins — each the same as the ORM and the template gave, in fewer steps."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import override

from articles.article_query import article_page_query, published_article
from articles.article_tags import tags_of
from articles.models import Article
from articles.related import RELATED_MARGIN, _most_shared_rows, _most_shared_tags, related_articles
from articles.templatetags.reader import widget_row
from articles.widgets import Listed
from newsroom.cache import shows_article, shows_tag
from newsroom.cache_entries import collecting_shown
from tests.builders import query_plan, reads_index_alone

pytestmark = pytest.mark.django_db


def test_the_compiled_article_query_loads_what_the_orm_loads_in_one_query(make_article):
    story = make_article(title="Harbour", tags=["port", "Ships & boats", "tide"])

    with CaptureQueriesContext(connection) as queries, collecting_shown() as shown:
        found = published_article(story.slug)
        tags = tags_of(found)
        section_name, hero = found.section.name, found.hero  # loaded with it: no query
    orm = article_page_query(story.slug).get()

    assert len(queries) == 1
    assert [(t.pk, t.name, t.slug) for t in tags] == [(t.pk, t.name, t.slug) for t in story.tags.order_by("pk")]
    assert {
        f.attname: getattr(found, f.attname) for f in Article._meta.concrete_fields if f.attname != "search_document"
    } == {f.attname: getattr(orm, f.attname) for f in Article._meta.concrete_fields if f.attname != "search_document"}
    assert section_name == orm.section.name and hero == orm.hero
    # What the page shows is recorded as the ORM's loads record it: the story and each tag (a rename purges it).
    assert {shows_article(story.pk), *(shows_tag(t.pk) for t in tags)} <= shown


def test_the_compiled_article_query_finds_only_published_stories_at_the_moment_of_the_request(make_article):
    scheduled = make_article(
        title="Later", status=Article.Status.PUBLISHED, published_at=timezone.now() + timedelta(hours=1)
    )
    draft = make_article(title="Draft", status=Article.Status.DRAFT)
    published = make_article(title="Now")

    assert published_article(scheduled.slug) is None
    assert published_article(draft.slug) is None
    assert published_article("no-such-story") is None
    assert published_article(published.slug).pk == published.pk
    Article.objects.filter(pk=scheduled.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert published_article(scheduled.slug).pk == scheduled.pk  # the clock of each request, not the compiling one


def test_a_story_without_tags_has_none(make_article):
    assert tags_of(published_article(make_article().slug)) == []


def test_related_read_with_its_rows_is_what_two_queries_read(make_article):
    story = make_article(tags=["harbour", "port"])
    for n in range(14):
        make_article(title=f"Sharing {n}", tags=["harbour", "port"][: n % 2 + 1])
    tag_ids = sorted(story.tags.values_list("pk", flat=True))

    rows = _most_shared_rows(article=story, tag_ids=tag_ids, limit=10 + RELATED_MARGIN)
    fresh = related_articles(article=story, tag_ids=tag_ids)  # candidates not cached: read with their rows
    cached = related_articles(article=story, tag_ids=tag_ids)  # cached ids: the rows read by their ids

    assert list(rows) == _most_shared_tags(article=story, tag_ids=tag_ids, limit=10 + RELATED_MARGIN)
    shown = [(a.pk, a.title, a.slug, a.published_at, a.section.name, a.section.slug) for a in fresh]
    assert shown == [(a.pk, a.title, a.slug, a.published_at, a.section.name, a.section.slug) for a in cached]


def test_related_from_cached_candidates_reads_its_rows_without_building_an_article(make_article):
    """A true miss whose Related candidates are cached (an edited story's page) reads their rows by id as a story
    rendered afresh reads them with its candidates: no `Article` built for each (the ORM's 18 took it 0.7 ms more
    CPU than choosing the candidates anew), and each recorded as shown."""
    story = make_article(tags=["harbour"])
    sharing = [make_article(title=f"Sharing {n}", tags=["harbour"]) for n in range(3)]
    tag_ids = list(story.tags.values_list("pk", flat=True))
    fresh = related_articles(article=story, tag_ids=tag_ids)  # the candidates chosen and cached
    built = []

    def count(sender, **kwargs):
        built.append(sender)

    post_init.connect(count, sender=Article)
    try:
        with collecting_shown() as shown:
            cached = related_articles(article=story, tag_ids=tag_ids)
    finally:
        post_init.disconnect(count, sender=Article)

    assert [a.title for a in cached] == [a.title for a in fresh] and len(cached) == 3
    assert built == []
    assert {shows_article(a.pk) for a in sharing} <= set(shown)


def test_a_row_kept_for_other_pages_is_written_again_when_anything_it_shows_changes(make_article):
    """Widget rows are kept per process by what they show (`reader._row`): a story's new headline, section name, time
    or address, or another time zone, is never shown the kept row."""
    story = make_article(title="Old headline")
    utc, tokyo = ZoneInfo("UTC"), ZoneInfo("Asia/Tokyo")
    story.published_at = datetime(2026, 12, 5, 20, 30, tzinfo=UTC)
    kept = widget_row(story, url="/news/old/", zone=utc)
    assert widget_row(story, url="/news/old/", zone=utc) is kept  # the same values: the kept row

    story.title = "New <headline>"
    story.section.name = "Renamed & moved"
    assert "New &lt;headline&gt;</a>" in widget_row(story, url="/news/old/", zone=utc)
    assert "Renamed &amp; moved · " in widget_row(story, url="/news/old/", zone=utc)
    assert 'href="/news/new/"' in widget_row(story, url="/news/new/", zone=utc)
    assert '<time datetime="2026-12-06T05:30:00+09:00">2026-12-06</time>' in widget_row(story, url="/news/", zone=tokyo)
    story.published_at += timedelta(days=1)
    assert ">2026-12-06</time>" in widget_row(story, url="/news/new/", zone=utc)


@pytest.mark.parametrize("language", ["en", "de"])
def test_related_written_by_string_joins_is_byte_for_byte_the_template(make_article, language):
    stories = [make_article(title=f"Story <{n}> & more", tags=["harbour"]) for n in range(12)]
    with override(language):
        rows = Listed.render_rows("articles/includes/related.html", stories, widget_row)
        rendered = Listed.render("articles/includes/related.html", stories)
        empty = Listed.render_rows("articles/includes/related.html", [], widget_row)

    assert rows == rendered
    assert rows.showing([s.pk for s in stories[:5]], current=stories[2].pk) == rendered.showing(
        [s.pk for s in stories[:5]], current=stories[2].pk
    )
    assert empty.showing([]) == rendered.empty


@pytest.mark.django_db(transaction=True)
def test_related_with_its_rows_still_keeps_published_candidates_from_an_index_alone(make_article):
    """As `_most_shared_tags` (test_widgets.py): joining the rows leaves the candidates' check on the index."""
    story = make_article(title="Story", tags=["harbour", "port"])
    for n in range(4):
        make_article(title=f"Sharing {n}", tags=["harbour", "port"][: n % 2 + 1])
    tag_ids = sorted(story.tags.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as captured:
        _most_shared_rows(article=story, tag_ids=tag_ids, limit=10)
    if connection.vendor != "postgresql":
        return
    plan = query_plan(captured.captured_queries[-1]["sql"], vacuum="articles_article")
    assert reads_index_alone(plan, "article_published_id_idx"), plan


def test_a_first_views_two_queries_are_prepared_once_per_connection_and_counted(make_article):
    """PostgreSQL planned each of them on every first view (~1.5 ms apiece at 100,000 articles, more than running
    them): prepared, each is planned once per connection — and still counted and logged as any query."""
    story = make_article(title="Harbour", tags=["harbour", "port"])
    other = make_article(title="Docks", tags=["harbour", "port"])
    tag_ids = sorted(story.tags.values_list("pk", flat=True))
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert published_article(story.slug) == story and published_article(other.slug) == other
            assert list(_most_shared_rows(article=story, tag_ids=tag_ids, limit=10)) == [other.pk]
        assert len(queries) == 3 and other.slug in queries[1]["sql"]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert len(prepared) == 2, prepared
    assert any('"articles_article"."slug" = $' in sql for sql in prepared)
    assert any("AS shared" in sql for sql in prepared)


@pytest.mark.django_db(transaction=True)
def test_a_prepared_statement_made_stale_by_a_migration_elsewhere_is_prepared_again(make_article):
    """A column's type changed by another process (a deploy's migration while the old workers still serve): PostgreSQL
    refuses the statement prepared before ("cached plan must not change result type"); it is prepared again."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    import psycopg

    story = make_article(title="Harbour")
    assert published_article(story.slug) == story  # prepared on this connection
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
            " WHERE attrelid = 'articles_article'::regclass AND attname = 'meta_title'"
        )
        (column_type,) = cursor.fetchone()
    elsewhere = {name: connection.settings_dict[key] for name, key in (("dbname", "NAME"), ("user", "USER"))}
    elsewhere |= {"host": connection.settings_dict["HOST"], "port": connection.settings_dict["PORT"]}
    with psycopg.connect(**elsewhere, autocommit=True) as other:
        other.execute("ALTER TABLE articles_article ALTER COLUMN meta_title TYPE text")
        try:
            assert published_article(story.slug) == story
        finally:
            other.execute(f"ALTER TABLE articles_article ALTER COLUMN meta_title TYPE {column_type}")


# The loop `{% tag_items %}` replaced in articles/article_detail.html.
TAG_ITEMS_LOOP = (
    "{% for tag in tags %}\n      <li>{% with url=tag.get_absolute_url %}{% if url %}"
    '<a href="{{ url }}">{{ tag.name }}</a>{% else %}{{ tag.name }}{% endif %}{% endwith %}</li>\n      {% endfor %}'
)


def test_tag_items_written_by_string_joins_are_byte_for_byte_the_loop():
    from django.template import engines
    from taggit.models import Tag

    tags = [
        Tag(id=1, name='Harbour <& "docks">', slug="harbour"),
        Tag(id=2, name="No page", slug=""),
        Tag(id=3, name="Ü's", slug="u-s"),
    ]
    engine = engines["django"]
    for shown in (tags, tags[:1], []):
        loop = engine.from_string(TAG_ITEMS_LOOP).render({"tags": shown})
        joined = engine.from_string("{% load reader %}{% tag_items tags %}").render({"tags": shown})
        assert joined == loop


# The loop `{% article_items %}` replaced (templates/articles/includes/article_list.html), its `{% empty %}` left out.
ARTICLE_ITEMS_LOOP = (
    "{% load reader %}{% for item in articles %}\n  <li>\n    {% list_thumbnail item forloop.counter eager compact %}\n"
    '    <{{ heading|default:"h2" }} class="item-title"><a href="{{ item.get_absolute_url }}">{{ item.title }}</a>'
    '</{{ heading|default:"h2" }}>\n    <p class="meta">\n      <a href="{{ item.section.get_absolute_url }}">'
    '{{ item.section.name }}</a> ·\n      <time datetime="{{ item.published_at|machine_time }}">'
    '{{ item.published_at|date:"Y-m-d H:i" }}</time>\n    </p>\n    {% if item.snippet %}\n    <p class="summary">'
    '{{ item.snippet }}</p>\n    {% elif item.summary and not compact %}\n    <p class="summary">{{ item.summary }}'
    "</p>\n    {% endif %}\n  </li>\n  {% endfor %}"
)


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kathmandu"])
def test_article_items_written_by_string_joins_are_byte_for_byte_the_loop(zone):
    from django.template import engines
    from django.utils.safestring import mark_safe

    from articles.media.models import Image
    from articles.models import Section

    section = Section(id=3, name="Arts & <Culture>", slug="arts")
    hero = Image(id=9, file="heroes/2026/harbour & docks.jpg", width=1600, height=900, sizes_ready=True)
    at = timezone.make_aware(timezone.datetime(2026, 3, 29, 1, 30, 15, 123456), timezone.get_fixed_timezone(0))
    stories = [
        Article(id=1, slug="harbour", title='Ships "at" <dawn>', summary="Tides & nets", section=section,
                published_at=at, hero=hero),
        Article(id=2, slug="quiet", title="No summary", summary="", section=section, published_at=at),
        Article(id=3, slug="found", title="Found", summary="Plain <b>", section=section, published_at=None),
        Article(id=4, slug="fourth", title="Fourth", summary="Late", section=section, published_at=at, hero=hero),
    ]  # fmt: skip
    stories[2].snippet = mark_safe("the <mark>harbour</mark> at dawn")
    stories[3].snippet = "a <raw> snippet"
    engine = engines["django"]
    with timezone.override(zone):
        for context in (
            {},
            {"heading": "h3", "eager": 0},
            {"heading": "h3", "compact": True, "eager": 0},
            {"eager": 1, "compact": ""},
        ):
            for shown in (stories, stories[1:2], []):
                values = {**context, "articles": shown}
                loop = engine.from_string(ARTICLE_ITEMS_LOOP).render(values)
                joined = engine.from_string(
                    "{% load reader %}{% article_items articles heading eager compact %}"
                ).render(values)
                assert joined == loop, context


def test_a_list_thumbnail_written_by_string_joins_is_byte_for_byte_format_html():
    from django.utils.html import format_html
    from django.utils.safestring import mark_safe

    from articles.media import renditions
    from articles.media.models import Image
    from articles.templatetags.reader import THUMBNAIL_SIZES, list_thumbnail

    def as_format_html_wrote_it(item, position, eager, narrow):  # the tag before it was written directly
        src, srcset = renditions.thumbnail(item.hero)
        eager = 3 if eager in ("", None) else int(eager)
        return format_html(
            '<a class="thumb" href="{}" tabindex="-1" aria-hidden="true"><img src="{}"{} alt="" width="160"'
            ' height="160"{}></a>',
            item.get_absolute_url(),
            src,
            format_html(' srcset="{}" sizes="{}"', srcset, THUMBNAIL_SIZES[bool(narrow)]) if srcset else "",
            mark_safe(' loading="lazy"') if int(position) > eager else "",
        )

    for made in ({"crops_ready": True}, {"sizes_ready": True}, {}):  # squares (a srcset), a width, the original
        hero = Image(id=9, file="heroes/2026/harbour & <docks>.jpg", width=1600, height=900, **made)
        story = Article(id=1, slug="harbour", title="Harbour", hero=hero)
        for position, eager, narrow in ((1, "", False), (4, "", True), (1, 0, ""), (2, 2, True)):
            expected = as_format_html_wrote_it(story, position, eager, narrow)
            assert list_thumbnail(story, position, eager, narrow) == expected
    assert list_thumbnail(Article(id=2, slug="bare", title="Bare")) == ""


# The included template `{% lead_picture %}` replaced (templates/articles/includes/lead_picture.html, less its comment).
LEAD_PICTURE = (
    "\n"
    '{% with avif=image.srcset_avif webp=image.srcset_webp jpeg=image.srcset_jpeg sizes="(min-width:'
    ' 72em) 47rem, (min-width: 64em) calc(100vw - 25rem), calc(100vw - 2rem)" %}<picture>\n'
    '  {% if avif %}<source type="image/avif" srcset="{{ avif }}" sizes="{{ sizes }}">{% endif %}\n'
    '  {% if webp %}<source type="image/webp" srcset="{{ webp }}" sizes="{{ sizes }}">{% endif %}\n'
    '  <img src="{{ image.file_url }}"{% if jpeg %} srcset="{{ jpeg }}" sizes="{{ sizes }}"{% endif %}'
    ' alt="{{ alt }}"{% if image.width %} width="{{ image.width }}" height="{{ image.height }}"{% endif'
    ' %} fetchpriority="high">\n'
    "</picture>{% endwith %}\n"
)


@pytest.mark.parametrize("made", [True, False])
def test_the_lead_picture_written_by_string_joins_is_byte_for_byte_the_template(made):
    from django.template import engines

    from articles.media.models import Image

    image = Image(file="heroes/2026/harbour & docks.jpg", width=1600, height=900, alt="x", sizes_ready=made)
    engine = engines["django"]
    for alt in ["", 'Ships "at" <dawn> & dusk']:
        for shown in (image, Image(file="heroes/2026/small.jpg", width=None, height=None, sizes_ready=made)):
            expected = engine.from_string(LEAD_PICTURE).render({"image": shown, "alt": alt})
            joined = engine.from_string("{% load reader %}{% lead_picture image alt %}").render(
                {"image": shown, "alt": alt}
            )
            assert joined == expected


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"])
def test_shown_time_and_iso_time_are_the_date_filters_text(zone):
    """`|shown_time` and `|iso_time` (an article's times) are `|date:"Y-m-d H:i:s T"` and `|date:'c'`, clock changes
    included."""
    from datetime import UTC, datetime

    from django.template import engines

    engine = engines["django"]
    values = [
        datetime(2026, 3, 29, 0, 59, 59, 123456, tzinfo=UTC),  # Berlin: the hour before summer time
        datetime(2026, 3, 29, 1, 0, 0, tzinfo=UTC),
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # Berlin: 02:30 in summer time, a time that happens twice
        datetime(2026, 10, 25, 1, 30, tzinfo=UTC),  # … and its second time, in winter time
        datetime(2026, 11, 1, 5, 30, tzinfo=UTC),  # New York: 01:30, twice
        datetime(2026, 12, 5, 23, 59, 59, tzinfo=UTC),
        datetime(2026, 12, 5, 12, 0),  # naive
        datetime(999, 1, 1, 12, 0, tzinfo=UTC),
        None,
        "",
    ]
    with timezone.override(zone):
        for value in values:
            shown = engine.from_string("{% load reader %}{{ value|shown_time }}").render({"value": value})
            assert shown == engine.from_string('{{ value|date:"Y-m-d H:i:s T" }}').render({"value": value}), value
            iso = engine.from_string("{% load reader %}{{ value|iso_time }}").render({"value": value})
            assert iso == engine.from_string("{{ value|date:'c' }}").render({"value": value}), value


# The loop `{% crumb_items %}` replaced in articles/includes/breadcrumb.html.
CRUMB_ITEMS_LOOP = (
    "{% for crumb in breadcrumb %}\n    <li>\n      {% if not forloop.first %}\n"
    '      <span class="sep" aria-hidden="true">&gt;</span>\n      {% endif %}\n'
    '      <a href="{{ crumb.url }}"{% if forloop.last and not article %} aria-current="page"{% endif %}>'
    "{{ crumb.name }}</a>\n    </li>\n    {% endfor %}"
)


def test_crumb_items_written_by_string_joins_are_byte_for_byte_the_loop():
    from django.template import engines

    from articles.sections import Crumb

    engine = engines["django"]
    crumbs = [Crumb("Home", "/"), Crumb("World & <Asia>", "/section/world/"), Crumb('"Korea"', "/section/korea/?a=1&b")]
    for shown in (crumbs, crumbs[:1], []):
        for context in ({"breadcrumb": shown}, {"breadcrumb": shown, "article": object()}):
            loop = engine.from_string(CRUMB_ITEMS_LOOP).render(context)
            joined = engine.from_string("{% load reader %}{% crumb_items breadcrumb article %}").render(context)
            assert joined == loop


VIEW_COUNT_TAG = (
    "{% load i18n %}{% blocktranslate count counter=count %}{{ counter }} view{% plural %}{{ counter }} views"
    "{% endblocktranslate %}"
)


@pytest.mark.parametrize("language", ["en", "de", "fr"])
def test_the_view_count_filter_is_the_blocktranslate_it_replaced(language, settings):
    from django.template import engines

    engine = engines["django"]
    for thousands in (False, True):
        settings.USE_THOUSAND_SEPARATOR = thousands
        with override(language):
            for count in (0, 1, 2, 21, 1234, 1_234_567):
                tag = engine.from_string(VIEW_COUNT_TAG).render({"count": count})
                assert engine.from_string("{% load reader %}{{ count|view_count }}").render({"count": count}) == tag
