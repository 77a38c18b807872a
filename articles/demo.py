"""Original demo content for `manage.py seed_demo`: sections, tags, articles and hero images.

Everything here is composed from small word lists with a seeded random generator, so the same seed and
index always give the same article (and the same slug) — which is what makes seeding idempotent. No text
is copied from anywhere; the wire name "NDW" (Newsroom Demo Wire) is made up.
"""

import colorsys
import io
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape

from django.utils.text import slugify
from PIL import Image, ImageDraw

WIRE = "NDW"

# (name, slug, topic, children as (name, slug, region)); a child's region picks its datelines.
SECTIONS = [
    (
        "World",
        "world",
        "world",
        [("Asia", "asia", "asia"), ("Europe", "europe", "europe"), ("Americas", "americas", "americas")],
    ),
    ("Politics", "politics", "politics", []),
    ("Business", "business", "business", [("Markets", "markets", "business"), ("Economy", "economy", "business")]),
    ("Technology", "technology", "technology", []),
    ("Science", "science", "science", [("Health", "health", "health"), ("Environment", "environment", "climate")]),
    ("Sport", "sport", "sport", []),
    ("Culture", "culture", "culture", [("Books", "books", "culture"), ("Film", "film", "culture")]),
]

PLACES = {
    "asia": [
        ("SEOUL", "South Korea"),
        ("TOKYO", "Japan"),
        ("HANOI", "Vietnam"),
        ("JAKARTA", "Indonesia"),
        ("MANILA", "Philippines"),
        ("BANGKOK", "Thailand"),
        ("TAIPEI", "Taiwan"),
        ("KATHMANDU", "Nepal"),
    ],
    "europe": [
        ("LISBON", "Portugal"),
        ("WARSAW", "Poland"),
        ("VIENNA", "Austria"),
        ("ATHENS", "Greece"),
        ("DUBLIN", "Ireland"),
        ("TALLINN", "Estonia"),
        ("VALENCIA", "Spain"),
        ("LYON", "France"),
    ],
    "americas": [
        ("LIMA", "Peru"),
        ("BOGOTA", "Colombia"),
        ("MONTREAL", "Canada"),
        ("SANTIAGO", "Chile"),
        ("DENVER", "Colorado"),
        ("RECIFE", "Brazil"),
        ("OAXACA", "Mexico"),
        ("HALIFAX", "Nova Scotia"),
    ],
}
ALL_PLACES = [place for region in PLACES.values() for place in region]

FIRST_NAMES = [
    "Amara", "Jonas", "Mei", "Tomas", "Priya", "Lucas", "Hana", "Omar", "Ingrid", "Mateo", "Sofia", "Kwame",
    "Elena", "Ravi", "Nora", "Diego", "Yuki", "Farah", "Pieter", "Lena", "Samuel", "Aiko", "Marta", "Idris",
]  # fmt: skip
LAST_NAMES = [
    "Okafor", "Lindqvist", "Tanaka", "Moreau", "Haddad", "Kowalski", "Silva", "Byrne", "Nakamura", "Ferreira",
    "Novak", "Castillo", "Park", "Adeyemi", "Holm", "Rossi", "Mensah", "Varga", "Quinn", "Saito", "Duarte",
]  # fmt: skip
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@dataclass(frozen=True)
class Topic:
    subjects: list[str]  # plural, for "Subjects verb object" headlines
    actions: list[str]  # "present/past object", e.g. "back/backed a plan to rebuild rail lines"
    roles: list[str]
    outcomes: list[str]
    backgrounds: list[str]
    concerns: list[str]
    benefits: list[str]
    tags: list[str] = field(default_factory=list)


