"""Content export/import: a site round-trips through an archive, an import merges without duplicating and twice
changes nothing, counts stay exact, cached pages are purged, and a bad or hostile archive changes nothing."""

import hashlib
import io
import json
import shutil
import tarfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.utils import timezone
from reversion.models import Version
from taggit.models import Tag

from articles.corrections.services import correction_note_add
from articles.desk.trash import article_trash
from articles.engagement.models import PopularityBucket, Vote
from articles.engagement.reconcile import counts_reconcile
from articles.engagement.votes import vote_add
from articles.media.models import Image
from articles.models import Article, Section, SlugRedirect
from articles.publishing import article_create, article_update
from tests.builders import jpeg_bytes, library_image, record_views, record_votes

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(django_user_model):
    """A small site: nested sections, a renamed published story with a hero, tags, votes and views, a draft and
    an article in the trash."""
    editor = django_user_model.objects.create_user("ed", first_name="Ed", last_name="Itor")
    world = Section.objects.create(name="World", slug="world", position=1, description="From everywhere.")
    asia = Section.objects.create(name="Asia", slug="asia", parent=world, position=2)
    hero = library_image(content=jpeg_bytes(320, 200), name="harbour.jpg", alt="The harbour", caption="Calm.",
                         credit="Photo: T", focal_x=0.25, by=editor)  # fmt: skip
    story = article_create(
        article=Article(
            title="Harbour reopens after storm",
            slug="harbour-storm",
            body="<p>Ships are back.</p>",
            section=asia,
            hero=hero,
            status=Article.Status.PUBLISHED,
            summary="Ships return.",
            published_at=timezone.now() - timedelta(hours=3),
            meta_title="Harbour open",
            author=editor,
        ),
        tags=["Storm", "Harbour"],
    )
    story.slug = "harbour-reopens"
    article_update(article=story)  # the old slug redirects
    record_votes(story, 3)
    record_views(story, 7)
    correction_note_add(article=story, note="An earlier version said the harbour was shut.", by=editor,
                        at=timezone.now() - timedelta(hours=1))  # fmt: skip
    # A second library image sharing the hero's file with other words (as the media migration leaves them).
    twin = Image.objects.create(
        file=hero.file.name, alt="The harbour, wider", file_size=hero.file_size, width=hero.width, height=hero.height
    )
    draft = article_create(
        article=Article(title="Draft on tides", slug="tides", body="<p>x</p>", section=world, hero=twin),
        tags=["storm"],
    )
    record_votes(draft, 1, prefix="early")
    gone = article_create(article=Article(title="Old notice", slug="old-notice", body="<p>y</p>", section=world))
    article_trash(article=gone)
    return story


def sha256_of(image: Image) -> str:
    with default_storage.open(image.file.name) as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def site_state() -> dict:
    """Everything an export carries, by natural keys (no ids): equal states mean the same content."""
    articles = {}
    for a in Article.objects.select_related("section", "hero", "author").order_by("slug"):
        articles[a.slug] = {
            **{
                f: getattr(a, f)
                for f in (
                    "title",
                    "summary",
                    "body",
                    "status",
                    "published_at",
                    "meta_title",
                    "created_at",
                    "updated_at",
                    "trashed_at",
                    "vote_count",
                    "view_count",
                    "byline",
                    "corrected_at",
                )
            },
            "section": a.section.slug,
            "author": a.author.username if a.author else None,
            "hero": (sha256_of(a.hero), a.hero.alt) if a.hero else None,
            "tags": sorted(a.tags.names()),
            "redirects": sorted(a.slug_redirects.values_list("old_slug", "created_at")),
            "corrections": list(a.corrections.values_list("note", "made_at", "by__username")),
            "votes": sorted(a.votes.values_list("voter_key", "created_at")),
            "buckets": sorted(a.popularity_buckets.values_list("granularity", "period_start", "views", "votes")),
        }
    images = sorted(
        (
            sha256_of(i),
            i.alt,
            i.caption,
            i.credit,
            i.focal_x,
            i.width,
            i.file_size,
            i.uploaded_at,
            i.uploaded_by.username if i.uploaded_by else None,
        )
        for i in Image.objects.select_related("uploaded_by")
    )
    sections = {s.slug: (s.name, s.description, s.position, s.parent.slug if s.parent else None)
                for s in Section.objects.select_related("parent")}  # fmt: skip
    return {"articles": articles, "images": images, "sections": sections,
            "tags": dict(Tag.objects.values_list("slug", "name"))}  # fmt: skip


