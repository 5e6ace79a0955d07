"""Fill an empty Masthead database with a big, realistic site, fast.

    python bench/sitegen.py --articles 100000 --comments 1000000 [--seed 1]

Run with the project's environment: DJANGO_SETTINGS_MODULE (default
masthead.settings), DATABASE_URL for PostgreSQL, else SQLite under
$MASTHEAD_VAR_DIR. Migrate first. The database must hold no articles; with
--force the new site is added next to what is there (slugs stay unique).

Speed comes from doing expensive work once and reusing it:

- article bodies come from a pool of distinct Markdown bodies (--bodies, 200),
  each rendered once with `masthead.text.markup.render_body`; word count and
  read time are computed with `masthead.text.readtime` exactly as
  `Article.save()` would (headline words included);
- commenters come from a pool of identities whose email is encrypted and
  hashed once (`masthead.comments.privacy`), comment bodies from a pool
  rendered once with `plain_text_to_html`;
- rows get their primary keys here, so replies can name their parent without
  a round trip; articles go in with `bulk_create`, bylines, tags and comments
  with executemany (SQLite) or COPY (PostgreSQL), in large transactions;
- comment counts are computed while generating and checked afterwards with one
  UPDATE ... subquery (the same expression as `articles_recount`).

Every word of filler text below was written for this generator. Deterministic
for a given --seed (apart from the "now" everything is dated from).
"""

import argparse
import datetime
import os
import random
import sys
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

UTC = datetime.UTC
HOUR = 3600.0
DAY = 24 * HOUR
YEAR = 365.25 * DAY

# --------------------------------------------------------------------------
# Filler vocabulary (original to Masthead's generator)
# --------------------------------------------------------------------------

SECTIONS = [
    ("World", "Reporting from every continent, by our correspondents."),
    ("Politics", "Parliaments, parties, elections and the people who run them."),
    ("Business", "Companies, markets, work and the money in between."),
    ("Science", "Discoveries, the people behind them and what they change."),
    ("Technology", "The tools we use and the firms that make them."),
    ("Climate", "Weather, energy and the fight to keep the planet liveable."),
    ("Health", "Hospitals, medicine and how we look after each other."),
    ("Culture", "Films, music, theatre and the arts."),
    ("Cities", "Housing, transport and the life of our streets."),
    ("Sport", "Results, rivalries and the stories behind the scores."),
    ("Opinion", "Argument and analysis from our columnists and guests."),
    ("Books", "Reviews, interviews and what we are reading."),
    ("Education", "Schools, universities and the people who teach."),
    ("Food", "Kitchens, farms and markets."),
    ("Travel", "Places near and far, and how to reach them."),
    ("Law", "Courts, rulings and the rule of law."),
    ("Media", "Newsrooms, platforms and the press."),
    ("Data", "The numbers behind the news, charted."),
]
SECTION_WEIGHTS = [22, 16, 12, 7, 8, 9, 7, 6, 5, 10, 8, 3, 3, 2, 2, 3, 2, 1]

FIRST_NAMES = (
    "Agnes Bilal Carmen Dmitri Esther Farouk Greta Hamid Ines Jakub Kalinda "
    "Lorcan Maren Nikolai Oona Priya Quentin Rahel Stellan Tamsin Ugo Vesna "
    "Wendell Ximena Yusuf Zofia Annika Bartek Celeste Darius Elodie Fintan "
    "Gulnara Hector Ilse Joaquin Kerstin Lamar Mireille Nuno Odile Piotr Rosalind "
    "Sanjay Thea Ulrike Viggo Wilhelmina Yara Zeno"
).split()
LAST_NAMES = (
    "Abernethy Baptiste Castellano Drozdova Eriksen Fairbairn Gallardo Holmberg "
    "Ishikawa Jovanovic Kilbride Lindgren Marchetti Nakashima Ostrowski Pereira "
    "Quigley Rautio Szabo Thorvaldsen Ulloa Varga Whitlock Yilmaz Zielinski "
    "Achterberg Brannigan Coutinho Delacroix Eberhardt Falconer Gunawardena "
    "Hartigan Ivanova Jaramillo Kowalczyk Lachance Mwangi Nieminen Okonkwo"
).split()
BEATS = [
    "city hall",
    "energy and climate",
    "courts and justice",
    "health policy",
    "technology",
    "the economy",
    "European politics",
    "higher education",
    "culture",
    "sport",
    "transport",
    "housing",
    "science",
    "food and farming",
    "migration",
    "labour and work",
]
PREVIOUS_JOBS = [
    "a regional daily",
    "a wire agency",
    "public radio",
    "a business weekly",
    "a local paper in the north",
    "a data-journalism start-up",
    "a broadcaster's foreign desk",
    "a magazine about cities",
]
BIO_EXTRAS = [
    "{first} reads every council budget so you do not have to.",
    "{first} was shortlisted for a national award for investigative reporting.",
    "{first} speaks four languages and still gets lost on the tram.",
    "Tips are welcome; {first} answers encrypted messages first.",
    "{first} also hosts the paper's weekly podcast.",
    "Before journalism, {first} worked as a nurse for six years.",
    "{first} is writing a book about the river that runs through the city.",
]

