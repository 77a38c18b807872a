import pytest

from articles.models import Article
from articles.sanitize import sanitize_html


def test_scripts_event_handlers_and_javascript_links_are_removed():
    dirty = (
        '<p onclick="steal()">Hi<script>alert(1)</script></p>'
        '<a href="javascript:alert(1)">x</a><img src="x.png" onerror="alert(1)" alt="a">'
        "<style>body{}</style><iframe src='https://evil.test'></iframe>"
    )
    clean = sanitize_html(dirty)
    assert "<script" not in clean and "alert(1)" not in clean
    assert "onclick" not in clean and "onerror" not in clean
    assert "javascript:" not in clean
    assert "<style" not in clean and "<iframe" not in clean
    assert "<p>Hi</p>" in clean


def test_allowed_newsroom_markup_is_kept():
    html = (
        "<h2>Heading</h2><p>Text with <strong>bold</strong>, <em>italics</em> and "
        '<a href="https://example.org/x">a link</a>.</p><ul><li>one</li></ul><ol><li>two</li></ol>'
        "<blockquote><p>Quoted.</p></blockquote>"
        '<figure><img src="/media/library/a.jpg" alt="A photo"><figcaption>Caption</figcaption></figure>'
    )
    clean = sanitize_html(html)
    for fragment in [
        "<h2>Heading</h2>",
        "<strong>bold</strong>",
        "<em>italics</em>",
        '<a href="https://example.org/x" rel="noopener noreferrer">a link</a>',
        "<ul><li>one</li></ul>",
        "<ol><li>two</li></ol>",
        "<blockquote><p>Quoted.</p></blockquote>",
        '<img src="/media/library/a.jpg" alt="A photo">',
        "<figcaption>Caption</figcaption>",
    ]:
        assert fragment in clean


@pytest.mark.django_db
def test_body_is_sanitised_on_save_and_never_reaches_a_reader(make_article, client):
    article = make_article(body='<p>Safe</p><script>alert("x")</script><a href="javascript:evil()">l</a>')
    article.refresh_from_db()
    assert "<script" not in article.body and "javascript:" not in article.body

    page = client.get(article.get_absolute_url()).content.decode()
    assert "<p>Safe</p>" in page
    assert 'alert("x")' not in page
    assert Article.objects.get(pk=article.pk).body == article.body
