"""Full-text search for the newsroom's lists, through an index of words.

Django's admin searches with `LIKE '%word%'` over every row: at 100,000
articles that was 2.9–5.9 s a search of the article desk on SQLite and
13–24 s on PostgreSQL, and at a million comments 0.6–1.0 s and 1.2–2.3 s a
search of the moderation queue (bench/README.md), growing with the site.
The searched columns are indexed instead, by a `WordIndex` each:

- SQLite: an FTS5 table reading the text from the table itself ("external
  content": nothing is stored twice), kept current by triggers on it;
- PostgreSQL: a GIN index over the same text's words, read through a
  function the migrations make, which plans with sequential scans off (see
  masthead/articles/migrations/0008_search_function.py).

Neither stems words, so a search finds the words as written, in any
language; case and, on SQLite, accents do not count. Each word of a search
is matched as the start of a word, so "flood def" finds "flood defences".
"""

import json
import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

# Letters and digits: what both indexes count as a word's characters (an
# underscore or a hyphen splits words in both).
WORD = re.compile(r"[^\W_]+")
MAX_WORDS = 16
# Matches up to this many are looked up by id (WordIndex.holding); past it,
# the list is walked in its order. PostgreSQL's walk costs more to start (a
# count reads the whole table, 0.25 s at a million comments), so its lookups
# pay off for longer.
FEW = {"sqlite": 2_000, "postgresql": 20_000}


def words(text: str) -> list[str]:
    """Return the words of a search, lower-cased, at most MAX_WORDS of them."""
    return WORD.findall(text.lower())[:MAX_WORDS]


@dataclass(frozen=True)
class WordIndex:
    """The index of words of one table's searched columns.

    `fts_table` is SQLite's FTS5 table (its rowid the row's id); `pg_vector`
    the text PostgreSQL's index is built over, which a query must spell the
    same way for the index to be used; `pg_function` the function that finds
    the matches through that index alone (the migrations make it).
    """

    table: str
    fts_table: str
    pg_vector: str
    pg_function: str

    def query(self, found: list[str]) -> str:
        """Return the engine's query for rows with a word starting with each of
        `found` (words()).

        The words are letters and digits only, so they cannot change the
        meaning of either engine's query syntax.
        """
        if connection.vendor == "postgresql":
            return " & ".join(f"{word}:*" for word in found)
        return " ".join(f'"{word}"*' for word in found)

    def subquery(self, found: list[str]) -> tuple[str, list[str]]:
        """Return the SQL and parameters of the ids of the rows matching."""
        if connection.vendor == "postgresql":
            return (
                f"SELECT {self.pg_function}(to_tsquery('simple'::regconfig, %s))",
                [self.query(found)],
            )
        return (
            f"SELECT rowid FROM {self.fts_table} WHERE {self.fts_table} MATCH %s",
            [self.query(found)],
        )

    def many(self, found: list[str]) -> bool:
        """Whether more than FEW rows match: counted on SQLite (up to FEW + 1,
        through the index), estimated on PostgreSQL (by its planner, from the
        index's statistics: counting there would find every match)."""
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"EXPLAIN (FORMAT JSON) SELECT id FROM {self.table}"
                    f" WHERE {self.pg_vector} @@ to_tsquery('simple'::regconfig, %s)",
                    [self.query(found)],
                )
                plan = cursor.fetchone()[0]
                if isinstance(plan, str):
                    plan = json.loads(plan)
                return plan[0]["Plan"]["Plan Rows"] > FEW["postgresql"]
            few = FEW["sqlite"]
            sql, params = self.subquery(found)
            cursor.execute(f"SELECT count(*) FROM ({sql} LIMIT {few + 1})", params)
            return cursor.fetchone()[0] > few

    def matches(self, found: list[str]) -> list[int]:
        """Return the ids of the rows matching (PostgreSQL), found once."""
        sql, params = self.subquery(found)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT coalesce(array_agg(m), '{{}}') FROM ({sql}) AS found(m)",
                params,
            )
            return cursor.fetchone()[0]

    def holding(self, found: list[str], kept: dict | None = None) -> RawSQL:
        """Return a condition on the table's rows (not an alias of it): the row
        holds a word starting with each of `found` (words()).

        Where few rows match, they are looked up by id, then sorted. Where
        many do, the list is read in its own order, through its own index,
        each row tested against the matches, until a page is full: looking
        them all up and sorting them took 1.8 s on SQLite for a word in
        129,416 of a million comments, against 21 ms, and 4.7 s on PostgreSQL
        (its bitmap lossy besides), against 0.1 s. Where few match, the lookup
        is the quicker: on SQLite, 8 ms for 239 matches against 55 ms, the
        walk's worst case (a word in none) reading the order's whole index in
        82 ms.

        SQLite is kept off the id by writing it `+id`, which no index serves;
        its matches are found by each query again, through its FTS5 table.
        PostgreSQL's many matches are found once and sent with each query as
        an array of ids, which it tests rows against through a hash: the
        admin asks three questions of a search (its page, its count and the
        counts by status beside the filter), and each finding them again took
        0.3 s for that word, then a read of the whole table without its
        parallel workers: 1.9 s a page, where LIKE took 1.5 s; 1.3 s now. Pass
        `kept`, a dict living as long as the request (kept_for()), and each
        search's matches are found once a request.
        """
        key = (self.table, *found)
        if kept is not None and key in kept:
            return kept[key]
        sql, params = self.subquery(found)
        condition = f'"{self.table}"."id" IN ({sql})'
        if self.many(found):
            if connection.vendor == "postgresql":
                condition = f'"{self.table}"."id" = ANY(%s::bigint[])'
                params = [self.matches(found)]
            else:
                condition = f"+{condition}"
        holding = RawSQL(condition, params, output_field=BooleanField())
        if kept is not None:
            kept[key] = holding
        return holding


def kept_for(request) -> dict:
    """Return a dict that lives as long as `request`, for WordIndex.holding.

    Django's admin calls get_search_results() once for the list and again
    for each filter's counts, with the same search.
    """
    if not hasattr(request, "_masthead_searches"):
        request._masthead_searches = {}
    return request._masthead_searches
