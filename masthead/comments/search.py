"""The comments' index of words, for the moderation queue (masthead.search).

Migration 0006 made it: an FTS5 table, `comments_comment_search`, over the
commenter's name and the comment on SQLite, and a GIN index over the same
words on PostgreSQL, read through a function it made too. Neither holds an
email address: those are kept only as keyed digests, and searched by them.
"""

from masthead.search import WordIndex

# Cut as the articles' bodies are (a tsvector may not exceed 1 MB).
PG_VECTOR = "to_tsvector('simple'::regconfig, author_name || ' ' || left(body, 100000))"
COMMENTS = WordIndex(
    "comments_comment",
    "comments_comment_search",
    PG_VECTOR,
    "masthead_comments_matching",
)
