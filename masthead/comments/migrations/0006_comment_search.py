"""Index the words of comments for the moderation queue's search
(masthead.comments.search).

SQLite: an FTS5 table reading the comments table ("external content"), kept
current by triggers, in one transaction. PostgreSQL: a GIN index over the
same words, built CONCURRENTLY (outside a transaction), so that comments can
keep coming while it builds. The SQL is written out here, not imported, so
that the migration stays as it ran.
"""

from django.db import migrations

SQLITE = [
    """CREATE VIRTUAL TABLE comments_comment_search USING fts5(
        author_name, body,
        content='comments_comment', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )""",
    """CREATE TRIGGER comments_comment_search_insert
    AFTER INSERT ON comments_comment BEGIN
        INSERT INTO comments_comment_search(rowid, author_name, body)
        VALUES (new.id, new.author_name, new.body);
    END""",
    """CREATE TRIGGER comments_comment_search_delete
    AFTER DELETE ON comments_comment BEGIN
        INSERT INTO comments_comment_search(
            comments_comment_search, rowid, author_name, body
        ) VALUES ('delete', old.id, old.author_name, old.body);
    END""",
    """CREATE TRIGGER comments_comment_search_update
    AFTER UPDATE OF author_name, body ON comments_comment BEGIN
        INSERT INTO comments_comment_search(
            comments_comment_search, rowid, author_name, body
        ) VALUES ('delete', old.id, old.author_name, old.body);
        INSERT INTO comments_comment_search(rowid, author_name, body)
        VALUES (new.id, new.author_name, new.body);
    END""",
    "INSERT INTO comments_comment_search(comments_comment_search) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS comments_comment_search_insert",
    "DROP TRIGGER IF EXISTS comments_comment_search_delete",
    "DROP TRIGGER IF EXISTS comments_comment_search_update",
    "DROP TABLE IF EXISTS comments_comment_search",
]
POSTGRESQL = [
    # A build that failed leaves an invalid index behind: made again.
    "DROP INDEX CONCURRENTLY IF EXISTS comments_comment_search",
    """CREATE INDEX CONCURRENTLY comments_comment_search ON comments_comment
    USING GIN (
        to_tsvector('simple'::regconfig, author_name || ' ' || left(body, 100000))
    )""",
]
# The matches of a query, through the index and only through it: PostgreSQL
# does not know how dear each row's words are to compute, and chose to read
# the table and compute every row's (articles: migration articles 0008). Its
# work_mem keeps the index's bitmap exact: with 4 MB, a word in 129,416 of a
# million comments made it lossy, and every row of its pages was computed
# again. Run by a parallel query's leader only: its workers may not set them.
POSTGRESQL += [
    """CREATE OR REPLACE FUNCTION masthead_comments_matching(query tsquery)
    RETURNS SETOF bigint LANGUAGE sql STABLE PARALLEL RESTRICTED ROWS 1000
    SET enable_seqscan = off SET work_mem = '64MB'
    AS $$
        SELECT id FROM comments_comment WHERE
        to_tsvector('simple'::regconfig, author_name || ' ' || left(body, 100000))
        @@ query
    $$""",
]
POSTGRESQL_DROP = [
    "DROP FUNCTION IF EXISTS masthead_comments_matching(tsquery)",
    "DROP INDEX CONCURRENTLY IF EXISTS comments_comment_search",
]


def run(statements: dict):
    def operation(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    atomic = False  # for PostgreSQL's CONCURRENTLY; SQLite's part is atomic

    dependencies = [
        ("comments", "0005_text_by_sender_index"),
    ]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE}), run({"sqlite": SQLITE_DROP}), atomic=True
        ),
        migrations.RunPython(
            run({"postgresql": POSTGRESQL}), run({"postgresql": POSTGRESQL_DROP})
        ),
    ]
