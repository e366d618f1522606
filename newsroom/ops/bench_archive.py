"""What the bench archive is made of: its sections, sources, words, names and picture files
(seed_archive). Written for this project; the words are common English, the names invented."""

import itertools
import re

from django.core.files.base import ContentFile

from articles.images import renditions, storage
from articles.models import Photo
from newsroom.ops.demo_images import make_demo_image

# slug, name, parent, share of stories (%). World and its regions hold 44%: a section page 2,000 exists.
SECTIONS = [
    ("world", "World", None, 6), ("europe", "Europe", "world", 12),
    ("middle-east", "Middle East", "world", 8), ("africa", "Africa", "world", 5),
    ("asia", "Asia", "world", 6), ("americas", "Americas", "world", 7),
    ("politics", "Politics", None, 9), ("business", "Business", None, 8),
    ("markets", "Markets", "business", 3), ("economy", "Economy", "business", 2),
    ("technology", "Technology", None, 5), ("science", "Science", None, 3),
    ("climate", "Climate", None, 4), ("health", "Health", None, 3),
    ("sport", "Sport", None, 7), ("football", "Football", "sport", 4),
    ("culture", "Culture", None, 2), ("opinion", "Opinion", None, 2),
    ("education", "Education", None, 2), ("travel", "Travel", None, 2),
]  # fmt: skip
SOURCES = [
    ("Reuters", "agency"), ("Associated Press", "agency"), ("Agence France-Presse", "agency"),
    ("Al Jazeera", "outlet"), ("BBC News", "outlet"), ("The Guardian", "outlet"),
    ("Financial Times", "outlet"), ("Deutsche Welle", "outlet"), ("Le Monde", "outlet"),
    ("El País", "outlet"), ("NHK", "outlet"), ("ABC News Australia", "outlet"),
    ("United Nations", "organisation"), ("World Health Organization", "organisation"),
    ("European Commission", "government"), ("Office for National Statistics", "government"),
]  # fmt: skip
PLACES = [
    "Lisbon", "Madrid", "Paris", "Berlin", "Warsaw", "Kyiv", "Athens", "Rome", "Vienna", "Prague", "Budapest",
    "Oslo", "Stockholm", "Helsinki", "Dublin", "London", "Cairo", "Beirut", "Amman", "Baghdad", "Tehran",
    "Riyadh", "Doha", "Istanbul", "Ankara", "Lagos", "Nairobi", "Accra", "Dakar", "Kinshasa", "Johannesburg",
    "Delhi", "Mumbai", "Dhaka", "Karachi", "Kabul", "Beijing", "Shanghai", "Tokyo", "Seoul", "Manila",
    "Jakarta", "Bangkok", "Hanoi", "Sydney", "Auckland", "Ottawa", "Toronto", "Washington", "Chicago",
    "Houston", "Mexico", "Bogotá", "Lima", "Santiago", "Brasília", "Caracas", "Havana", "Geneva", "Brussels",
]  # fmt: skip
SUBJECTS = [
    "Ministers", "Regulators", "The central bank", "Police", "Scientists", "Voters", "Unions", "Investors",
    "Farmers", "Doctors", "Teachers", "Engineers", "Negotiators", "Judges", "Lawmakers", "Officials",
    "Residents", "Researchers", "Fans", "Airlines", "Carmakers", "Energy firms", "Health officials",
    "Opposition leaders", "Climate activists", "Shipping companies",
]  # fmt: skip
VERBS = [
    "approve", "reject", "warn over", "call for", "push back on", "delay", "back", "question", "unveil",
    "scrap", "weigh", "sign", "investigate", "cautiously welcome", "fight", "brace for", "clash over",
    "rethink",
]  # fmt: skip
OBJECTS = [
    "new budget", "rail strike", "climate deal", "trade talks", "election date", "tax plan", "housing reform",
    "ceasefire", "vaccine rollout", "water prices", "data law", "border checks", "pension changes",
    "wind farm", "port expansion", "interest rates", "school reforms", "fishing quotas", "chip factory",
    "flood defences", "drought plan", "transfer record", "stadium plan", "museum funding", "heat rules",
    "AI rules", "grain exports", "fuel subsidies",
]  # fmt: skip
TAILS = [
    "", "as inflation eases", "after late-night talks", "amid protests", "despite warnings",
    "ahead of summit", "as deadline nears", "after court ruling", "in surprise move", "as talks stall",
    "after record year",
]  # fmt: skip
# Body words, drawn Zipf-like; even the last, "government", ends up in two stories in five.
VOCAB = [
    "the", "of", "and", "to", "in", "a", "that", "said", "is", "for", "on", "was", "with", "it", "as", "by",
    "at", "from", "its", "has", "have", "be", "are", "were", "minister", "people", "year", "percent",
    "report", "country", "city", "officials", "new", "would", "could", "after", "week", "months", "talks",
    "police", "court", "law", "plan", "public", "market", "prices", "energy", "water", "election", "vote",
    "party", "leader", "health", "hospital", "school", "workers", "company", "companies", "economy", "growth",
    "bank", "rate", "rates", "budget", "climate", "emissions", "storm", "flood", "drought", "border",
    "security", "military", "ceasefire", "agreement", "deal", "trade", "exports", "imports", "farmers",
    "food", "fuel", "power", "grid", "data", "technology", "research", "scientists", "study", "museum",
    "football", "season", "coach", "players", "match", "league", "record", "fans", "river", "coast", "region",
    "capital", "village", "residents", "families", "children", "women", "men", "spokesperson", "statement",
    "interview", "analysts", "expect", "warned", "announced", "confirmed", "denied", "rejected", "approved",
    "proposed", "delayed", "expected", "reported", "described", "earlier", "later", "since", "while",
    "despite", "although", "because", "before", "during", "against", "between", "including", "billion",
    "million", "dozens", "hundreds", "thousands", "several", "first", "second", "last", "next", "former",
    "current", "local", "national", "regional", "international", "european", "african", "asian", "american",
    "global", "government",
]  # fmt: skip
FIRST = [
    "Maya", "Tomás", "Priya", "Jonah", "Amara", "Lukas", "Sofia", "Omar", "Elena", "Kwame", "Hana", "Mateo",
    "Nadia", "Ravi", "Ingrid", "Samuel", "Leila", "Bruno", "Chiara", "Daniel", "Aisha", "Felix", "Yuki",
    "Marta", "Pavel", "Zainab", "Hugo", "Clara", "Ibrahim", "Nora", "Diego", "Lina",
]  # fmt: skip
LAST = [
    "Lindqvist", "Okafor", "Raman", "Adeyemi", "Novak", "Silva", "Haddad", "Kowalski", "Mensah", "Tanaka",
    "Rossi", "Müller", "Costa", "Nguyen", "Petrov", "Ibrahim", "Fischer", "Moreau", "Santos", "Ahmed",
    "Jensen", "Kim", "Alvarez", "Dubois", "Bakker", "Osei", "Horvat", "Sato", "Byrne",
]  # fmt: skip
TAG_WORDS = [
    "Russia", "Ukraine", "China", "India", "Brazil", "Nigeria", "Kenya", "Egypt", "Iran", "Israel", "Gaza",
    "Syria", "Turkey", "Japan", "France", "Germany", "Poland", "Spain", "Italy", "Mexico", "Canada",
    "Australia", "Inflation", "Elections", "Climate", "Energy", "Oil", "Gas", "Football", "Tennis",
    "Olympics", "Health", "Covid", "Vaccines", "Education", "Housing", "Migration", "Refugees", "Trade",
    "Tariffs", "Banking", "Crypto", "AI", "Space", "Research", "Wildfires", "Floods", "Drought",
    "Agriculture", "Shipping", "Aviation", "Rail", "Courts", "Police", "Protests", "Strikes", "Pensions",
    "Taxes", "Budget", "Parliament", "Diplomacy", "Sanctions", "NATO", "UN", "EU",
]  # fmt: skip
# The search benchmark's words: in two stories in five, in a dozen, in none.
COMMON_WORD = VOCAB[-1]
RARE_WORD = "narwhal"
ABSENT_WORD = "xylophonist"
PARAGRAPHS = 20_000

