"""Writes: the newsroom's side of the traffic model (bench/traffic.py): an editor saves one of the newest stories
every `save_every` seconds, and a scheduled story goes live every `live_every` seconds — drafts scheduled at start,
one per interval, which go live with no job to run (`articles.going_live`). Both through the service layer
(`articles.publishing`), so every purge happens as after an editor's save. The intervals are divided by `clock`
(a faster clock: more changes per request than a real newsroom's). Runs in the bench environment until it is
stopped; prints one JSON line per event.

`python bench/traffic_editor.py '{"save_every": 10, "live_every": 60, "clock": 1, "seed": 23, "go_lives": 60}'`
"""

import json
import random
import sys
import time
from datetime import timedelta
from pathlib import Path


def run(options: dict) -> None:
    import django

    django.setup()
    from django.utils import timezone

    from articles.models import Article
    from articles.publishing import article_schedule, article_update

    clock = options.get("clock", 1.0)
    save_every, live_every = options["save_every"] / clock, options["live_every"] / clock
    rng = random.Random(options.get("seed", 23))
    published = Article.objects.published().order_by("-published_at", "-pk")
    newest = list(published.values_list("pk", flat=True)[:200])
    drafts = Article.objects.filter(status=Article.Status.DRAFT).order_by("pk")
    started = timezone.now()
    for n, article in enumerate(drafts[: options.get("go_lives", 60)], start=1):
        at = started + timedelta(seconds=n * live_every)
        article_schedule(article=article, at=at)
        _event({"event": "scheduled", "pk": article.pk, "at": at.isoformat()})
    saves = 0
    while True:
        time.sleep(save_every)
        article = Article.objects.get(pk=rng.choice(newest))
        saves += 1
        article.summary = f"{article.summary.split(' [update ')[0]} [update {saves}]"
        article_update(article=article, comment="Updated (bench traffic model).")
        _event({"event": "saved", "pk": article.pk, "at": time.time()})


def _event(event: dict) -> None:
    """One line, written whole: with PYTHONUNBUFFERED, `print` writes the text and its newline apart, and a warning on
    stderr (the same file) could land between them."""
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    run(json.loads(sys.argv[1]))
