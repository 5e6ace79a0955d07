"""The articles' index of words, for the newsroom's desk (masthead.search).

Migration 0006 made it: an FTS5 table, `articles_article_search`, over the
headline, standfirst and body on SQLite, and a GIN index over the same
words on PostgreSQL, read through the function of migration 0008.
"""

from masthead.search import MAX_WORDS, WordIndex, words

__all__ = ["ARTICLES", "MAX_WORDS", "PG_VECTOR", "words"]

# Bodies are cut at 100,000 characters (about 15,000 words): a tsvector may
# not exceed 1 MB, and a longer body would fail to save.
PG_VECTOR = (
    "to_tsvector('simple'::regconfig, headline || ' ' || standfirst || ' ' || "
    "left(body_source, 100000))"
)
ARTICLES = WordIndex(
    "articles_article",
    "articles_article_search",
    PG_VECTOR,
    "masthead_articles_matching",
)