_WORLD = Topic(
    subjects=["Ministers", "Regional leaders", "Aid groups", "Coastal towns", "Lawmakers", "City officials"],
    actions=[
        "back/backed a plan to rebuild flooded rail lines",
        "unveil/unveiled new rules for river shipping",
        "resume/resumed talks on sharing water from the upper basin",
        "sign/signed a cross-border agreement on fishing quotas",
        "approve/approved an emergency fund for farmers hit by drought",
        "launch/launched a program to restore old harbor districts",
        "delay/delayed a vote on a new border crossing",
    ],
    roles=["a senior diplomat", "a regional governor", "a spokesperson for the foreign ministry", "an aid coordinator"],
    outcomes=["take effect before the rainy season", "be reviewed by neighboring governments", "need outside funding"],
    backgrounds=[
        "months of negotiation between the two sides",
        "a series of floods last spring",
        "a change of government",
    ],
    concerns=["the timetable is too tight", "smaller towns will be left out", "the costs have been underestimated"],
    benefits=["it will bring stability to the region", "it finally puts local needs first", "it keeps trade moving"],
    tags=["diplomacy", "floods", "trade", "migration", "infrastructure", "elections"],
)

TOPICS = {
    "world": _WORLD,
    "asia": _WORLD,
    "europe": _WORLD,
    "americas": _WORLD,
    "politics": Topic(
        subjects=["Lawmakers", "Party leaders", "Senators", "Voters", "Council members", "Election officials"],
        actions=[
            "approve/approved a bill to expand early voting",
            "pass/passed a budget that raises school spending",
            "debate/debated limits on campaign donations",
            "reject/rejected a plan to redraw district lines",
            "revive/revived a proposal for a public transit levy",
            "adopt/adopted new ethics rules for officials",
        ],
        roles=["a committee chair", "an opposition lawmaker", "a political scientist", "a campaign adviser"],
        outcomes=["reach a final vote next month", "face a legal challenge", "go to a referendum in the spring"],
        backgrounds=["a close election last year", "weeks of committee hearings", "a dispute over the state budget"],
        concerns=["the measure was rushed", "rural voters were not consulted", "the costs will fall on cities"],
        benefits=["it makes government more open", "it gives voters a clearer choice", "it ends years of deadlock"],
        tags=["elections", "parliament", "budget", "policy", "local-government", "transparency"],
    ),
    "business": Topic(
        subjects=["Retailers", "Shipping firms", "Carmakers", "Small lenders", "Airlines", "Farm cooperatives"],
        actions=[
            "report/reported stronger sales after a slow winter",
            "warn/warned of higher costs for fuel and freight",
            "plan/planned to hire thousands of seasonal workers",
            "agree/agreed to a merger that would create a regional leader",
            "cut/cut prices on household goods",
            "invest/invested in electric delivery vans",
        ],
        roles=[
            "a market analyst",
            "the company's chief executive",
            "an economist at a regional bank",
            "a trade union leader",
        ],
        outcomes=["show up in prices by the summer", "depend on interest rates", "be reviewed by regulators"],
        backgrounds=["a year of uneven growth", "a sharp rise in shipping costs", "changes to import rules"],
        concerns=["consumers are spending less", "margins are getting thinner", "the recovery is fragile"],
        benefits=["it will create local jobs", "it keeps prices steady", "it makes supply chains more resilient"],
        tags=["markets", "economy", "jobs", "inflation", "retail", "energy"],
    ),
    "technology": Topic(
        subjects=["Developers", "Startups", "Chip makers", "Phone makers", "Regulators", "Researchers"],
        actions=[
            "release/released an open standard for home energy meters",
            "test/tested a faster way to recycle old batteries",
            "add/added privacy controls for connected cars",
            "build/built software that translates sign language",
            "unveil/unveiled a low-power chip for rural sensors",
            "challenge/challenged new rules for app store payments",
        ],
        roles=["a software engineer", "a privacy researcher", "the startup's co-founder", "a telecom analyst"],
        outcomes=["reach customers later this year", "be published as open source", "need approval from regulators"],
        backgrounds=["two years of field trials", "a wave of security flaws", "growing demand for cheaper devices"],
        concerns=["the data could be misused", "older devices will be left behind", "the rules favor big companies"],
        benefits=["it lowers costs for users", "it works without a fast connection", "it keeps data on the device"],
        tags=["artificial-intelligence", "privacy", "open-source", "batteries", "semiconductors", "startups"],
    ),
    "science": Topic(
        subjects=["Astronomers", "Biologists", "Physicists", "Field researchers", "Geologists", "Ocean scientists"],
        actions=[
            "map/mapped a faint ring of dust around a young star",
            "explain/explained how deep-sea corals survive in the dark",
            "measure/measured the slow drift of a mountain glacier",
            "describe/described a new species of night-flying moth",
            "detect/detected tiny earthquakes beneath a dormant volcano",
            "study/studied the magnetic field of a distant planet",
        ],
        roles=[
            "the study's lead author",
            "a researcher who was not involved",
            "an observatory director",
            "a museum curator",
        ],
        outcomes=["be checked by other teams", "guide the next expedition", "change how the data are read"],
        backgrounds=["a decade of careful observations", "a lucky find during fieldwork", "new instruments"],
        concerns=["the sample is still small", "the signal could have another cause", "funding may run out"],
        benefits=["it opens a new line of research", "it explains an old puzzle", "it can be repeated cheaply"],
        tags=["space", "biology", "oceans", "geology", "research", "physics"],
    ),
    "health": Topic(
        subjects=["Hospitals", "Nurses", "Public health teams", "Clinics", "Doctors", "Pharmacists"],
        actions=[
            "expand/expanded evening hours for walk-in care",
            "trial/trialed a text-message reminder service for checkups",
            "launch/launched a program to cut waiting times",
            "offer/offered free screening for older adults",
            "adopt/adopted a shared record system for rural clinics",
        ],
        roles=["a family doctor", "a hospital administrator", "a public health researcher", "a patient advocate"],
        outcomes=["reach more districts next year", "be evaluated after six months", "need more trained staff"],
        backgrounds=["long queues over the winter", "a shortage of nurses", "a successful pilot in two towns"],
        concerns=["staff are already stretched", "the funding is only temporary", "patients may not know about it"],
        benefits=["patients are seen sooner", "it catches problems early", "it saves money over time"],
        tags=["health", "hospitals", "public-health", "research", "aging"],
    ),
    "climate": Topic(
        subjects=["Farmers", "Forest rangers", "Coastal planners", "Cities", "Conservation groups", "Utilities"],
        actions=[
            "restore/restored wetlands along a silted estuary",
            "plant/planted native trees on burned hillsides",
            "reinforce/reinforced river banks against spring floods",
            "build/built rooftop gardens to cool city blocks",
            "celebrate/celebrated the return of salmon to a mountain stream",
        ],
        roles=["an ecologist", "a regional planner", "a local farmer", "a climate scientist"],
        outcomes=["take several seasons to show results", "be copied by nearby towns", "rely on volunteers"],
        backgrounds=["a record-hot summer", "years of falling water levels", "a storm that damaged the coast"],
        concerns=["the work is too slow", "the land is still at risk", "money for upkeep is uncertain"],
        benefits=["it brings wildlife back", "it keeps homes safer", "it helps the soil hold water"],
        tags=["climate", "environment", "floods", "wildlife", "energy", "water"],
    ),
    "sport": Topic(
        subjects=["Underdogs", "Champions", "Rival clubs", "Young sprinters", "Veteran rowers", "Home fans"],
        actions=[
            "clinch/clinched a late win in the cup semifinal",
            "win/won the league title on the final day",
            "earn/earned a place in the national relay team",
            "complete/completed a comeback after a difficult season",
            "lift/lifted the club's first trophy in a decade",
        ],
        roles=["the team's coach", "the captain", "a former champion", "the club's sporting director"],
        outcomes=["decide the season", "set up a final against old rivals", "keep the team in the top division"],
        backgrounds=["a string of injuries", "a new coaching staff", "a dramatic penalty shootout"],
        concerns=["the squad is too thin", "the schedule is exhausting", "the defense looked shaky"],
        benefits=[
            "the young players are improving fast",
            "the crowd has rallied behind the team",
            "the team plays with confidence",
        ],
        tags=["football", "athletics", "rowing", "cycling", "tennis", "championships"],
    ),
    "culture": Topic(
        subjects=["Film clubs", "Festival organizers", "Museums", "Theater companies", "Arts groups", "Libraries"],
        actions=[
            "open/opened a season of forgotten silent films",
            "celebrate/celebrated a novel about a family of lighthouse keepers",
            "show/showed an exhibition of hand-printed maps",
            "stage/staged a festival of street theater",
            "open/opened late-night reading rooms for students",
        ],
        roles=["a film critic", "the festival's artistic director", "a literature professor", "the museum's curator"],
        outcomes=["tour other cities next year", "run until the end of the season", "be free for visitors under 18"],
        backgrounds=["years of restoration work", "a surge in ticket sales", "an anniversary of the founding"],
        concerns=["ticket prices are too high", "the venue is too small", "the program plays it safe"],
        benefits=["it brings new audiences in", "it gives local artists a stage", "it keeps old crafts alive"],
        tags=["books", "film", "museums", "theater", "music", "festivals"],
    ),
}
TOPICS["markets"] = TOPICS["economy"] = TOPICS["business"]

