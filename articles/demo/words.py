"""Defines: the word lists demo stories are composed from: sections, places, names, topics, quotes, tags."""

from dataclasses import dataclass, field

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


ARCHIVE_TAG_SUFFIXES = ["inquiry", "budget", "review", "plan", "talks", "report", "crisis", "reform", "strike"]
ARCHIVE_TAG_SUFFIXES += ["election", "summit", "trial"]


def archive_tag_names(count: int) -> list[str]:
    """`count` more tags for a large archive ("Dublin housing", "housing inquiry", …), in a fixed order: the
    first ones are the most used (a skewed, Zipf-like use, as in a real newsroom's tag list)."""
    cities = sorted({city.title() for places in PLACES.values() for city, _ in places})
    base = all_tag_names()
    names = [f"{city} {tag}" for tag in base for city in cities]
    names += [f"{tag} {suffix}" for suffix in ARCHIVE_TAG_SUFFIXES for tag in base]
    return names[:count]
