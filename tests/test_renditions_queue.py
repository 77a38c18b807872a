"""Renditions off the request: queued in the database for a worker in production; until they exist, pages
use the original picture (never an empty or broken srcset), and link previews the original too."""

import io
import re

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from articles.media import renditions
from articles.media.models import Image
from articles.media.services import image_update
from articles.media.tasks import make_image_renditions
from tests.builders import jpeg_bytes, library_image, use_public_domain

pytestmark = pytest.mark.django_db


def page_of(client, article) -> str:
    return client.get(article.get_absolute_url()).content.decode()


def test_before_its_renditions_exist_a_page_shows_the_original_and_no_srcset(
    client, make_article, django_capture_on_commit_callbacks
):
    use_public_domain()
    hero = library_image(content=jpeg_bytes(1600, 900), alt="Harbour", ready=False)
    article = make_article(hero=hero)
    html = page_of(client, article)
    assert f'<img src="/media/{hero.file.name}"' in html and 'srcset=""' not in html
    assert "<source" not in html and "renditions/" not in html
    assert f'<meta property="og:image" content="http://news.example.com/media/{hero.file.name}">' in html
    assert '<meta property="og:image:width" content="1600">' in html

    with django_capture_on_commit_callbacks(execute=True):  # ready: the cached page is dropped
        make_image_renditions.call(hero.pk)
    html = page_of(client, article)
    assert re.search(r'<source type="image/webp" srcset="/media/renditions/[^"]+-320\.webp 320w', html)
    assert renditions.social_card_name(hero) in html and '<meta property="og:image:width" content="1200">' in html


def test_moving_the_focal_point_keeps_the_srcset_and_previews_the_original_until_the_new_card(
    client, make_article, django_capture_on_commit_callbacks
):
    hero = library_image(content=jpeg_bytes(1600, 900), alt="Harbour")
    article = make_article(hero=hero)
    page_of(client, article)  # cached
    hero.focal_x = 0.1
    with django_capture_on_commit_callbacks() as queued:  # the page cache is dropped; the crops wait for a worker
        image_update(image=hero)
    queued[1]()
    html = page_of(client, article)
    assert "-320.webp 320w" in html  # widths do not depend on the focal point
    assert renditions.social_card_name(hero) not in html and f"/media/{hero.file.name}" in html
    with django_capture_on_commit_callbacks(execute=True):
        make_image_renditions.call(hero.pk)
    assert renditions.social_card_name(hero) in page_of(client, article)


def test_a_stale_run_does_not_mark_newer_crops_ready():
    hero = library_image(alt="Harbour", ready=False)
    Image.objects.filter(pk=hero.pk).update(focal_x=0.9)  # edited while the first run was waiting
    make_image_renditions.call(hero.pk)  # makes crops at 0.9, then marks them: the row matches again
    assert Image.objects.get(pk=hero.pk).crops_ready
    old = Image.objects.get(pk=hero.pk)
    Image.objects.filter(pk=hero.pk).update(crops_ready=False)
    old.focal_x = 0.5  # a run still holding the old focal point
    renditions.make_renditions(old)
    Image.objects.filter(pk=hero.pk, focal_x=old.focal_x).update(crops_ready=True)
    assert not Image.objects.get(pk=hero.pk).crops_ready


@pytest.mark.django_db(transaction=True)  # the worker opens and closes its own connections
def test_in_production_renditions_wait_in_the_database_for_the_worker(database_queue):
    hero = library_image(content=jpeg_bytes(1600, 900), alt="Harbour", ready=False)
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "articles.media.tasks.make_image_renditions" and queued.args_kwargs["args"] == [hero.pk]
    assert not Image.objects.get(pk=hero.pk).sizes_ready  # nothing was made in the request

    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO(), stderr=io.StringIO()
    )

    hero.refresh_from_db()
    assert hero.sizes_ready and hero.crops_ready
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