IMAGE_SIZES = [(1200, 800)] * 5 + [(800, 1200)]
PALETTES = [
    ((40, 90, 160), (200, 160, 90)), ((20, 30, 60), (180, 90, 60)), ((110, 170, 210), (60, 120, 70)),
    ((230, 180, 120), (90, 60, 80)), ((70, 80, 90), (160, 170, 150)),
]  # fmt: skip


def cumulative_zipf(n: int, s: float) -> list[float]:
    return list(itertools.accumulate(1 / rank**s for rank in range(1, n + 1)))


def slugify_ascii(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def image_name(k: int) -> str:
    return f"photos/bench/bench-{k:03d}.jpg"


def make_image_files(n_files: int) -> None:
    """Originals and renditions for photo ids 1..n_files; files already there are kept (same seed)."""
    for k in range(n_files):
        w, h = IMAGE_SIZES[k % len(IMAGE_SIZES)]
        photo = Photo(pk=k + 1, image=image_name(k), width=w, height=h, focal_x=0.5, focal_y=0.5)
        if renditions.has_renditions(photo):
            continue
        data = make_demo_image(PALETTES[k % len(PALETTES)], seed=k, size=(w, h))
        # Through the storage, so the archive can be seeded onto object storage too.
        storage.put(storage.originals(), photo.image.name, ContentFile(data))
        renditions.make_renditions(photo)


def paragraphs(rng, count) -> list[str]:
    """`count` paragraphs of Zipf-weighted words, a place name in about half."""
    vocab_weights = cumulative_zipf(len(VOCAB), 0.8)
    out = []
    for _ in range(count):
        sentences = []
        for _ in range(rng.randint(3, 5)):
            words = rng.choices(VOCAB, cum_weights=vocab_weights, k=rng.randint(10, 22))
            if rng.random() < 0.5:
                words.insert(rng.randrange(len(words)), rng.choice(PLACES))
            sentence = " ".join(words)
            sentences.append(sentence[0].upper() + sentence[1:] + ".")
        out.append(" ".join(sentences))
    return out