PLACES = [
    "Northport",
    "Eastvale",
    "Harrowgate",
    "Kestrel Bay",
    "Lindenfield",
    "Marrowick",
    "Oldbridge",
    "Port Avel",
    "Quarry Hill",
    "Redmere",
    "Saltcombe",
    "Tarnholm",
    "Upperford",
    "Vellan",
    "Westmarch",
    "Brightwater",
    "Coldharbour",
    "Dunmore",
    "Fennick",
    "Glassford",
    "the capital",
    "the river valley",
    "the northern provinces",
    "the coast",
]
ACTORS = [
    "the council",
    "ministers",
    "the regulator",
    "the transport authority",
    "nurses",
    "teachers' unions",
    "the central bank",
    "residents",
    "farmers",
    "the water company",
    "researchers",
    "the opposition",
    "the mayor",
    "tenants",
    "the energy agency",
    "the health board",
    "judges",
    "students",
    "shopkeepers",
    "the port authority",
]
THINGS = [
    "the housing plan",
    "a new tram line",
    "the budget",
    "rent controls",
    "the flood defences",
    "school meals",
    "the hospital merger",
    "a ban on night flights",
    "the minimum wage",
    "the data centre",
    "bus fares",
    "the recycling contract",
    "the wind farm",
    "a four-day week",
    "the library closures",
    "the tax on empty homes",
    "the stadium deal",
    "a new reservoir",
    "the curfew",
    "the museum's collection",
]
HEADLINE_VERBS = [
    "backs",
    "rejects",
    "delays",
    "rethinks",
    "quietly drops",
    "doubles down on",
    "votes on",
    "questions",
    "pauses",
    "revives",
    "wins fight over",
    "loses appeal on",
]
HEADLINE_TEMPLATES = [
    "{Actor} {verb} {thing} in {place}",
    "{Place}: {actor} {verb} {thing}",
    "Why {actor} in {place} {verb} {thing}",
    "{Thing} faces new test as {actor} {verb} it",
    "What {thing} could mean for {place}",
    "{n} questions about {thing}",
    "In {place}, {thing} divides {actor} and {actor2}",
    "{Actor} and {actor2} clash over {thing}",
    "The long road to {thing} in {place}",
    "{Place} counts the cost of {thing}",
    "Inside the fight over {thing}",
    "{Actor} {verb} {thing} after {n} years",
]
SENTENCES = [
    "{Actor} said on {day} that {thing} would go ahead despite protests by {actor2}.",
    "The figures, published by {actor}, show a rise of {pct} per cent since {year}.",
    "In {place}, where {thing} has been debated for years, the mood was cautious.",
    "Critics argue that {thing} will cost far more than the {money} set aside.",
    "Supporters say the change is overdue and point to {place} as an example.",
    "{Actor} declined to comment before the meeting on {day}.",
    "A spokesperson for {actor} called the decision a necessary first step.",
    "Nobody we spoke to in {place} expected the plan to survive the summer.",
    "The vote passed by {n} to {m}, after a debate that ran past midnight.",
    "Documents seen by Masthead suggest {actor} knew of the problem in {year}.",
    "Local businesses report that trade fell by about {pct} per cent last quarter.",
    "Behind the numbers are families who have waited years for an answer.",
    "{Actor} has until the end of the month to publish a revised timetable.",
    "Similar schemes elsewhere have had mixed results, the report notes.",
    "The cost has grown from {money} to almost twice that in three years.",
    "Several people who work there asked not to be named.",
    "It is the third time since {year} that {thing} has been put on hold.",
    "Officials in {place} said they were still studying the details.",
    "Independent experts who reviewed the plans were less optimistic.",
    "For now, the question is who pays, and when.",
    "A review is expected before the next election, according to {actor}.",
    "The last comparable project in {place} finished {n} months late.",
    "Few issues have united {actor} and {actor2} so quickly.",
    "The regulator's own survey found {pct} per cent of respondents opposed it.",
    "Turnout at the public meetings was higher than anyone can remember.",
    "On the ground, the change is already visible: fewer buses, longer queues.",
    "That argument, however, rests on assumptions the report does not test.",
    "Much depends on a ruling expected from the court in the autumn.",
    "Asked about the delays, {actor} blamed supply problems and the weather.",
    "The money will come from reserves, at least for the first {n} years.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
SUBHEADINGS = [
    "What happens next",
    "A decade of delays",
    "Who pays",
    "The view from {place}",
    "How we got here",
    "The numbers",
    "What critics say",
    "A familiar pattern",
    "Winners and losers",
    "Questions that remain",
]
LINK_TEXTS = [
    "the full report",
    "published figures",
    "an earlier investigation",
    "the council's minutes",
    "the court ruling",
    "our explainer",
    "the consultation",
]
LINK_URLS = [
    "https://data.example.org/reports/{n}",
    "https://www.example.gov/publications/{year}/{n}",
    "https://archive.example.net/minutes/{year}-{n}",
    "/section/{section}/",
]
QUOTES = [
    "We were promised this in {year}. My children have grown up waiting for it.",
    "Nobody is against the idea. Everybody is against paying for it.",
    "The numbers do not add up, and they have not added up for some time.",
    "This is the most important decision the city will make in a generation.",
    "We will keep going to the meetings until somebody listens.",
    "It is not perfect, but it is a start, and we have waited long enough.",
]
QUOTE_SPEAKERS = [
    "a resident of {place}",
    "a member of {actor}",
    "a shop owner on the high street",
    "a retired engineer who followed the project",
    "a local councillor",
]
IMAGE_SUBJECTS = [
    "The harbour at dawn",
    "Protesters outside the town hall",
    "A tram depot under construction",
    "Fields flooded after the storm",
    "A classroom in {place}",
    "Market stalls in the old square",
    "The council chamber during the vote",
    "Commuters on a crowded platform",
]
PHOTOGRAPHERS = ["Ilse Varga", "Nuno Pereira", "Masthead", "Thea Lindgren", "Agency"]
TAG_TOPICS = [
    "Housing",
    "Elections",
    "Drought",
    "Floods",
    "Public transport",
    "Trams",
    "Rents",
    "Wages",
    "Strikes",
    "Hospitals",
    "Schools",
    "Universities",
    "Energy prices",
    "Wind power",
    "Solar power",
    "Water",
    "Air quality",
    "Budgets",
    "Taxes",
    "Courts",
    "Police",
    "Migration",
    "Farming",
    "Fisheries",
    "Tourism",
    "Football",
    "Cycling",
    "Museums",
    "Theatre",
    "Libraries",
    "Data centres",
    "Artificial intelligence",
    "Privacy",
    "Press freedom",
    "Heatwaves",
    "Ports",
    "Airports",
    "Rail",
    "Pensions",
    "Childcare",
]

COMMENT_OPENERS = [
    "Good piece.",
    "Thank you for covering this.",
    "I live in {place} and this matches what we see every day.",
    "I am not sure the article tells the whole story.",
    "Finally someone asks the obvious question.",
    "Interesting, but I disagree with the conclusion.",
    "As a teacher, I have watched this happen for years.",
    "This is the third article on the subject this month.",
    "My parents were affected by exactly this.",
    "Can the reporter say where the {pct} per cent figure comes from?",
    "Well reported, as usual.",
    "I read this twice and I am still angry.",
]
COMMENT_MIDDLES = [
    "The real problem is that nobody wants to pay for maintenance.",
    "We had the same debate in {place} ten years ago and nothing changed.",
    "The council's own documents say something rather different.",
    "People forget that the budget was cut twice before this.",
    "It would help to hear from the people who actually use the service.",
    "The comparison with {place} does not really hold.",
    "I would like to see the costs broken down year by year.",
    "There is a simpler solution: ask residents first.",
    "Every election we hear the same promises.",
    "Small businesses will carry most of the cost, as always.",
    "The figures for last year are here: https://stats.example.org/{n}",
    "Our street was flooded twice last winter and we are still waiting.",
]
COMMENT_CLOSERS = [
    "Keep up the good work.",
    "Please follow up on this.",
    "We deserve better.",
    "Let us see what happens after the vote.",
    "",
    "",
    "Just my two cents.",
    "Would love a follow-up in six months.",
]
REPLY_BODIES = [
    "Agreed, and the same goes for {place}.",
    "That is not what the report says, though.",
    "Do you have a source for that?",
    "Exactly my experience too.",
    "I think you are being a bit unfair to {actor}.",
    "The figure is in the second paragraph of the article.",
    "Thanks, I had not thought of it that way.",
    "We tried that in {place}. It did not work.",
    "Fair point, but the timing matters here.",
    "Here is the source: https://www.example.gov/publications/{year}/{n}",
]
SPAM_BODIES = [
    "Great article!!! Check my site for cheap {product} https://{domain}/buy",
    "Earn {money} a week from home, no experience: https://{domain}/start",
    "Best {product} deals online, fast shipping https://{domain}",
    "Very informative post. I have bookmarked it. Visit https://{domain} now",
    "Lucky spins every day, big bonus https://{domain}/bonus https://{domain}/vip",
    "Boost your website ranking today, guaranteed top results https://{domain}",
]
SPAM_PRODUCTS = ["watches", "pills", "sneakers", "followers", "loans", "crypto"]
SPAM_DOMAINS = ["deals.example.com", "win-big.example.net", "rank-fast.example.org"]
EMAIL_DOMAINS = ["example.com", "example.net", "example.org", "mail.example.com"]
USER_AGENTS = [
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile/15E148",
    "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile",
]


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


class Slots(dict):
    """Template slots, drawn only when a template asks for them."""

    def __init__(self, filler):
        super().__init__()
        self.rng = filler.rng
        self.section_slugs = filler.section_slugs

    def __missing__(self, key):
        r = self.rng
        if key in {"Actor", "Thing", "Place"}:
            value = cap(self[key.lower()])
        elif key == "actor2":
            value = r.choice([a for a in ACTORS if a != self.get("actor")])
        else:
            value = {
                "actor": lambda: r.choice(ACTORS),
                "thing": lambda: r.choice(THINGS),
                "place": lambda: r.choice(PLACES),
                "verb": lambda: r.choice(HEADLINE_VERBS),
                "n": lambda: r.randint(2, 40),
                "m": lambda: r.randint(1, 30),
                "pct": lambda: r.randint(3, 64),
                "year": lambda: r.randint(2009, 2024),
                "day": lambda: r.choice(DAYS),
                "money": lambda: f"€{r.randint(2, 900)} million",
                "section": lambda: r.choice(self.section_slugs),
                "product": lambda: r.choice(SPAM_PRODUCTS),
                "domain": lambda: r.choice(SPAM_DOMAINS),
            }[key]()
        self[key] = value
        return value


class Filler:
    """Original filler text: headlines, sentences, bodies and comments."""

    def __init__(self, rng: random.Random, section_slugs: list[str]):
        self.rng = rng
        self.section_slugs = section_slugs or ["world"]

    def fill(self, template: str) -> str:
        return template.format_map(Slots(self))

    def headline(self) -> str:
        return self.fill(self.rng.choice(HEADLINE_TEMPLATES))

    def sentence(self) -> str:
        return self.fill(self.rng.choice(SENTENCES))

    def standfirst(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(1, 2)))

    def paragraph(self, *, link: bool) -> str:
        sentences = [self.sentence() for _ in range(self.rng.randint(2, 5))]
        if link:
            text = self.rng.choice(LINK_TEXTS)
            url = self.fill(self.rng.choice(LINK_URLS))
            sentences.append(f"Read [{text}]({url}) for the detail.")
        return " ".join(sentences)

    def body(self, words: int, photo_numbers) -> str:
        """Return a Markdown body of about `words` words."""
        r = self.rng
        blocks, count, since_heading = [], 0, 0
        quote_at = r.randint(2, 6) if r.random() < 0.75 else -1
        image_at = r.randint(1, 5) if r.random() < 0.45 else -1
        list_at = r.randint(3, 8) if r.random() < 0.2 else -1
        index = 0
        while count < words:
            if words > 600 and since_heading >= r.randint(4, 6):
                blocks.append("## " + self.fill(r.choice(SUBHEADINGS)))
                since_heading = 0
            paragraph = self.paragraph(link=r.random() < 0.2)
            blocks.append(paragraph)
            count += len(paragraph.split())
            since_heading += 1
            if index == quote_at:
                quote = self.fill(r.choice(QUOTES))
                speaker = self.fill(r.choice(QUOTE_SPEAKERS))
                blocks.append(f"> “{quote}”\n>\n> — {cap(speaker)}")
                count += len(quote.split()) + len(speaker.split())
            if index == image_at or (index > 0 and index == image_at * 3):
                subject = self.fill(r.choice(IMAGE_SUBJECTS))
                credit = r.choice(PHOTOGRAPHERS)
                blocks.append(
                    f"![{subject}](/media/bench/photo-{next(photo_numbers)}.jpg "
                    f'"{subject}. | {credit}")'
                )
            if index == list_at:
                blocks.append(
                    "What changes:\n\n"
                    + "\n".join(f"- {cap(self.fill('{thing}'))}" for _ in range(3))
                )
            index += 1
        return "\n\n".join(blocks) + "\n"

    def comment(self) -> str:
        r = self.rng
        parts = [self.fill(r.choice(COMMENT_OPENERS))]
        for _ in range(r.choice([0, 1, 1, 2, 3])):
            parts.append(self.fill(r.choice(COMMENT_MIDDLES)))
        closer = r.choice(COMMENT_CLOSERS)
        text = " ".join(parts)
        if r.random() < 0.3 and len(parts) > 2:
            text = " ".join(parts[:2]) + "\n\n" + " ".join(parts[2:])
        return f"{text}\n\n{closer}".strip() if closer else text

    def reply(self) -> str:
        return self.fill(self.rng.choice(REPLY_BODIES))

    def spam(self) -> str:
        return self.fill(self.rng.choice(SPAM_BODIES))


