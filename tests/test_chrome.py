"""The static chrome kept per process (`{% chrome %}`): the same bytes as rendered each time, following what it
depends on (the site's name, the language, the year), and never able to keep anything personal."""

import re
from datetime import datetime
from pathlib import Path

import pytest
from django.contrib.sites.models import Site
from django.template import Context, Engine, RequestContext, TemplateSyntaxError
from django.test import RequestFactory
from django.utils import timezone
from django.utils.translation import override

from articles.templatetags.chrome import CHROME_KEPT

pytestmark = pytest.mark.django_db

BASE = Path(__file__).resolve().parents[1] / "templates" / "base.html"
CHROME_TAGS = re.compile(r"{% (?:chrome[^%]*|endchrome) %}")


def engine() -> Engine:
    return Engine.get_default()


def render(source: str, **context) -> str:
    return engine().from_string("{% load chrome i18n static reader %}" + source).render(Context(context))


def test_the_chrome_is_the_same_bytes_as_the_base_template_rendered_without_it(client):
    """base.html with its `{% chrome %}` regions, against the same template with those tags taken out."""
    source = BASE.read_text()
    assert "{% chrome site.name %}" in source
    request = RequestFactory().get("/")
    request.user = None
    template = Engine.get_default().from_string(source)
    without = Engine.get_default().from_string(CHROME_TAGS.sub("", source))
    for name in ("Newsroom", "The Daily <Tide> & Co"):
        context = {"site": Site(name=name, domain="news.example.com"), "slots": {}, "page_section_id": None}
        kept = [template.render(RequestContext(request, context)) for _ in range(2)]
        assert kept[0] == kept[1] == without.render(RequestContext(request, context))


def test_a_new_site_name_reaches_the_header_feed_links_and_footer_of_the_next_page(
    client, django_capture_on_commit_callbacks
):
    Site.objects.update_or_create(pk=1, defaults={"domain": "news.example.com", "name": "Old Name"})
    Site.objects.clear_cache()
    assert client.get("/").content.decode().count("Old Name") >= 5

    site = Site.objects.get(pk=1)
    site.name = "New Name"
    with django_capture_on_commit_callbacks(execute=True):
        site.save()  # purges every page that shows the site, after commit (articles.signals)
    html = client.get("/").content.decode()

    assert "Old Name" not in html
    assert re.search(r'class="site-name"[^>]*>New Name<', html)
    assert 'title="New Name: latest news"' in html and "New Name ·" in html  # feed link, footer


def test_the_chrome_follows_the_language():
    source = "{% chrome %}{% translate 'Yes' %}{% endchrome %}"
    template = engine().from_string("{% load chrome i18n %}" + source)

    with override("en"):
        assert template.render(Context()) == "Yes"
    with override("de"):
        assert template.render(Context()) == "Ja"
    with override("en"):
        assert template.render(Context()) == "Yes"


def test_the_chrome_follows_the_variables_it_names_and_escapes_them():
    template = engine().from_string("{% load chrome %}{% chrome site.name %}<b>{{ site.name }}</b>{% endchrome %}")

    assert template.render(Context({"site": {"name": "A & B"}})) == "<b>A &amp; B</b>"
    assert template.render(Context({"site": {"name": "C"}})) == "<b>C</b>"
    assert template.render(Context({"site": {"name": "A & B"}}, autoescape=False)) == "<b>A & B</b>"
    assert template.render(Context({})) == "<b></b>"  # a context without it (an error page): empty, as `{{ }}` is


def test_a_clock_inside_the_chrome_is_read_on_every_render():
    """`{% now %}` (the footer's year) is part of what a kept copy is found by: a changed value renders afresh."""
    template = engine().from_string("{% load chrome %}{% chrome %}<i>{% now 'u' %}</i>{% endchrome %}")

    renders = {template.render(Context()) for _ in range(5)}

    assert len(renders) > 1  # microseconds: a new value, a new render


def test_a_date_inside_the_chrome_is_the_day_where_the_page_is_rendered():
    template = engine().from_string("{% load chrome %}{% chrome %}&copy; {% now 'Y-m-d' %}{% endchrome %}")

    for zone in ["Pacific/Kiritimati", "Pacific/Pago_Pago", "Pacific/Kiritimati"]:  # 25 hours apart: two days
        with timezone.override(zone):
            today = datetime.now(tz=timezone.get_current_timezone())
            assert template.render(Context()) == f"&copy; {today:%Y-%m-%d}"


def test_the_chrome_keeps_a_bounded_number_of_copies():
    template = engine().from_string("{% load chrome %}{% chrome name %}{{ name }}{% endchrome %}")
    node = template.nodelist[1]

    for n in range(CHROME_KEPT * 3):
        assert template.render(Context({"name": n})) == str(n)

    assert len(node.kept) <= CHROME_KEPT


@pytest.mark.parametrize(
    "region",
    [
        "{{ user.username }}",  # a variable it does not name: personal
        "{{ csrf_token }}",
        "{% csrf_token %}",
        "{{ csp_nonce }}",  # per request
        "{{ request.path }}",
        "{{ site.domain }}",  # named: site.name only
        "{{ site.name|upper }}",  # a filter could read anything
        "{% if site.name %}x{% endif %}",
        "{% for m in messages %}{{ m }}{% endfor %}",
        "{% translate message %}",
        "{% blocktranslate count counter=n %}one{% plural %}many{% endblocktranslate %}",
        "{% blocktranslate with who=user.username %}{{ who }}{% endblocktranslate %}",
        "{% static path %}",
        "{% cached_url view_name %}",
        "{% cached_url 'articles:vote' pk=article.pk %}",
        "{% now 'Y' as year %}",
        "{% include 'articles/includes/pagination.html' %}",
    ],
)
def test_the_chrome_refuses_anything_it_does_not_name(region):
    with pytest.raises(TemplateSyntaxError, match="cannot keep"):
        render("{% chrome site.name %}" + region + "{% endchrome %}")


def test_the_chrome_keeps_constant_translations_static_files_and_urls():
    html = render(
        "{% chrome site.name %}{% translate 'Search' %} {% blocktranslate with name=site.name %}{{ name }}!"
        "{% endblocktranslate %} {% static 'css/site.css' %} {% cached_url 'articles:feed' %}{% endchrome %}",
        site={"name": "N"},
    )

    assert html.startswith("Search N! ") and "css/site" in html and html.endswith("/feed/")


@pytest.mark.parametrize("path", sorted(str(p.relative_to(BASE.parent)) for p in BASE.parent.rglob("*.html")))
def test_every_template_with_chrome_compiles(path):
    """A region that reads what it does not name fails here, when the template is compiled, not on a page."""
    if "{% chrome" in (BASE.parent / path).read_text():
        Engine.get_default().get_template(path)
