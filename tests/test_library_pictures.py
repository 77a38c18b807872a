"""Library pictures on the desk: the chooser's grid (search, recent first, upload in place), pictures in the body
drawn from the library's renditions with its caption and credit and required alt text, where an image is used
(a body use included) and why it cannot be deleted then; a refused picture never leaves an empty frame."""

import json
import re

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import publishing
from articles.editor.pictures import image_ids
from articles.media.admin import articles_using
from articles.media.models import BodyUse
from articles.media.models import Image as LibraryImage
from articles.media.services import image_update
from articles.models import Article
from articles.sanitize import sanitize_html
from tests.builders import article_form, jpeg_bytes, library_image

pytestmark = pytest.mark.django_db
CHOOSER = "/admin/library/image/chooser/"
UPLOAD = "/admin/library/image/chooser/upload/"


def staff(client, username: str, group: str) -> User:
    user = User.objects.create_user(username=username, password="pw-for-tests-only", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return user


def figure(image, *, alt="Boats at dawn", caption="", **data) -> str:
    attributes = "".join(f' data-{name}="{value}"' for name, value in data.items())
    own = f"<figcaption>{caption}</figcaption>" if caption else ""
    return (
        f'<figure class="figure" data-image="{image.pk}"{attributes}>'
        f'<img src="{image.file.url}" alt="{alt}">{own}</figure>'
    )


def choices(page: str) -> list[dict]:
    return [
        json.loads(value.replace("&quot;", '"').replace("&amp;", "&"))
        for value in re.findall(r'data-choice="([^"]*)"', page)
    ]


# --- the chooser -------------------------------------------------------------------------------------------


def test_the_chooser_shows_thumbnails_most_recent_first_and_searches_all_four_fields_for_writers_too(client):
    staff(client, "wanda", "Writers")
    by_alt = library_image(alt="Harbor at dawn")
    by_caption = library_image(alt="Boats", caption="The old HARBOR wall")
    by_credit = library_image(alt="Cranes", credit="Photo: Harbor Authority")
    by_name = library_image(alt="Quay", name="harbor-quay.jpg")
    library_image(alt="Mountain pass")

    page = client.get(CHOOSER).content.decode()
    assert [c["alt"] for c in choices(page)] == ["Mountain pass", "Quay", "Cranes", "Boats", "Harbor at dawn"]
    assert page.count('<img src="/media/renditions/') == 5  # square thumbnails, not the originals
    found = choices(client.get(CHOOSER, {"q": "harbor"}).content.decode())
    assert [c["id"] for c in found] == [by_name.pk, by_credit.pk, by_caption.pk, by_alt.pk]
    assert [c["id"] for c in choices(client.get(CHOOSER, {"q": "harbor dawn"}).content.decode())] == [by_alt.pk]
    chosen = found[-1]
    assert chosen["card"].endswith(".jpg") and "card1200x630" in chosen["card"] and chosen["src"] == by_alt.file.url
    assert "4 pictures matching “harbor”" in client.get(CHOOSER, {"q": "harbor"}).content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="spelling variants are pg_trgm's word similarity")
def test_the_chooser_forgives_spelling_on_postgresql(client):
    staff(client, "wanda", "Writers")
    harbour = library_image(alt="The harbour at dawn")
    colour = library_image(alt="Boats", caption="A color photograph of the quay")
    library_image(alt="Hardware store on the corner")

    def found(q: str) -> list[int]:
        return [c["id"] for c in choices(client.get(CHOOSER, {"q": q}).content.decode())]

    assert found("harbor") == [harbour.pk]  # not the hardware store
    assert found("colour quay") == [colour.pk]
    assert found("harbor colour") == []  # every word still has to match
    assert found("the harbor") == [harbour.pk]  # "the" as typed (too short to forgive), "harbor" forgiven


