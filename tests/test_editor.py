"""The body editor: one allowlist for the toolbar and the sanitiser, demo bodies that round-trip unchanged,
and removals reported to the editor instead of dropped silently."""

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.messages import get_messages
from django_prose_editor.config import allowlist_from_extensions

from articles import sanitize
from articles.demo import stories
from articles.demo.words import TOPICS
from articles.editor.forms import same_document
from articles.editor.markup import BODY_EXTENSIONS
from articles.editor.removals import describe_removed
from articles.forms import ArticleAdminForm
from articles.models import Article
from tests.builders import article_form

DEMO_BODIES = [
    stories.generate_article(seed=seed, index=index, topic_key=topic, region=None).body
    for seed in (1, 2)
    for index, topic in enumerate(sorted(TOPICS) * 8)
]


def test_the_sanitiser_keeps_exactly_what_the_editor_can_make():
    from_the_editor = allowlist_from_extensions(BODY_EXTENSIONS)
    assert from_the_editor["tags"] == sanitize.ALLOWED_TAGS
    for tag, attributes in sanitize.ALLOWED_ATTRIBUTES.items():
        assert attributes <= set(from_the_editor["attributes"][tag]), tag
    assert set(BODY_EXTENSIONS["Link"]["protocols"]) == sanitize.ALLOWED_URL_SCHEMES


def test_the_admin_editor_is_configured_from_the_same_definition():
    config = ArticleAdminForm().fields["body"].widget.get_config()
    assert BODY_EXTENSIONS.keys() <= config["extensions"].keys()
    assert "/static/editor/pasted-frame.js" in config["js_modules"]


@pytest.mark.parametrize(
    "html",
    [
        "<h2>H</h2><h3>H</h3><h4>H</h4>",
        "<p><strong>b</strong> <em>i</em> <u>u</u> <s>s</s> x<sub>2</sub> y<sup>3</sup><br>z</p>",
        '<ul><li><p>a</p></li></ul><ol start="3"><li><p>b</p></li></ol>',
        "<blockquote><p>Quoted.</p></blockquote><hr>",
        '<figure><img src="/media/library/a.jpg" alt="A photo" width="640" height="480">'
        "<figcaption>Caption</figcaption></figure>",
        '<table><tbody><tr><th colspan="2">H</th></tr><tr><td>1</td><td rowspan="1">2</td></tr></tbody></table>',
    ],
)
def test_everything_the_toolbar_makes_survives_the_sanitiser(html):
    assert sanitize.sanitize_html(html) == html


def test_markup_outside_the_editor_is_removed_and_described():
    html = (
        '<p onclick="x()">Hi</p><iframe src="https://example.com/w"></iframe><script>alert(1)</script>'
        '<p><a href="javascript:alert(1)">x</a></p><code>c</code>'
    )
    assert describe_removed(html) == [
        "an onclick attribute on <p>",
        "an iframe from example.com",
        "a script",
        "a javascript: link",
        "a code",
    ]
    clean = sanitize.sanitize_html(html)
    assert "iframe" not in clean and "script" not in clean and "onclick" not in clean and "<code>" not in clean
    assert describe_removed(clean) == []


def test_demo_bodies_are_already_clean():
    assert any("<ul>" in body for body in DEMO_BODIES) and any("<blockquote>" in body for body in DEMO_BODIES)
    for body in DEMO_BODIES:
        assert sanitize.sanitize_html(body) == body
        assert describe_removed(body) == []


def editor_spelling(html: str) -> str:
    """How ProseMirror serialises a list item holding text (checked in the browser test)."""
    return html.replace("<li>", "<li><p>").replace("</li>", "</p></li>")


def test_an_unchanged_document_keeps_the_stored_body_byte_for_byte(make_article, section):
    for body in DEMO_BODIES[:16]:
        article = make_article(body=body)
        data = article_form(section, title=article.title, slug=article.slug, body=editor_spelling(body))
        form = ArticleAdminForm(data=data, instance=article)
        assert form.is_valid(), form.errors
        assert form.cleaned_data["body"] == body
    assert same_document("<ul><li>a</li></ul>", "<ul>\n<li><p>a</p></li></ul>")
    assert not same_document("<ul><li>a</li></ul>", "<ul><li><p>b</p></li></ul>")


@pytest.mark.django_db
def test_editor_is_told_what_the_sanitiser_removed(client, section):
    editor = User.objects.create_user("eddie", password="pw-for-tests-only", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    body = '<p>Text</p><iframe src="https://example.com/widget"></iframe><p onclick="x()">More</p>'
    response = client.post("/admin/articles/article/add/", article_form(section, body=body))
    assert response.status_code == 302
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert "Body — removed: an iframe from example.com; an onclick attribute on <p>." in texts
    assert Article.objects.get().body == "<p>Text</p><p>More</p>"


@pytest.mark.django_db
def test_a_clean_save_reports_nothing(client, section):
    editor = User.objects.create_user("eddie", password="pw-for-tests-only", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    response = client.post("/admin/articles/article/add/", article_form(section), follow=True)
    assert not any("removed" in str(m) for m in response.context["messages"])
