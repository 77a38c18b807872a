"""Reads: nothing stored; draws a story's views and votes (`articles.desk.numbers.StorySeries`) as inline SVG, made
on the server — no script, no inline style (the CSP stays as it is), colours from the admin's stylesheet
(desk.css)."""

from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from articles.desk.numbers import StorySeries


def _when(series: StorySeries, start) -> str:
    local = timezone.localtime(start)
    return f"{local:%a %H:%M}" if series.unit == "hour" else f"{local:%a %d %b}"


def _n(number: float) -> str:
    """A coordinate, short: 12.5, 3, 0."""
    return f"{number:.1f}".removesuffix(".0")


def summary(series: StorySeries) -> str:
    """What the chart shows, in words: the line under it (and, on the dashboard, the sparkline's hidden text)."""
    span = len(series.points)
    text = f"{series.views:,} views and {series.votes:,} votes in {span} {series.unit}{'s' if span != 1 else ''}"
    busiest = series.busiest
    if busiest is not None:
        text += f"; busiest {series.unit} {_when(series, busiest.start)} ({busiest.views:,} views)"
    return text + "."


def chart(series: StorySeries, *, width: int = 480, height: int = 96, votes: bool = True) -> SafeString:
    """Views as bars per hour (or day), votes as a line on their own scale; each bar titled with its numbers."""
    count = max(len(series.points), 1)
    top_views = max((p.views for p in series.points), default=0) or 1
    top_votes = max((abs(p.votes) for p in series.points), default=0) or 1
    bar = width / count
    bars = format_html_join(
        "",
        '<rect class="desk-chart-views" x="{}" y="{}" width="{}" height="{}">'
        "<title>{}: {} views, {} votes</title></rect>",
        (
            (_n(i * bar), _n(height - h), _n(max(bar - 1, 0.5)), _n(h), _when(series, p.start), p.views, p.votes)
            for i, p in enumerate(series.points)
            for h in [max(p.views / top_views * (height - 2), 1 if p.views else 0)]
        ),
    )
    line = ""
    if votes and any(p.votes for p in series.points):
        points = " ".join(
            f"{_n((i + 0.5) * bar)},{_n(height - max(p.votes, 0) / top_votes * (height - 2) - 1)}"
            for i, p in enumerate(series.points)
        )
        line = format_html('<polyline class="desk-chart-votes" points="{}" fill="none"/>', points)
    return format_html(
        # Hidden from screen readers, as the admin's icons are: the summary beside it says the same in words.
        '<svg class="desk-chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" aria-hidden="true"'
        ' preserveAspectRatio="none">{bars}{line}</svg>',
        w=width,
        h=height,
        bars=bars,
        line=line,
    )


def sparkline(series: StorySeries) -> SafeString:
    """The same chart, small, views only: beside a title in the dashboard's most-read lists."""
    return chart(series, width=96, height=20, votes=False)