def test_an_upload_in_the_chooser_is_stored_and_chosen_and_a_bad_one_is_refused_with_why(client):
    writer = staff(client, "wanda", "Writers")
    upload = SimpleUploadedFile("quay.jpg", jpeg_bytes(800, 500), content_type="image/jpeg")
    response = client.post(UPLOAD, {"file": upload, "alt": "The new quay", "credit": "Photo: Kim"})
    assert response.status_code == 201
    image = LibraryImage.objects.get()
    assert response.json()["image"]["id"] == image.pk and image.uploaded_by == writer and image.credit == "Photo: Kim"

    text = SimpleUploadedFile("notes.jpg", b"not a picture", content_type="image/jpeg")
    refused = client.post(UPLOAD, {"file": text, "alt": ""})
    assert refused.status_code == 400
    errors = " ".join(refused.json()["errors"])
    assert "Upload a valid image" in errors and "Alt text: This field is required." in errors
    assert LibraryImage.objects.count() == 1
    assert client.get(UPLOAD).status_code == 405


def test_the_article_form_shows_the_chosen_pictures_in_the_chooser_and_the_link_preview(client, make_article):
    staff(client, "eddie", "Editors")
    hero = library_image(alt="Harbour at dawn", credit="Photo: Kim")
    article = make_article(hero=hero)
    page = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert re.search(rf'<input type="hidden" name="hero" id="id_hero" value="{hero.pk}"', page)
    assert f'src="{hero.square_url()}"' in page and "Harbour at dawn — Photo: Kim" in page
    assert f'src="{hero.social_card_url}"' in page  # the link-preview card, from the hero
    assert '<select name="hero"' not in page and 'id="add_id_hero"' not in page  # no more alt-text-only list
    assert 'data-image-chooser="social_image"' in page


# --- pictures in the body ---------------------------------------------------------------------------------------


def test_a_library_picture_in_the_body_is_drawn_from_renditions_with_the_librarys_words(client, make_article):
    image = library_image(content=jpeg_bytes(1600, 1000), alt="Boats", caption="Boats at dawn.", credit="Photo: Kim")
    article = make_article(body=f"<p>Before.</p>{figure(image, alt='Fishing boats', size='medium', align='left')}")
    html = client.get(article.get_absolute_url()).content.decode()
    body = html.split('<div class="body">', 1)[1].split("</div>", 1)[0]
    assert '<figure class="body-picture body-picture--medium body-picture--left">' in body
    assert re.search(r'<source type="image/webp" srcset="[^"]*-320\.webp 320w, [^"]*-640\.webp 640w', body)
    assert re.search(r'srcset="[^"]*-320\.jpg 320w[^"]*" sizes="\(min-width: 40em\) 22rem, 100vw"', body)
    assert 'alt="Fishing boats" width="1600" height="1000" loading="lazy"' in body
    assert '<figcaption>Boats at dawn. <span class="credit">Photo: Kim</span></figcaption>' in body
    assert "data-image" not in body


def test_a_figure_may_give_its_own_caption_and_credit(client, make_article):
    image = library_image(alt="Boats", caption="Boats at dawn.", credit="Photo: Kim")
    body = figure(image, caption="The fleet, <em>home</em>.", credit="Photo: Lee/AP")
    html = client.get(make_article(body=body).get_absolute_url()).content.decode()
    assert '<figcaption>The fleet, <em>home</em>. <span class="credit">Photo: Lee/AP</span></figcaption>' in html
    assert "Boats at dawn." not in html


def test_the_sanitiser_keeps_the_library_reference_and_nothing_else():
    image_html = '<img src="/media/a.jpg" alt="A">'
    clean = sanitize_html(
        f'<figure class="figure" data-image="7" data-size="small" data-align="right" data-credit="Kim" '
        f'data-file="x" data-track="1" onclick="x()">{image_html}</figure>'
    )
    assert clean == (
        f'<figure class="figure" data-image="7" data-size="small" data-align="right" data-credit="Kim">'
        f"{image_html}</figure>"
    )
    assert image_ids(clean) == [7]


