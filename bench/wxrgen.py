"""Write a WordPress export (WXR 1.2) of any size, for the import benchmark.

`python bench/wxrgen.py OUT.xml --posts 10000 --comments 100000` streams the
file out one item at a time, so its size costs no memory. The filler text is
made from phrase banks written for Masthead; a seed makes the file repeatable.

Shape: 4 authors, 8 categories (two of them children), 30 tags; every tenth
post is a draft, every fiftieth scheduled; posts carry two to four paragraphs,
a category, two tags and a share of the comments, a fifth of which are replies,
with a few pending, spam and pingbacks among them.
"""

import argparse
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO
from xml.sax.saxutils import escape

SITE = "https://courier.example"
AUTHORS = [
    ("amira", "Amira Haddad"),
    ("jonas", "Jonas Berg"),
    ("lena", "Лена Орлова"),
    ("kenji", "Kenji Mori"),
]
CATEGORIES = [
    ("city", "", "City"),
    ("council", "city", "Council"),
    ("transport", "city", "Transport"),
    ("business", "", "Business"),
    ("culture", "", "Culture"),
    ("sport", "", "Sport"),
    ("science", "", "Science"),
    ("opinion", "", "Opinion"),
]
TAG_WORDS = [
    "budget", "housing", "river", "schools", "trams", "harbour", "festival",
    "library", "elections", "bridge", "market", "hospital", "parks", "football",
    "theatre", "museum", "jobs", "energy", "water", "weather", "bikes", "police",
    "courts", "taxes", "rents", "airport", "ferries", "climate", "youth", "heritage",
]  # fmt: skip
SUBJECTS = [
    "The city council", "A group of residents", "The harbour authority",
    "Local traders", "The new mayor", "Teachers at the east school",
    "The tram operator", "Volunteers from the library", "The football club",
    "Researchers at the university",
]  # fmt: skip
VERBS = [
    "voted to delay", "asked questions about", "published figures on",
    "raised money for", "wrote to the minister about", "marched in support of",
    "warned of rising costs for", "opened a consultation on",
]  # fmt: skip
OBJECTS = [
    "the riverside housing plan", "the night bus routes", "the summer festival",
    "repairs to the old bridge", "a second ferry line", "the closing of two clinics",
    "free school meals", "a cap on rents near the market",
]  # fmt: skip
DETAILS = [
    "The decision follows months of debate in the chamber.",
    "Figures released on Monday show a rise of nine per cent on last year.",
    "Opponents say the plan was drawn up without asking those it affects.",
    "A final vote is expected before the end of the month.",
    "Several speakers asked for the meeting to be held in the evening next time.",
    "The documents were shared with the Courier ahead of publication.",
    "Ведомство обещало ответить на вопросы жителей до конца недели.",
]  # fmt: skip
REPLIES = [
    "I was at the meeting and it went on much longer than this suggests.",
    "Thank you for covering this, nobody else did.",
    "Do you know where the full figures can be found?",
    "This is the third time the plan has been delayed.",
    "My street was flooded twice this winter, so I hope they act soon.",
    "Спасибо за статью, очень своевременно.",
    "The bus I take every morning has already been cut.",
]  # fmt: skip
SPAM = "Cheap watches and pills, best prices online, click here"