# --------------------------------------------------------------------------
# Database helpers
# --------------------------------------------------------------------------


class Phase:
    """Print a phase's progress and elapsed time."""

    def __init__(self, name: str):
        self.name = name

    def __enter__(self):
        self.start = time.perf_counter()
        print(f"{self.name} …", flush=True)
        return self

    def progress(self, done: int, total: int, what: str) -> None:
        elapsed = time.perf_counter() - self.start
        print(f"  {done:>10,} / {total:,} {what}  ({elapsed:6.1f} s)", flush=True)

    def __exit__(self, *exc):
        if exc[0] is None:
            elapsed = time.perf_counter() - self.start
            print(f"{self.name}: done in {elapsed:.1f} s", flush=True)


@contextmanager
def auto_now_off(model):
    """Let bulk_create keep the created/modified times we set ourselves."""
    fields = [f for f in model._meta.concrete_fields if hasattr(f, "auto_now")]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


# The indexes of words of masthead/articles/migrations/0006_article_search.py
# and masthead/comments/migrations/0006_comment_search.py.
WORDS_INDEXES = ("articles_article_search", "comments_comment_search")


class Writer:
    """Insert rows fast: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self, connection):
        self.connection = connection
        self.postgres = connection.vendor == "postgresql"
        if connection.vendor not in {"postgresql", "sqlite"}:
            raise SystemExit(f"sitegen: unsupported database {connection.vendor}")
        if not self.postgres:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -262144")  # 256 MB

    def when(self, moment: datetime.datetime):
        """Return an aware UTC datetime as the database driver wants it."""
        if self.postgres:
            return moment
        # What Django's SQLite backend stores: naive UTC, str() format.
        return str(moment.replace(tzinfo=None))

    def insert(self, model, field_names: list[str], rows: list[tuple]) -> None:
        if not rows:
            return
        qn = self.connection.ops.quote_name
        table = qn(model._meta.db_table)
        columns = ", ".join(qn(model._meta.get_field(n).column) for n in field_names)
        with self.connection.cursor() as cursor:
            if self.postgres:
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(field_names))
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows
                )

    def reset_sequences(self, models) -> None:
        if not self.postgres:
            return
        from django.core.management.color import no_style

        with self.connection.cursor() as cursor:
            for sql in self.connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)

    def set_aside_words_indexes(self) -> list[str]:
        """Set the indexes of words (the newsroom's searches) aside for the
        load; return the statements that make them again, run at the end.

        PostgreSQL: the indexes are dropped. Kept, every insert computed an
        article's words, and the comment counts' UPDATE every article's again:
        the 100k site took 5 min 8 s against 1 min 29 s without the articles'.
        SQLite: the triggers that keep them are dropped, and each index is
        rebuilt from its table at the end: kept, the comments' took the 100k
        load from 1 min 48 s to 2 min 47 s. Not inside a transaction (the
        tests'), where the load is small and the indexes must stay. Should the
        load fail, they stay aside (on SQLite, searches then miss what the
        load wrote): `masthead migrate articles 0005`, `masthead migrate
        comments 0005`, then `masthead migrate` make them again.
        """
        if self.connection.in_atomic_block:
            return []
        again = []
        with self.connection.cursor() as cursor:
            for name in WORDS_INDEXES:
                if self.postgres:
                    cursor.execute(
                        "SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name]
                    )
                    row = cursor.fetchone()
                    if row is not None:
                        cursor.execute(f"DROP INDEX {name}")
                        again.append(row[0])
                    continue
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master"
                    " WHERE type = 'trigger' AND name LIKE %s",
                    [f"{name}_%"],
                )
                triggers = cursor.fetchall()
                for trigger, definition in triggers:
                    cursor.execute(f"DROP TRIGGER {trigger}")
                    again.append(definition)
                if triggers:
                    again.append(f"INSERT INTO {name}({name}) VALUES ('rebuild')")
        return again

    def build_indexes(self, statements: list[str]) -> None:
        if statements:
            with Phase("The indexes of words, made again"):
                with self.connection.cursor() as cursor:
                    for statement in statements:
                        cursor.execute(statement)

    def size(self) -> str:
        if self.postgres:
            with self.connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_size_pretty(pg_database_size(current_database()))"
                )
                return cursor.fetchone()[0]
        name = Path(self.connection.settings_dict["NAME"])
        total = sum(
            p.stat().st_size
            for p in [name, Path(f"{name}-wal"), Path(f"{name}-shm")]
            if p.exists()
        )
        return f"{total / 2**20:,.0f} MB ({name})"


def unique_slug(base: str, taken: set, limit: int) -> str:
    base = base[:limit].rstrip("-") or "item"
    slug, n = base, 2
    while slug in taken:
        suffix = f"-{n}"
        slug = base[: limit - len(suffix)].rstrip("-") + suffix
        n += 1
    taken.add(slug)
    return slug


def next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


# --------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------


def generate(options, *, now=None) -> dict:
    """Build the site described by `options`; return a summary dict."""
    from django.conf import settings
    from django.db import connection, transaction
    from django.db.models import Count
    from django.utils.text import slugify

    from masthead.articles.models import Article, ArticleAuthor, Section, Tag
    from masthead.authors.models import Author
    from masthead.comments import privacy
    from masthead.comments.models import Comment
    from masthead.comments.services import approved_count
    from masthead.text import markup, readtime
    from masthead.text.plaintext import plain_text_to_html

    started = time.perf_counter()
    rng = random.Random(options.seed)
    now = now or datetime.datetime.now(UTC).replace(microsecond=0)
    now_ts = now.timestamp()
    writer = Writer(connection)
    when = writer.when
    summary = {}

    def at(ts: float) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(ts, UTC)

    if Article.objects.exists() and not options.force:
        raise SystemExit(
            "sitegen: the database already holds articles; run it on an empty, "
            "migrated database, or pass --force to add a generated site next to them."
        )

    # -- Authors, sections, tags ---------------------------------------------
    with Phase("Authors, sections and tags"):
        taken = set(Author.objects.values_list("slug", flat=True))
        authors = []
        names = set()
        while len(authors) < options.authors:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            name = f"{first} {last}"
            if name in names and len(names) < len(FIRST_NAMES) * len(LAST_NAMES):
                continue
            names.add(name)
            beat = rng.choice(BEATS)
            bio = " ".join(
                [
                    f"{name} covers {beat} for Masthead from {rng.choice(PLACES)}.",
                    f"Before joining in {rng.randint(2008, 2022)}, {first} spent "
                    f"{rng.randint(2, 15)} years at {rng.choice(PREVIOUS_JOBS)}.",
                ]
                + (
                    [rng.choice(BIO_EXTRAS).format(first=first)]
                    if rng.random() < 0.7
                    else []
                )
            )
            authors.append(
                Author(name=name, slug=unique_slug(slugify(name), taken, 200), bio=bio)
            )
        taken = set(Section.objects.values_list("slug", flat=True))
        sections = []
        for i in range(options.sections):
            if i < len(SECTIONS):
                name, description = SECTIONS[i]
            else:
                name, description = f"Section {i + 1}", "More reporting."
            sections.append(
                Section(
                    name=name,
                    slug=unique_slug(slugify(name), taken, 100),
                    description=description,
                    position=i,
                )
            )
        taken = set(Tag.objects.values_list("slug", flat=True))
        tag_names = set(Tag.objects.values_list("name", flat=True))
        candidates = list(TAG_TOPICS) + [p for p in PLACES if not p.startswith("the ")]
        candidates += [f"{p} {t.lower()}" for p in PLACES[:20] for t in TAG_TOPICS]
        rng.shuffle(candidates)
        candidates = [c for c in candidates if c not in tag_names]
        tags = []
        for i in range(options.tags):
            name = candidates[i] if i < len(candidates) else f"Topic {i + 1}"
            while name in tag_names:
                name += " (more)"
            tag_names.add(name)
            tags.append(Tag(name=name, slug=unique_slug(slugify(name), taken, 100)))
        with transaction.atomic():
            authors = Author.objects.bulk_create(authors)
            sections = Section.objects.bulk_create(sections)
            tags = Tag.objects.bulk_create(tags)
            by_name = {s.name: s for s in sections}
            if "Books" in by_name and "Culture" in by_name:
                by_name["Books"].parent = by_name["Culture"]
                by_name["Books"].save(update_fields=["parent"])
        if any(obj.pk is None for obj in [*authors, *sections, *tags]):
            # An old database driver returned no ids: read them back.
            authors = list(Author.objects.filter(slug__in=[a.slug for a in authors]))
            sections = list(Section.objects.filter(slug__in=[s.slug for s in sections]))
            tags = list(Tag.objects.filter(slug__in=[t.slug for t in tags]))
        print(f"  {len(authors)} authors, {len(sections)} sections, {len(tags)} tags")

    filler = Filler(rng, [s.slug for s in sections])

    # -- Body pool -------------------------------------------------------------
    with Phase(f"Rendering {options.bodies} distinct bodies"):
        photos = iter(range(1, 10**9))
        bodies = []
        wpm = settings.MASTHEAD_TEXT_WORDS_PER_MINUTE
        cpm = settings.MASTHEAD_TEXT_CJK_CHARACTERS_PER_MINUTE
        for _ in range(options.bodies):
            words = int(rng.triangular(300, 2000, 650))
            source = filler.body(words, photos)
            html = markup.render_body(source, source_format="markdown")
            bodies.append(
                {
                    "source": source,
                    "html": html,
                    "text": markup.body_text(html),
                    "images": markup.image_count(html),
                }
            )

    read_cache = {}

    def read_stats(body_index: int, headline: str) -> tuple[int, int]:
        """Return (word_count, read_time_seconds) exactly as Article.save() does."""
        words, cjk = readtime.count_words(headline)
        key = (body_index, words, cjk)
        if key not in read_cache:
            body = bodies[body_index]
            text = f"{headline}\n{body['text']}"
            body_words, body_cjk = readtime.count_words(text)
            seconds = readtime.read_time_seconds(
                text,
                image_count=body["images"],
                words_per_minute=wpm,
                cjk_characters_per_minute=cpm,
            )
            read_cache[key] = (body_words + body_cjk, seconds)
        return read_cache[key]

    # -- Articles --------------------------------------------------------------
    total = options.articles
    drafts = round(total * 0.01) if total >= 100 else 0
    scheduled = min(10, max(total - drafts - 1, 0))
    live = total - drafts - scheduled
    first_article = next_id(Article)
    span = options.years * YEAR
    hours = list(range(24))
    hour_weights = [
        1,
        1,
        1,
        1,
        1,
        2,
        5,
        8,
        9,
        9,
        8,
        7,
        7,
        7,
        7,
        7,
        6,
        6,
        5,
        4,
        3,
        2,
        2,
        1,
    ]
    live_times = []
    for _ in range(live):
        # More articles in recent years: the newsroom grew.
        day = now_ts - 2 * HOUR - span * (rng.random() ** 1.35)
        midnight = day - day % DAY
        ts = (
            midnight + rng.choices(hours, hour_weights)[0] * HOUR + rng.randint(0, 3599)
        )
        live_times.append(min(ts, now_ts - HOUR))
    live_times.sort()
    lead_index = max(live - 1 - rng.randint(0, 5), 0) if live else -1
    section_weights = [
        SECTION_WEIGHTS[i % len(SECTION_WEIGHTS)] for i in range(len(sections))
    ]
    author_weights = [rng.paretovariate(1.2) for _ in authors]
    tag_weights = [1 / (i + 1) ** 0.8 for i in range(len(tags))]
    tag_cum = []
    acc = 0.0
    for w in tag_weights:
        acc += w
        tag_cum.append(acc)
    taken_slugs = (
        set(Article.objects.values_list("slug", flat=True)) if options.force else set()
    )

    article_ids, article_times, article_live, article_open = [], [], [], []
    bylines, article_tags = [], []
    tag_through = Article.tags.through
    tag_fields = ["article_id", "tag_id"]

    words_indexes = writer.set_aside_words_indexes()
    with Phase(f"Articles ({total:,}), bylines and tags") as phase:
        done = 0
        chunk = 20_000
        with auto_now_off(Article):
            while done < total:
                batch = []
                for index in range(done, min(done + chunk, total)):
                    pk = first_article + index
                    headline = filler.headline()
                    base = slugify(headline)
                    if len(base) > 80:
                        base = base[:80].rsplit("-", 1)[0]
                    slug = unique_slug(base, taken_slugs, 200)
                    body_index = rng.randrange(len(bodies))
                    body = bodies[body_index]
                    words, seconds = read_stats(body_index, headline)
                    updated_at = None
                    if index < live:
                        status = Article.Status.PUBLISHED
                        published_ts = live_times[index]
                        created_ts = published_ts - rng.uniform(0.2, 30) * HOUR
                        modified_ts = published_ts + rng.uniform(0, 0.5) * HOUR
                        if rng.random() < 0.12:
                            upd = min(
                                published_ts + rng.uniform(0.5, 96) * HOUR, now_ts - 60
                            )
                            updated_at = at(upd)
                            modified_ts = max(modified_ts, upd)
                        modified_ts = min(modified_ts, now_ts - 30)
                    elif index < live + scheduled:
                        status = Article.Status.PUBLISHED
                        published_ts = now_ts + rng.uniform(2, 30 * 24) * HOUR
                        created_ts = now_ts - rng.uniform(1, 72) * HOUR
                        modified_ts = now_ts - rng.uniform(0, 1) * HOUR
                    else:
                        status = Article.Status.DRAFT
                        published_ts = None
                        created_ts = now_ts - rng.uniform(1, 60 * 24) * HOUR
                        modified_ts = min(
                            created_ts + rng.uniform(0, 48) * HOUR, now_ts
                        )
                    published_at = (
                        at(published_ts) if published_ts is not None else None
                    )
                    comments_open = not (index < live and rng.random() < 0.04)
                    article = Article(
                        pk=pk,
                        headline=headline,
                        slug=slug,
                        section=sections[
                            rng.choices(range(len(sections)), section_weights)[0]
                        ],
                        standfirst=filler.standfirst()[:600],
                        body_source=body["source"],
                        body_html=body["html"],
                        status=status,
                        published_at=published_at,
                        updated_at=updated_at,
                        is_lead=index == lead_index,
                        comments_open=comments_open,
                        read_time_seconds=seconds,
                        word_count=words,
                        created_at=at(created_ts),
                        modified_at=at(modified_ts),
                    )
                    batch.append(article)
                    article_ids.append(pk)
                    article_times.append(published_ts)
                    article_live.append(index < live)
                    article_open.append(comments_open)
                    n_authors = rng.choices([1, 2, 3], [75, 20, 5])[0]
                    chosen = set()
                    while len(chosen) < min(n_authors, len(authors)):
                        chosen.add(rng.choices(range(len(authors)), author_weights)[0])
                    for position, a in enumerate(
                        sorted(chosen, key=lambda _: rng.random())
                    ):
                        bylines.append((pk, authors[a].pk, position))
                    n_tags = rng.choices(range(6), [10, 20, 25, 25, 12, 8])[0]
                    picked = set()
                    for _ in range(min(n_tags, len(tags))):
                        picked.add(rng.choices(tags, cum_weights=tag_cum)[0].pk)
                    article_tags.extend((pk, t) for t in picked)
                with transaction.atomic():
                    Article.objects.bulk_create(batch, batch_size=2000)
                    writer.insert(
                        ArticleAuthor, ["article_id", "author_id", "position"], bylines
                    )
                    writer.insert(tag_through, tag_fields, article_tags)
                summary["bylines"] = summary.get("bylines", 0) + len(bylines)
                summary["article_tags"] = summary.get("article_tags", 0) + len(
                    article_tags
                )
                bylines, article_tags = [], []
                done += len(batch)
                for article in batch:
                    if article.is_lead:
                        summary["lead_url"] = article.get_absolute_url()
                phase.progress(done, total, "articles")
        writer.reset_sequences([Article])
    summary.update(live=live, scheduled=scheduled, drafts=drafts)

    # -- Commenter identities and comment bodies -----------------------------
    with Phase("Commenter identities and comment bodies"):
        identities = []
        for i in range(options.commenters):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            style = rng.random()
            if style < 0.5:
                name = f"{first} {last}"
            elif style < 0.8:
                name = f"{first} {last[0]}."
            else:
                name = f"{first.lower()}{rng.randint(1, 999)}"
            email = f"{first}.{last}.{i}@{rng.choice(EMAIL_DOMAINS)}".lower()
            url = (
                f"https://{first.lower()}{last.lower()}.example.com"
                if rng.random() < 0.1
                else ""
            )
            identities.append(
                (
                    name,
                    url,
                    privacy.encrypt_email(email),
                    privacy.email_digest(email),
                    privacy.avatar_digest(email),
                )
            )
        spammers = []
        for i in range(max(options.commenters // 20, 10)):
            domain = rng.choice(SPAM_DOMAINS)
            email = f"promo{i}@{domain}"
            spammers.append(
                (
                    rng.choice(["Best Deals", "SEO Expert", "Lucky Win", "Anna Smith"]),
                    f"https://{domain}/",
                    privacy.encrypt_email(email),
                    privacy.email_digest(email),
                    privacy.avatar_digest(email),
                )
            )
        identity_weights = [rng.paretovariate(1.1) for _ in identities]
        identity_cum = []
        acc = 0.0
        for w in identity_weights:
            acc += w
            identity_cum.append(acc)

        def pool(make, size):
            texts = {make() for _ in range(size)}
            return [(t, plain_text_to_html(t)) for t in sorted(texts)]

        comment_pool = pool(filler.comment, options.comment_bodies)
        reply_pool = pool(filler.reply, options.comment_bodies // 4)
        spam_pool = pool(filler.spam, options.comment_bodies // 10)
        ip_pool = [privacy.ip_digest(f"198.51.100.{i % 250}:{i}") for i in range(2000)]
        print(
            f"  {len(identities):,} commenters, {len(spammers):,} spammers, "
            f"{len(comment_pool):,} + {len(reply_pool):,} + {len(spam_pool):,} bodies"
        )

    # -- Allocate comments to articles ------------------------------------------
    live_indexes = [i for i in range(total) if article_live[i]]
    counts = Counter()
    target_index = None
    remaining = options.comments
    if live_indexes and remaining >= 50:
        # A recent article, comments open: 50 approved, a few held or spam.
        candidates = [
            i for i in live_indexes[-400:-50] or live_indexes if article_open[i]
        ]
        target_index = rng.choice(candidates or live_indexes)
        extra = min(6, remaining - 50)
        counts[target_index] = 50 + extra
        remaining -= 50 + extra
    others = [i for i in live_indexes if i != target_index]
    if others and remaining:
        hot = rng.sample(others, min(max(len(others) // 2000, 1), len(others)))
        for i in hot:
            n = min(rng.randint(200, 900), remaining)
            counts[i] += n
            remaining -= n
        quiet = set(rng.sample(others, int(len(others) * 0.25)))
        weights = [0.0 if i in quiet else rng.lognormvariate(0, 1.2) for i in others]
        if sum(weights) == 0:
            weights = [1.0] * len(others)
        for i in rng.choices(others, weights, k=remaining):
            counts[i] += 1
        remaining = 0

    # -- Comments --------------------------------------------------------------
    comment_fields = [
        "id",
        "article_id",
        "parent_id",
        "author_name",
        "author_url",
        "email_encrypted",
        "email_digest",
        "avatar_digest",
        "body",
        "body_html",
        "status",
        "created_at",
        "modified_at",
        "ip_digest",
        "user_agent",
        "spam_score",
        "checks_flagged",
    ]
    approved_status = Comment.Status.APPROVED.value
    statuses = [
        Comment.Status.APPROVED.value,
        Comment.Status.PENDING.value,
        Comment.Status.SPAM.value,
        Comment.Status.TRASH.value,
    ]
    status_weights = [92, 4.5, 3, 0.5]
    status_cum = [sum(status_weights[: i + 1]) for i in range(4)]
    personal_cutoff = now_ts - settings.MASTHEAD_COMMENTS_PERSONAL_DATA_DAYS * DAY
    comment_total = sum(counts.values())
    next_comment = next_id(Comment)
    approved_counts = {}
    status_totals = Counter()
    replies_total = 0

    with Phase(f"Comments ({comment_total:,})") as phase:
        rows = []
        written = 0
        flush_every = 50_000
        random_ = rng.random
        choices = rng.choices
        for index in sorted(counts):
            n = counts[index]
            pk = article_ids[index]
            published = article_times[index]
            horizon = max(now_ts - published - 60, 60)
            times = sorted(
                published + min(rng.expovariate(1 / (10 * HOUR)) + 60, horizon)
                for _ in range(n)
            )
            if index == target_index:
                kinds = [approved_status] * 50 + [
                    rng.choice(statuses[1:3]) for _ in range(n - 50)
                ]
                rng.shuffle(kinds)
            else:
                kinds = choices(statuses, cum_weights=status_cum, k=n)
            approved_here = []
            for ts, status in zip(times, kinds, strict=True):
                cid = next_comment
                next_comment += 1
                parent = None
                spam_score = None
                flagged = ""
                if status == "spam":
                    ident = rng.choice(spammers)
                    body, body_html = rng.choice(spam_pool)
                    spam_score = round(rng.uniform(0.9, 1.0), 4)
                    flagged = rng.choice(
                        ["learned_filter", "too_many_links", "blocklist"]
                    )
                else:
                    ident = identities[
                        _bisect(identity_cum, random_() * identity_cum[-1])
                    ]
                    if approved_here and random_() < 0.3:
                        parent = approved_here[
                            -1 - int(random_() * min(len(approved_here), 8))
                        ]
                        body, body_html = rng.choice(reply_pool)
                        replies_total += 1
                    else:
                        body, body_html = rng.choice(comment_pool)
                    if random_() < 0.5:
                        spam_score = round(random_() * 0.3, 4)
                    if status == "pending" and random_() < 0.3:
                        flagged = "too_many_links"
                recent = ts >= personal_cutoff
                moment = at(ts)
                rows.append(
                    (
                        cid,
                        pk,
                        parent,
                        ident[0],
                        ident[1],
                        ident[2],
                        ident[3],
                        ident[4],
                        body,
                        body_html,
                        status,
                        when(moment),
                        when(
                            moment
                            if status == "pending"
                            else at(min(ts + 600 + random_() * 86400, now_ts))
                        ),
                        ip_pool[cid % len(ip_pool)] if recent else "",
                        USER_AGENTS[cid % len(USER_AGENTS)] if recent else "",
                        spam_score,
                        flagged,
                    )
                )
                if status == approved_status:
                    approved_here.append(cid)
                status_totals[status] += 1
            approved_counts[pk] = len(approved_here)
            if len(rows) >= flush_every:
                with transaction.atomic():
                    writer.insert(Comment, comment_fields, rows)
                written += len(rows)
                rows = []
                phase.progress(written, comment_total, "comments")
        if rows:
            with transaction.atomic():
                writer.insert(Comment, comment_fields, rows)
            written += len(rows)
            phase.progress(written, comment_total, "comments")
        writer.reset_sequences([Comment])

    # -- Comment counts ----------------------------------------------------------
    with Phase("Comment counts (one UPDATE with a subquery)"):
        with transaction.atomic():
            Article.objects.filter(pk__gte=first_article).update(
                comment_count=approved_count()
            )
        writer.build_indexes(words_indexes)
        if not connection.in_atomic_block:  # tests run inside a transaction
            # Fresh planner statistics for the benchmark that follows.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
                if connection.vendor == "sqlite":
                    cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # -- Checks and summary ------------------------------------------------------
    from masthead.pagecache import generation

    generation.store().bump()
    summary.update(
        authors=len(authors),
        sections=len(sections),
        tags=len(tags),
        articles=total,
        comments=comment_total,
        comments_by_status=dict(status_totals),
        replies=replies_total,
        seconds=time.perf_counter() - started,
        db_size=writer.size(),
    )
    if target_index is not None:
        target = Article.objects.get(pk=article_ids[target_index])
        assert target.comment_count == 50, target.comment_count
        summary["fifty_url"] = target.get_absolute_url()
    mismatched = (
        Article.objects.filter(pk__gte=first_article).exclude(comment_count=0).count()
    )
    summary["articles_with_comments"] = mismatched
    expected = sum(1 for v in approved_counts.values() if v)
    if mismatched != expected:
        print(f"  warning: {mismatched} articles have comments, expected {expected}")
    busiest = (
        Section.objects.filter(pk__in=[s.pk for s in sections])
        .annotate(n=Count("articles"))
        .order_by("-n", "pk")
        .first()
    )
    summary["section_url"] = busiest.get_absolute_url()
    summary["section_articles"] = busiest.n
    return summary


def _bisect(cum: list[float], x: float) -> int:
    import bisect

    return min(bisect.bisect(cum, x), len(cum) - 1)


def parse(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--authors", type=int, default=60)
    parser.add_argument("--sections", type=int, default=12)
    parser.add_argument("--tags", type=int, default=400)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--years", type=float, default=10.0, help="history to spread over"
    )
    parser.add_argument(
        "--bodies", type=int, default=200, help="distinct article bodies"
    )
    parser.add_argument(
        "--commenters", type=int, default=4000, help="distinct commenters"
    )
    parser.add_argument(
        "--comment-bodies", type=int, default=3000, help="distinct comment texts"
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="add to a database that already holds articles",
    )
    options = parser.parse_args(argv)
    for name in ("articles", "authors", "sections", "tags", "bodies", "commenters"):
        if getattr(options, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if options.comments < 0:
        parser.error("--comments must not be negative")
    return options


def main(argv=None) -> None:
    options = parse(argv)
    django.setup()
    from django.conf import settings
    from django.db import connection

    print(
        f"sitegen: {options.articles:,} articles, {options.comments:,} comments "
        f"into {connection.vendor} ({connection.settings_dict['NAME']})",
        flush=True,
    )
    summary = generate(options)
    site = settings.MASTHEAD_SITE_URL.rstrip("/")
    statuses = ", ".join(
        f"{k} {v:,}" for k, v in sorted(summary["comments_by_status"].items())
    )
    print()
    print(f"Done in {summary['seconds']:.1f} s. Database size: {summary['db_size']}")
    print(
        f"  {summary['authors']} authors, {summary['sections']} sections, "
        f"{summary['tags']} tags"
    )
    print(
        f"  {summary['articles']:,} articles ({summary['live']:,} live, "
        f"{summary['scheduled']} scheduled, {summary['drafts']:,} drafts), "
        f"{summary['bylines']:,} bylines, {summary['article_tags']:,} tag links"
    )
    print(
        f"  {summary['comments']:,} comments ({statuses}; "
        f"{summary['replies']:,} replies); "
        f"{summary['articles_with_comments']:,} articles have approved comments"
    )
    if "lead_url" in summary:
        print(f"  Lead article: {site}{summary['lead_url']}")
    if "fifty_url" in summary:
        print(
            f"  Article with exactly 50 approved comments: {site}{summary['fifty_url']}"
        )
    print(
        f"  Section with the most articles ({summary['section_articles']:,}): "
        f"{site}{summary['section_url']}"
    )


if __name__ == "__main__":
    main()