QUOTES = [
    "We have waited a long time for this, and people want to see it work",
    "This is a first step, not the last one",
    "The details will matter more than the headline",
    "Nobody expected it to happen this quickly",
    "We listened to the people who will live with the result",
    "It is a good start, but we will be watching closely",
]
TIMEFRAMES = ["within weeks", "by the end of the year", "over the next two years", "before the summer"]

SHARED_TAGS = ["analysis", "explainer", "interview", "breaking", "photos", "opinion"]


def all_tag_names() -> list[str]:
    names = {tag for topic in TOPICS.values() for tag in topic.tags} | set(SHARED_TAGS)
    return sorted(names)


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


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


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
    speaker, critic = _person(rng), _person(rng)
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
        byline=f"By {_person(rng)}",
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


def schedule_for(*, seed: int, index: int, now: datetime, pick_slots: int = 8) -> Schedule:
    """Status, publish time, pick flag and popularity for article `index`.

    About 3% drafts and 2% scheduled up to a week ahead (the first of each at index 8 and 9); the rest are
    published over the last 60 days. The first `pick_slots` articles are editors' picks from the last two days.
    """
    rng = random.Random(f"newsroom-demo-schedule:{seed}:{index}")
    if index < pick_slots:
        status, published_at = "published", now - timedelta(minutes=rng.randrange(5, 48 * 60))
    elif index % 30 == 8:  # by position rather than by chance, so even a small seed has every kind
        status, published_at = "draft", None
    elif index % 50 == 9:
        status, published_at = "published", now + timedelta(minutes=rng.randrange(30, 7 * 24 * 60))
    else:
        status, published_at = "published", now - timedelta(seconds=rng.randrange(60, 60 * 24 * 3600))
    live = status == "published" and published_at is not None and published_at <= now
    votes = views = 0
    if live:
        # Popularity is skewed: most articles get a little attention, a few get a lot.
        views = int(rng.paretovariate(1.2) * 40)
        if rng.random() < 0.4:
            votes = min(int(rng.paretovariate(1.5) * 2), 400)
    return Schedule(
        status=status,
        published_at=published_at,
        is_editors_pick=index < pick_slots,
        editors_pick_order=index + 1 if index < pick_slots else 0,
        vote_count=votes,
        view_count=views + votes,
    )