def media_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def wipe_content() -> None:
    Article.objects.all().delete()  # votes, redirects, buckets and tag links go with them
    Image.objects.all().delete()
    while Section.objects.exists():
        Section.objects.filter(children__isnull=True).delete()
    Tag.objects.all().delete()


def import_output(path) -> str:
    out = io.StringIO()
    call_command("import_content", str(path), stdout=out)
    return out.getvalue()


@pytest.fixture
def fresh_media(settings, tmp_path):
    """An empty media storage, as on a new machine."""
    settings.MEDIA_ROOT = str(tmp_path / "new-media")


@pytest.mark.parametrize("name", ["backup", "backup.tar.gz", "backup.tar"])
def test_a_site_round_trips_into_an_empty_site(
    site, tmp_path, name, client, settings, django_capture_on_commit_callbacks
):
    before = site_state()
    call_command("export_content", str(tmp_path / name), stdout=io.StringIO())
    wipe_content()
    settings.MEDIA_ROOT = str(tmp_path / "restored-media")
    assert site_state()["articles"] == {}

    with django_capture_on_commit_callbacks(execute=True):  # the section tree and pages are purged after commit
        output = import_output(tmp_path / name)

    assert "articles: 3 created, 0 updated, 0 unchanged" in output
    assert site_state() == before  # fields, stamps, tags, image file and words, redirects, votes, buckets
    assert before["articles"]["harbour-reopens"]["vote_count"] == 3
    assert before["articles"]["harbour-reopens"]["view_count"] == 7
    assert counts_reconcile() == []  # vote_count == vote rows, view_count == bucket views
    page = client.get("/news/harbour-reopens/").content.decode()
    assert "Harbour reopens after storm" in page and 'veryGood! (<span class="vote-count">3</span>)' in page
    assert client.get("/news/harbour-storm/")["Location"] == "/news/harbour-reopens/"
    assert Article.objects.in_trash().get().slug == "old-notice"


def test_importing_the_same_archive_twice_changes_nothing_the_second_time(site, tmp_path):
    call_command("export_content", str(tmp_path / "a.tgz"), stdout=io.StringIO())
    before, versions, files = site_state(), Version.objects.count(), media_files()

    first = import_output(tmp_path / "a.tgz")  # into the site it came from
    second = import_output(tmp_path / "a.tgz")

    for output in (first, second):
        assert "Nothing to change" in output
        assert "articles: 0 created, 0 updated, 3 unchanged" in output
    assert site_state() == before
    assert (Version.objects.count(), media_files()) == (versions, files)