def test_the_form_refuses_a_body_picture_without_alt_text_and_stores_nothing(client, section):
    staff(client, "eddie", "Editors")
    image = library_image(alt="Boats")
    response = client.post("/admin/articles/article/add/", article_form(section, body=figure(image, alt=" ")))
    assert response.status_code == 200
    assert "1 picture(s) in the body have no alt text." in response.content.decode()
    assert not Article.objects.exists()
    gone = figure(image)
    gone_id = image.pk
    image.delete()
    response = client.post("/admin/articles/article/add/", article_form(section, body=gone))
    assert f"is no longer in the media library (image {gone_id})" in response.content.decode()
    assert not Article.objects.exists()


def test_a_picture_since_gone_from_the_library_leaves_no_empty_frame(client, make_article):
    image = library_image(alt="Boats")
    article = make_article(body=f"<p>Text.</p>{figure(image)}")
    Article.objects.filter(pk=article.pk).update(body=article.body.replace(f'"{image.pk}"', '"999999"'))
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<p>Text.</p>" in html and "<figure" not in html.split('<div class="body">', 1)[1].split("</div>", 1)[0]


# --- where an image is used ---------------------------------------------------------------------------------


def test_an_images_page_lists_its_uses_in_bodies_and_a_used_image_is_not_deleted(client, make_article):
    staff(client, "eddie", "Editors")
    image = library_image(alt="Boats")
    make_article(title="Fleet returns", body=figure(image))
    make_article(title="Harbour reopens", hero=image)
    make_article(title="Unrelated")
    page = client.get(f"/admin/library/image/{image.pk}/change/").content.decode()
    usage = page.split('id="library-usage"', 1)[1].split("</fieldset>", 1)[0]
    assert re.findall(r">([^<]+)</a> — ([a-z ]+)</li>", usage) == [
        ("Harbour reopens", "hero"),
        ("Fleet returns", "in the body"),
    ]

    hero_free = Article.objects.get(title="Harbour reopens")
    hero_free.hero = None
    hero_free.save()
    confirm = client.get(f"/admin/library/image/{image.pk}/delete/").content.decode()
    assert "Article: Fleet returns (a picture in its body: Boats)" in confirm
    client.post(f"/admin/library/image/{image.pk}/delete/", {"post": "yes"})
    assert LibraryImage.objects.filter(pk=image.pk).exists()


def test_a_picture_taken_out_of_the_body_is_no_longer_a_use_and_uses_are_looked_up_not_scanned(
    make_article, django_user_model
):
    image, other = library_image(alt="Boats"), library_image(alt="Cranes")
    article = make_article(title="Fleet returns", body=figure(image))
    editor = django_user_model.objects.create_superuser("root", "root@example.com", "pw-for-tests-only")
    assert [(a.title, how) for a, how in articles_using(image, viewer=editor)] == [("Fleet returns", "in the body")]

    article.body = figure(other, alt="Cranes at work")
    publishing.article_update(article=article)

    with CaptureQueriesContext(connection) as queries:
        assert articles_using(image, viewer=editor) == []
    assert [(a.title, how) for a, how in articles_using(other, viewer=editor)] == [("Fleet returns", "in the body")]
    assert "library_bodyuse" in queries[0]["sql"] and "LIKE" not in queries[0]["sql"].upper()  # no scan of bodies
    assert list(BodyUse.objects.values_list("image_id", flat=True)) == [other.pk]
    usage = dict(LibraryImage.objects.with_usage().values_list("pk", "usage"))
    assert (usage[image.pk], usage[other.pk]) == (0, 1)  # the library's list counts body uses too


def test_a_new_caption_reaches_the_cached_page_of_a_story_showing_the_picture_in_its_body(
    client, make_article, django_capture_on_commit_callbacks
):
    image = library_image(alt="Boats", caption="Old caption.")
    article = make_article(body=figure(image))
    assert "Old caption." in client.get(article.get_absolute_url()).content.decode()  # now cached
    image.caption = "New caption."
    with django_capture_on_commit_callbacks(execute=True):
        image_update(image=image)
    assert "New caption." in client.get(article.get_absolute_url()).content.decode()
