"""Writes: `manage.py render_ahead`: the pages of tags and published stories nobody has asked for yet, rendered and
kept in the shared cache (articles/render_ahead.py)."""

from django.core.management.base import BaseCommand, CommandError

from articles.render_ahead import default_origin, render_ahead


def _part(value: str) -> tuple[int, int]:
    index, _, parts = value.partition("/")
    if not (index.isdigit() and parts.isdigit()) or not 0 < int(index) <= int(parts):
        raise ValueError(value)
    return int(index) - 1, int(parts)


class Command(BaseCommand):
    help = (
        "Render and keep the page of every tag in use (the most used first), then of every published story (newest "
        "first), whose copy the shared cache does not hold, so that a reader's first view of an archived story or a "
        "tag is a cache hit. Schedule every few minutes with a budget "
        "(--seconds); a page already kept costs one key looked up."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--origin",
            action="append",
            help="where readers find the site, e.g. https://news.example.com (repeat for several; default: the "
            "site's domain, https where SECURE_SSL_REDIRECT is on)",
        )
        parser.add_argument("--seconds", type=float, help="stop after this long (default: when every story is kept)")
        parser.add_argument("--part", default="1/1", help="K/N: only the K-th of N parts of the stories, by id")

    def handle(self, *args, **options):
        try:
            part = _part(options["part"])
        except ValueError:
            raise CommandError(f"--part {options['part']!r}: give K/N, as 1/2 or 2/2.") from None
        try:
            done = render_ahead(options["origin"] or [default_origin()], part=part, seconds=options["seconds"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        more = " (out of time: the rest on the next run)" if done.out_of_time else ""
        self.stdout.write(
            f"Rendered ahead: {done.rendered} page(s) of {done.tags} tags and {done.stories} stories; "
            f"{done.held} already kept; "
            f"{done.failed} failed{more}."
        )