def test_an_import_merges_into_a_site_with_some_of_the_content(site, tmp_path, django_user_model):
    call_command("export_content", str(tmp_path / "a"), stdout=io.StringIO())
    stored = site.hero.file.name
    wipe_content()
    # The same picture under another name, a tag differing in case, a section and an article sharing slugs.
    copy = default_storage.save("library/elsewhere/copy.jpg", ContentFile(default_storage.open(stored).read()))
    Image.objects.create(file=copy, alt="Old words", file_size=default_storage.size(copy))
    Tag.objects.create(name="storm", slug="storm-here")
    world = Section.objects.create(name="World news", slug="world")
    local = article_create(article=Article(title="Local version", slug="harbour-reopens", body="<p>z</p>",
                                           section=world, status=Article.Status.PUBLISHED))  # fmt: skip
    vote_add(article=local, voter_key="a:reader-0")  # also in the archive: one row, not two
    vote_add(article=local, voter_key="a:local-1")  # only here: kept

    import_output(tmp_path / "a")
    again = import_output(tmp_path / "a")

    assert "Nothing to change" in again
    story = Article.objects.get(slug="harbour-reopens")
    assert story.hero.file.name == copy and story.hero.alt == "The harbour"  # matched by contents
    twin = Article.objects.get(slug="tides").hero  # the other image sharing that file: still its own
    assert Image.objects.count() == 2 and twin.alt == "The harbour, wider" and sha256_of(twin) == sha256_of(story.hero)
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Harbour", "storm"]
    assert sorted(Section.objects.values_list("slug", "name")) == [("asia", "Asia"), ("world", "World")]
    story = Article.objects.get(slug="harbour-reopens")
    assert story.pk == local.pk and story.title == "Harbour reopens after storm"
    assert sorted(story.tags.names()) == ["Harbour", "storm"]
    assert sorted(story.votes.values_list("voter_key", flat=True)) == [
        "a:local-1", "a:reader-0", "a:reader-1", "a:reader-2"
    ]  # fmt: skip
    assert story.vote_count == 4 == Vote.objects.filter(article=story).count()
    assert counts_reconcile() == []


def test_import_purges_the_cached_pages(site, tmp_path, client, django_capture_on_commit_callbacks):
    call_command("export_content", str(tmp_path / "a"), stdout=io.StringIO())
    Article.objects.filter(slug="harbour-reopens").delete()
    client.get("/")
    cached = client.get("/")
    assert cached["X-Page-Cache"] == "hit" and "Harbour reopens" not in cached.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        import_output(tmp_path / "a")

    home = client.get("/")
    assert home["X-Page-Cache"] == "miss" and "Harbour reopens after storm" in home.content.decode()


# --- bad and hostile archives: a clear error, and nothing changed ------------------------------------------


@pytest.fixture
def exported(site, tmp_path) -> Path:
    call_command("export_content", str(tmp_path / "a"), stdout=io.StringIO())
    return tmp_path / "a"


def assert_refused(path, message: str, *options: str) -> None:
    before, files, versions = site_state(), media_files(), Version.objects.count()
    with pytest.raises(CommandError, match=message) as refused:
        call_command("import_content", str(path), *options, stdout=io.StringIO())
    assert "Nothing was imported" in str(refused.value)
    assert (site_state(), media_files(), Version.objects.count()) == (before, files, versions)


def edit_content(archive: Path, change) -> None:
    document = json.loads((archive / "content.json").read_text())
    change(document)
    (archive / "content.json").write_text(json.dumps(document))


def make_tar(path: Path, members: dict[str, bytes], *, symlink: tuple[str, str] | None = None) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        if symlink:
            info = tarfile.TarInfo(symlink[0])
            info.type, info.linkname = tarfile.SYMTYPE, symlink[1]
            tar.addfile(info)
    return path


def test_bad_json_is_refused(exported):
    (exported / "content.json").write_text('{"format": "newsroom-content", "version": 1, "articles": [')
    assert_refused(exported, "content.json is not valid JSON")


def test_a_wrong_type_is_refused_with_where_it_is(exported):
    edit_content(exported, lambda d: d["articles"][1]["votes"].append(["a:x", "yesterday"]))
    assert_refused(exported, r"articles\[1\]\.votes\[1\]: expected an ISO 8601 date")


def test_an_empty_correction_note_is_refused_with_where_it_is(exported):
    edit_content(
        exported,
        lambda d: d["articles"][0]["corrections"].append({"note": " ", "made_at": "2026-01-01T00:00:00+00:00"}),
    )
    assert_refused(exported, r"articles\[0\]\.corrections\[1\]\.note: Say what the correction fixes")


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd", "library/../../../x.jpg", "a\\..\\b.jpg"])
def test_a_media_name_escaping_the_archive_is_refused(exported, name):
    edit_content(exported, lambda d: d["images"][0].update(file=name))
    assert_refused(exported, "is not allowed")


