"""The media library: images reused across articles, focal-point crops, the chooser, and usage counts."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.storage import default_storage
from django.db.models import ProtectedError
from PIL import Image as PillowImage

from articles.media import renditions
from articles.media.models import Image as LibraryImage
from articles.media.services import image_update
from articles.models import Article
from tests.builders import jpeg_bytes, library_image, use_public_domain

pytestmark = pytest.mark.django_db


def staff(username: str, group: str) -> User:
    user = User.objects.create_user(username=username, password="pw-for-tests-only", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.mark.parametrize(
    ("focal", "expected"),
    [((0.5, 0.5), (0, 170, 2400, 1430)), ((0.5, 0.0), (0, 0, 2400, 1260)), ((0.5, 1.0), (0, 340, 2400, 1600))],
)
def test_the_social_card_crop_keeps_the_focal_point_and_stays_inside_the_picture(focal, expected):
    box = renditions.crop_box(width=2400, height=1600, ratio=1200 / 630, focal_x=focal[0], focal_y=focal[1])
    assert box == expected


def test_square_crop_follows_the_focal_point_across():
    assert renditions.crop_box(width=2400, height=1600, ratio=1, focal_x=0.1, focal_y=0.5) == (0, 0, 1600, 1600)
    assert renditions.crop_box(width=2400, height=1600, ratio=1, focal_x=0.9, focal_y=0.5) == (800, 0, 2400, 1600)


def test_an_upload_makes_a_1200x630_card_and_squares_around_the_focal_point(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        image = library_image(content=jpeg_bytes(2400, 1600), focal_x=0.2, focal_y=0.3)
    with default_storage.open(renditions.social_card_name(image)) as card, PillowImage.open(card) as opened:
        assert opened.size == (1200, 630)
    for size in renditions.SQUARE_SIZES:
        with default_storage.open(renditions.square_name(image, size)) as square, PillowImage.open(square) as opened:
            assert opened.size == (size, size)


def renditions_queued(callbacks) -> list:
    return [c for c in callbacks if "_queue_renditions" in c.__qualname__]


def test_moving_the_focal_point_makes_new_crops_under_new_names(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        image = library_image(content=jpeg_bytes(1600, 900))
    old_card = image.social_card_url
    image.focal_x = 0.9
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        image_update(image=image)
    assert len(renditions_queued(callbacks)) == 1
    assert image.social_card_url != old_card and default_storage.exists(renditions.social_card_name(image))
    image.caption = "Only the words changed."
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        image_update(image=image)
    assert renditions_queued(callbacks) == []  # no new crops for new words (cached pages are dropped, though)


def test_one_image_serves_many_articles_and_counts_its_uses(make_article):
    picture = library_image(alt="Harbour at dawn")
    make_article(hero=picture)
    make_article(hero=picture)
    make_article(social_image=picture)
    assert LibraryImage.objects.with_usage().get(pk=picture.pk).usage == 3
    with pytest.raises(ProtectedError):
        picture.delete()  # an image in use cannot be deleted from under its articles


def test_library_list_shows_usage_and_searches_alt_caption_and_credit(client, make_article):
    client.force_login(staff("eddie", "Editors"))
    used = library_image(alt="Harbour at dawn", credit="Photo: Kim")
    library_image(alt="Mountain pass")
    make_article(hero=used)
    page = client.get("/admin/library/image/", {"q": "harbour"}).content.decode()
    assert "Harbour at dawn" in page and "Mountain pass" not in page and "1 article" in page
    assert "Mountain pass" in client.get("/admin/library/image/", {"q": "mountain"}).content.decode()


def test_reader_page_uses_the_social_card_for_og_image(client, make_article):
    use_public_domain()
    article = make_article(hero=library_image(content=jpeg_bytes(2400, 1600), alt="Harbour at dawn"))
    html = client.get(article.get_absolute_url()).content.decode()
    card = renditions.social_card_name(article.hero)
    assert f'<meta property="og:image" content="http://news.example.com/media/{card}">' in html
    assert '<meta property="og:image:width" content="1200">' in html
    assert '<meta property="og:image:height" content="630">' in html
    assert 'alt="Harbour at dawn"' in html and Article.objects.get().hero.width == 2400


def test_make_renditions_fills_in_what_migrated_images_lack():
    from io import StringIO

    from django.core.management import call_command

    image = library_image(content=jpeg_bytes(1600, 900), ready=False)  # as after the migration: nothing made yet
    assert not default_storage.exists(renditions.social_card_name(image))
    out = StringIO()
    call_command("make_renditions", stdout=out)
    assert "Queued renditions for 1 of 1 library image(s)." in out.getvalue()
    assert default_storage.exists(renditions.social_card_name(image))