def cdata(text: str) -> str:
    """Return `text` as a CDATA section."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def header(out: TextIO) -> None:
    """Write the channel header, authors, categories and tags."""
    out.write(
        '<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0"\n'
        ' xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"\n'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        ' xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
        f"<title>The Benchmark Courier</title>\n<link>{SITE}</link>\n"
        "<wp:wxr_version>1.2</wp:wxr_version>\n"
        f"<wp:base_site_url>{SITE}</wp:base_site_url>\n"
        f"<wp:base_blog_url>{SITE}</wp:base_blog_url>\n"
    )
    for number, (login, name) in enumerate(AUTHORS, 1):
        out.write(
            f"<wp:author><wp:author_id>{number}</wp:author_id>"
            f"<wp:author_login>{login}</wp:author_login>"
            f"<wp:author_email>{login}@courier.example</wp:author_email>"
            f"<wp:author_display_name>{cdata(name)}</wp:author_display_name>"
            "</wp:author>\n"
        )
    for number, (slug, parent, name) in enumerate(CATEGORIES, 10):
        out.write(
            f"<wp:category><wp:term_id>{number}</wp:term_id>"
            f"<wp:category_nicename>{slug}</wp:category_nicename>"
            f"<wp:category_parent>{parent}</wp:category_parent>"
            f"<wp:cat_name>{cdata(name)}</wp:cat_name></wp:category>\n"
        )
    for number, word in enumerate(TAG_WORDS, 100):
        out.write(
            f"<wp:tag><wp:term_id>{number}</wp:term_id><wp:tag_slug>{word}"
            f"</wp:tag_slug><wp:tag_name>{word.title()}</wp:tag_name></wp:tag>\n"
        )


def paragraph(rng: random.Random) -> str:
    """Return one paragraph of filler news."""
    lead = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}."
    return " ".join([lead, *rng.sample(DETAILS, 3)])


def comment(rng: random.Random, comment_id: int, parent: int, when: datetime) -> str:
    """Return one wp:comment element: mostly approved, some pending, spam, pings."""
    roll = rng.random()
    approved, kind, text = "1", "comment", rng.choice(REPLIES)
    if roll < 0.05:
        approved = "0"
    elif roll < 0.10:
        approved, text = "spam", SPAM
    elif roll < 0.12:
        kind, parent = "pingback", 0
    name = f"Reader {comment_id % 997}"
    return (
        f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
        f"<wp:comment_author>{cdata(name)}</wp:comment_author>"
        f"<wp:comment_author_email>reader{comment_id % 997}@mail.example"
        "</wp:comment_author_email>"
        f"<wp:comment_author_IP>192.0.2.{comment_id % 250}</wp:comment_author_IP>"
        f"<wp:comment_date_gmt>{when:%Y-%m-%d %H:%M:%S}</wp:comment_date_gmt>"
        f"<wp:comment_content>{cdata(text)}</wp:comment_content>"
        f"<wp:comment_approved>{approved}</wp:comment_approved>"
        f"<wp:comment_type>{kind}</wp:comment_type>"
        f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>\n"
    )


def item(rng: random.Random, post_id: int, comment_ids: range) -> str:
    """Return one post with its comments."""
    when = datetime(2015, 1, 1, tzinfo=UTC) + timedelta(hours=7 * post_id)
    status = "draft" if post_id % 10 == 0 else "publish"
    if post_id % 50 == 1:
        status, when = (
            "future",
            datetime(2040, 1, 1, tzinfo=UTC) + timedelta(hours=post_id),
        )
    title = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
    body = "\n\n".join(paragraph(rng) for _ in range(rng.randint(2, 4)))
    login = rng.choice(AUTHORS)[0]
    category = rng.choice(CATEGORIES)
    tags = rng.sample(TAG_WORDS, 2)
    parts = [
        f"<item><title>{escape(title)}</title>",
        f"<link>{SITE}/{when:%Y/%m}/story-{post_id}/</link>",
        f"<dc:creator>{login}</dc:creator>",
        f"<content:encoded>{cdata(body)}</content:encoded>",
        f"<excerpt:encoded>{cdata(paragraph(rng)[:140])}</excerpt:encoded>",
        f"<wp:post_id>{post_id}</wp:post_id>",
        f"<wp:post_date_gmt>{when:%Y-%m-%d %H:%M:%S}</wp:post_date_gmt>",
        f"<wp:post_name>story-{post_id}</wp:post_name>",
        f"<wp:status>{status}</wp:status><wp:post_type>post</wp:post_type>",
        f"<wp:is_sticky>{int(post_id % 500 == 2)}</wp:is_sticky>",
        f'<category domain="category" nicename="{category[0]}">{category[2]}'
        "</category>",
        *(
            f'<category domain="post_tag" nicename="{tag}">{tag.title()}</category>'
            for tag in tags
        ),
        "\n",
    ]
    for offset, comment_id in enumerate(comment_ids):
        parent = comment_ids[0] if offset and rng.random() < 0.2 else 0
        posted = when + timedelta(minutes=11 * (offset + 1))
        parts.append(comment(rng, comment_id, parent, posted))
    parts.append("</item>\n")
    return "".join(parts)


def wxr_write(path: Path, *, posts: int, comments: int, seed: int = 1) -> int:
    """Write an export of `posts` posts sharing `comments` comments; return bytes."""
    rng = random.Random(seed)
    next_comment = 1
    with path.open("w", encoding="utf-8") as out:
        header(out)
        for post_id in range(1, posts + 1):
            share = comments * post_id // posts - comments * (post_id - 1) // posts
            ids = range(next_comment, next_comment + share)
            next_comment += share
            out.write(item(rng, post_id, ids))
        out.write("</channel>\n</rss>\n")
    return path.stat().st_size


def main() -> None:
    """Parse the command line and write the export."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    size = wxr_write(
        options.out, posts=options.posts, comments=options.comments, seed=options.seed
    )
    print(f"{options.out}: {options.posts} posts, {options.comments} comments, "
          f"{size / 1e6:.1f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
