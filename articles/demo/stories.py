"""Defines: demo articles and their publishing schedule, composed from the word lists."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

from django.utils.text import slugify

from articles.demo.words import (
    ALL_PLACES,
    FIRST_NAMES,
    LAST_NAMES,
    PLACES,
    QUOTES,
    SHARED_TAGS,
    TIMEFRAMES,
    TOPICS,
    WEEKDAYS,
    WIRE,
)


@dataclass
class DemoArticle:
    """One generated article: plain data, turned into a model instance by the command."""

    index: int
    title: str
    slug: str
    summary: str
    body: str
    byline: str
    dateline: str
    tags: list[str]
    topic: str


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def generate_article(*, seed: int, index: int, topic_key: str, region: str | None) -> DemoArticle:
    """Compose one original article. Same (seed, index, topic, region) → same article."""
    rng = random.Random(f"newsroom-demo:{seed}:{index}")
    topic = TOPICS[topic_key]
    city, country = rng.choice(PLACES.get(region, ALL_PLACES))
    city_name = city.title()
    subject = rng.choice(topic.subjects)
    verbs, obj = rng.choice(topic.actions).split(" ", 1)
    present, past = verbs.split("/")

    title = rng.choice(
        [
            f"{subject} in {city_name} {present} {obj}",
            f"{city_name}: {subject.lower()} {present} {obj}",
            f"{subject} {present} {obj} in {city_name}",
        ]
    )
    weekday = rng.choice(WEEKDAYS)
    summary = (
        f"{subject} in {city_name} {past} {obj} on {weekday}, "
        f"after {rng.choice(topic.backgrounds)}. Supporters say {rng.choice(topic.benefits)}."
    )

    speaker_role, critic_role = rng.sample(topic.roles, 2)
    speaker, critic = person(rng), person(rng)
    concern, other_concern = rng.sample(topic.concerns, 2)
    benefit, other_benefit = rng.sample(topic.benefits, 2)
    paragraphs = [
        f"{subject} {past} {obj} on {weekday}, a move that follows {rng.choice(topic.backgrounds)}. "
        f"Officials said the change would {rng.choice(topic.outcomes)}.",
        f"“{rng.choice(QUOTES)},” said {speaker}, {speaker_role}. "
        f"{speaker.split()[0]} added that the first results could be visible {rng.choice(TIMEFRAMES)}.",
        f"Not everyone is convinced. {critic}, {critic_role}, said the worry is that "
        f"{concern}, and that {other_concern}.",
        f"Supporters answer that {benefit}, and that {other_benefit}. "
        f"About {rng.randrange(2, 60) * 50:,} people are expected to be affected in and around {city_name}.",
    ]
    html = [f"<p>{escape(p, quote=False)}</p>" for p in paragraphs]
    if rng.random() < 0.5:
        html.insert(2, f"<blockquote><p>“{escape(rng.choice(QUOTES), quote=False)}.”</p></blockquote>")
    if rng.random() < 0.4:
        facts = [
            f"The decision follows {rng.choice(topic.backgrounds)}.",
            f"Officials expect it to {rng.choice(topic.outcomes)}.",
            f"Critics say {rng.choice(topic.concerns)}.",
        ]
        html.append("<h2>What we know</h2>")
        html.append("<ul>" + "".join(f"<li>{escape(fact, quote=False)}</li>" for fact in facts) + "</ul>")
    html.append(
        f"<p><em>The {subject.lower()} are due to meet again {rng.choice(TIMEFRAMES)}.</em></p>"
        if rng.random() < 0.5
        else f"<p>A further update is expected {rng.choice(TIMEFRAMES)}.</p>"
    )
    body = "".join(html)

    tag_count = rng.randint(2, 4)
    tags = rng.sample(topic.tags, min(tag_count, len(topic.tags)))
    if rng.random() < 0.35:
        tags.append(rng.choice(SHARED_TAGS))

    return DemoArticle(
        index=index,
        title=title,
        slug=f"{slugify(title)[:80].rstrip('-')}-{index}",
        summary=summary,
        body=body,
        byline=f"By {person(rng)}",
        dateline=f"{city}, {country} ({WIRE})",
        tags=tags,
        topic=topic_key,
    )


@dataclass(frozen=True)
class Schedule:
    status: str  # "draft" or "published"
    published_at: datetime | None
    is_editors_pick: bool
    editors_pick_order: int
    vote_count: int
    view_count: int


def schedule_for(
    *, seed: int, index: int, now: datetime, pick_slots: int = 8, days: int = 60, archive: bool = False
) -> Schedule:
    """Status, publish time, pick flag and popularity for article `index`.

    About 3% drafts and 2% scheduled up to a week ahead (the first of each at index 8 and 9); the rest are
    published over the last `days` days. The first `pick_slots` articles are editors' picks from the last two
    days. An `archive` (a year of a busy site) gives every live article votes: over ten per article on average,
    skewed, so 100,000 articles carry more than a million votes.
    """
    rng = random.Random(f"newsroom-demo-schedule:{seed}:{index}")
    if index < pick_slots:
        status, published_at = "published", now - timedelta(minutes=rng.randrange(5, 48 * 60))
    elif index % 30 == 8:  # by position rather than by chance, so even a small seed has every kind
        status, published_at = "draft", None
    elif index % 50 == 9:
        status, published_at = "published", now + timedelta(minutes=rng.randrange(30, 7 * 24 * 60))
    else:
        status, published_at = "published", now - timedelta(seconds=rng.randrange(60, days * 24 * 3600))
    live = status == "published" and published_at is not None and published_at <= now
    votes = views = 0
    if live:
        # Popularity is skewed: most articles get a little attention, a few get a lot.
        views = int(rng.paretovariate(1.2) * 40)
        if archive:
            votes = min(int(rng.paretovariate(1.4) * 4), 5000)
        elif rng.random() < 0.4:
            votes = min(int(rng.paretovariate(1.5) * 2), 400)
    return Schedule(
        status=status,
        published_at=published_at,
        is_editors_pick=index < pick_slots,
        editors_pick_order=index + 1 if index < pick_slots else 0,
        vote_count=votes,
        view_count=views + votes,
    )