def test_a_tar_member_escaping_the_archive_is_refused(exported, tmp_path):
    content = (exported / "content.json").read_bytes()
    path = make_tar(tmp_path / "evil.tgz", {"content.json": content, "../../escaped.txt": b"owned"})
    assert_refused(path, "neither content.json nor under media/")
    assert not (tmp_path.parent / "escaped.txt").exists()


def test_a_symlink_in_a_tar_is_refused(exported, tmp_path):
    content = (exported / "content.json").read_bytes()
    name = json.loads(content)["images"][0]["file"]
    path = make_tar(tmp_path / "link.tgz", {"content.json": content}, symlink=(f"media/{name}", "/etc/passwd"))
    assert_refused(path, "is a link or a device")


def test_a_symlink_in_an_archive_directory_is_refused(exported):
    name = json.loads((exported / "content.json").read_text())["images"][0]["file"]
    (exported / "media" / name).unlink()
    (exported / "media" / name).symlink_to("/etc/passwd")
    assert_refused(exported, "missing from the archive")


@pytest.mark.parametrize("as_tar", [True, False])
def test_a_file_over_the_size_limit_is_refused(exported, tmp_path, as_tar):
    name = json.loads((exported / "content.json").read_text())["images"][0]["file"]
    (exported / "media" / name).write_bytes(b"\0" * (2 * 1024 * 1024))
    path = exported
    if as_tar:
        path = make_tar(tmp_path / "big.tgz", {"content.json": (exported / "content.json").read_bytes(),
                                               f"media/{name}": (exported / "media" / name).read_bytes()})  # fmt: skip
    assert_refused(path, "over the .*limit", "--max-file-mb", "1")


def test_a_damaged_or_fake_image_is_refused(exported):
    name = json.loads((exported / "content.json").read_text())["images"][0]["file"]
    (exported / "media" / name).write_bytes(b"GIF89a not really")
    assert_refused(exported, "does not match its SHA-256")

    digest = hashlib.sha256(b"GIF89a not really").hexdigest()
    edit_content(exported, lambda d: [image.update(sha256=digest) for image in d["images"]])
    assert_refused(exported, "not a complete image")


def test_a_failure_halfway_rolls_everything_back(exported, fresh_media):
    wipe_content()

    # Sections, tags, the image, two articles, their votes and redirect are written before the last one fails.
    edit_content(exported, lambda d: d["articles"][-1].update(section="nowhere"))
    assert_refused(exported, "its section 'nowhere' is neither in the archive nor here")
    assert (Article.objects.count(), Image.objects.count(), SlugRedirect.objects.count()) == (0, 0, 0)
    assert (Vote.objects.count(), PopularityBucket.objects.count(), media_files()) == (0, 0, set())


def test_a_model_rule_broken_in_the_archive_rolls_back_with_the_field_named(exported, fresh_media):
    wipe_content()
    edit_content(exported, lambda d: d["articles"][-1].update(canonical_url="javascript:alert(1)"))
    assert_refused(exported, "canonical_url: Enter a valid URL")
    assert media_files() == set()  # the image copied before the failing article was removed again


def test_not_an_archive_is_refused(tmp_path, db):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(CommandError, match="neither a directory nor a tar archive"):
        call_command("import_content", str(tmp_path / "notes.txt"))


def test_export_never_overwrites(site, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "keep.txt").write_text("mine")
    with pytest.raises(CommandError, match="already exists"):
        call_command("export_content", str(tmp_path / "a"))
    assert (tmp_path / "a" / "keep.txt").read_text() == "mine"


def test_export_names_a_lost_image_file(site, tmp_path):
    shutil.rmtree(Path(settings.MEDIA_ROOT) / Path(site.hero.file.name).parent)
    with pytest.raises(CommandError, match="missing from the media storage"):
        call_command("export_content", str(tmp_path / "a"))