# Hero images ---------------------------------------------------------------------------------------------

SCENES = ["hills", "skyline", "waves", "chart", "grid", "orbits"]
PALETTES = [
    ("dawn", (0.08, 0.62)),
    ("harbor blue", (0.58, 0.95)),
    ("forest", (0.33, 0.15)),
    ("dusk violet", (0.75, 0.05)),
]
SCENE_ALT = {
    "hills": "layered hills under a low sun",
    "skyline": "a city skyline of simple blocks",
    "waves": "rolling waves in horizontal bands",
    "chart": "rising bars of a chart",
    "grid": "a grid of dots like a circuit board",
    "orbits": "circles orbiting a bright center",
}


@dataclass(frozen=True)
class DemoImage:
    name: str  # file stem, e.g. "demo-hero-03-waves"
    alt: str
    caption: str
    content: bytes  # PNG


def _rgb(hue: float, lightness: float, saturation: float = 0.55) -> tuple[int, int, int]:
    r, g, b = colorsys.hls_to_rgb(hue % 1.0, lightness, saturation)
    return round(r * 255), round(g * 255), round(b * 255)


def generate_image(*, seed: int, number: int, width: int = 1280, height: int = 720) -> DemoImage:
    """An abstract illustration: a vertical gradient and a few flat shapes (a `scene`)."""
    rng = random.Random(f"newsroom-demo-image:{seed}:{number}")
    scene = SCENES[number % len(SCENES)]
    palette_name, (hue_top, hue_bottom) = PALETTES[number % len(PALETTES)]
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    top, bottom = _rgb(hue_top, 0.72), _rgb(hue_bottom, 0.35)
    for y in range(height):
        t = y / (height - 1)
        draw.line([(0, y), (width, y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
    accent = _rgb(hue_top + 0.5, 0.55, 0.7)
    dark = _rgb(hue_bottom, 0.18)
    if scene == "hills":
        draw.ellipse([width * 0.62, height * 0.12, width * 0.78, height * 0.40], fill=accent)
        for layer in range(3):
            base = height * (0.55 + layer * 0.15)
            points = [(x, base - rng.uniform(0, height * 0.18)) for x in range(0, width + 160, 160)]
            draw.polygon([(0, height), *points, (width, height)], fill=_rgb(hue_bottom, 0.25 + layer * 0.1))
    elif scene == "skyline":
        x = 0
        while x < width:
            w = rng.randrange(50, 130)
            h = rng.uniform(0.2, 0.65) * height
            draw.rectangle([x, height - h, x + w - 6, height], fill=dark)
            for wy in range(int(height - h + 14), height - 20, 28):
                draw.rectangle([x + 10, wy, x + 18, wy + 10], fill=accent)
            x += w
    elif scene == "waves":
        for band in range(7):
            y0 = height * (0.35 + band * 0.1)
            points = [(x, y0 + 18 * ((x // 80 + band) % 2)) for x in range(0, width + 80, 80)]
            draw.line(points, fill=_rgb(hue_top + 0.5, 0.3 + band * 0.07), width=10)
    elif scene == "chart":
        bars = 9
        for i in range(bars):
            h = height * (0.15 + 0.65 * (i + rng.random()) / bars)
            left = width * (0.08 + i * 0.094)
            draw.rectangle([left, height * 0.9 - h, left + width * 0.06, height * 0.9], fill=accent)
        draw.line([(width * 0.05, height * 0.9), (width * 0.95, height * 0.9)], fill=dark, width=6)
    elif scene == "grid":
        for gx in range(40, width, 80):
            for gy in range(40, height, 80):
                r = rng.choice([4, 6, 10])
                draw.ellipse([gx - r, gy - r, gx + r, gy + r], fill=accent if rng.random() < 0.3 else dark)
    else:  # orbits
        cx, cy = width / 2, height / 2
        for ring in range(1, 6):
            r = ring * height * 0.08
            draw.ellipse([cx - r * 1.6, cy - r, cx + r * 1.6, cy + r], outline=dark, width=4)
            angle = rng.random()
            px, py = cx + r * 1.6 * (2 * angle - 1), cy
            draw.ellipse([px - 12, py - 12, px + 12, py + 12], fill=accent)
        draw.ellipse([cx - 40, cy - 40, cx + 40, cy + 40], fill=_rgb(hue_top, 0.85))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return DemoImage(
        name=f"demo-hero-{number + 1:02d}-{scene}",
        alt=f"Abstract illustration in {palette_name} tones: {SCENE_ALT[scene]}.",
        caption=f"An illustration of {SCENE_ALT[scene]}, made for the demo content.",
        content=buffer.getvalue(),
    )
