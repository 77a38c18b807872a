"""Reads: nothing stored; the desk's charts in templates (`articles.desk.charts`), for the story form and the
dashboard."""

from django import template

from articles.desk import charts

register = template.Library()


@register.filter
def story_chart(series):
    return charts.chart(series) if series is not None else ""


@register.filter
def story_sparkline(series):
    return charts.sparkline(series) if series is not None else ""


@register.filter
def story_summary(series) -> str:
    return charts.summary(series) if series is not None else ""
