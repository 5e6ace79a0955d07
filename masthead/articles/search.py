"""Full-text search of articles, for the newsroom's desk.

The desk searched with Django's `LIKE '%word%'` over every body: 2.9–5.9 s
a search at 100,000 articles on SQLite and 13–24 s on PostgreSQL
(bench/README.md), growing with the site. The words are now indexed
(migration 0006):

- SQLite: an FTS5 table, `articles_article_search`, over the headline,
  standfirst and body, reading them from the articles table itself
  ("external content": the text is not stored twice) and kept current by
  triggers on that table;
- PostgreSQL: a GIN index over the same text's words.

Neither stems words, so a search finds the words as written, in any
language; case and, on SQLite, accents do not count. Each word of a search
is matched as the start of a word, so "flood def" finds "flood defences".
"""

import re

from django.db import connection
from django.db.models.expressions import RawSQL

# Letters and digits: what both indexes count as a word's characters (an
# underscore or a hyphen splits words in both).
WORD = re.compile(r"[^\W_]+")
MAX_WORDS = 16

# The text PostgreSQL's index is built over; a query must spell it the same
# way to use the index. Bodies are cut at 100,000 characters (about 15,000
# words): a tsvector may not exceed 1 MB, and a longer body would fail to save.
PG_VECTOR = (
    "to_tsvector('simple'::regconfig, headline || ' ' || standfirst || ' ' || "
    "left(body_source, 100000))"
)


def words(text: str) -> list[str]:
    """Return the words of a search, lower-cased, at most MAX_WORDS of them."""
    return WORD.findall(text.lower())[:MAX_WORDS]


def matching(found: list[str]) -> RawSQL:
    """Return a subquery of the ids of the articles with a word starting with
    each of `found` (words()).

    The words are letters and digits only, so they cannot change the meaning
    of either engine's query syntax.
    """
    if connection.vendor == "postgresql":
        # Materialized: found once through the index. As a plain subquery,
        # PostgreSQL walked the desk's date index and computed each article's
        # words to test it, 1.2 ms an article: 6 to 9 s for a search whose
        # words are in 1,332 of 100,000 articles.
        return RawSQL(
            "WITH found AS MATERIALIZED (SELECT id FROM articles_article"
            f" WHERE {PG_VECTOR} @@ to_tsquery('simple'::regconfig, %s))"
            " SELECT id FROM found",
            [" & ".join(f"{word}:*" for word in found)],
        )
    return RawSQL(
        "SELECT rowid FROM articles_article_search"
        " WHERE articles_article_search MATCH %s",
        [" ".join(f'"{word}"*' for word in found)],
    )
