"""Index the words of articles for the desk's search (masthead.articles.search).

SQLite: an FTS5 table reading the articles table ("external content"), kept
current by triggers, in one transaction. PostgreSQL: a GIN index over the
same words, built CONCURRENTLY (outside a transaction), so that the newsroom
can keep saving while it builds: 75 s at 100,000 articles. The SQL is
written out here, not imported, so that the migration stays as it ran.
"""

from django.db import migrations

SQLITE = [
    """CREATE VIRTUAL TABLE articles_article_search USING fts5(
        headline, standfirst, body_source,
        content='articles_article', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )""",
    """CREATE TRIGGER articles_article_search_insert
    AFTER INSERT ON articles_article BEGIN
        INSERT INTO articles_article_search(rowid, headline, standfirst, body_source)
        VALUES (new.id, new.headline, new.standfirst, new.body_source);
    END""",
    """CREATE TRIGGER articles_article_search_delete
    AFTER DELETE ON articles_article BEGIN
        INSERT INTO articles_article_search(
            articles_article_search, rowid, headline, standfirst, body_source
        ) VALUES ('delete', old.id, old.headline, old.standfirst, old.body_source);
    END""",
    """CREATE TRIGGER articles_article_search_update
    AFTER UPDATE OF headline, standfirst, body_source ON articles_article BEGIN
        INSERT INTO articles_article_search(
            articles_article_search, rowid, headline, standfirst, body_source
        ) VALUES ('delete', old.id, old.headline, old.standfirst, old.body_source);
        INSERT INTO articles_article_search(rowid, headline, standfirst, body_source)
        VALUES (new.id, new.headline, new.standfirst, new.body_source);
    END""",
    "INSERT INTO articles_article_search(articles_article_search) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS articles_article_search_insert",
    "DROP TRIGGER IF EXISTS articles_article_search_delete",
    "DROP TRIGGER IF EXISTS articles_article_search_update",
    "DROP TABLE IF EXISTS articles_article_search",
]
POSTGRESQL = [
    # A build that failed leaves an invalid index behind: made again.
    "DROP INDEX CONCURRENTLY IF EXISTS articles_article_search",
    """CREATE INDEX CONCURRENTLY articles_article_search ON articles_article USING GIN (
        to_tsvector('simple'::regconfig, headline || ' ' || standfirst || ' ' ||
        left(body_source, 100000))
    )""",
]
POSTGRESQL_DROP = ["DROP INDEX CONCURRENTLY IF EXISTS articles_article_search"]


def run(statements: dict):
    def operation(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    atomic = False  # for PostgreSQL's CONCURRENTLY; SQLite's part is atomic

    dependencies = [
        ("articles", "0005_modified_index"),
    ]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE}), run({"sqlite": SQLITE_DROP}), atomic=True
        ),
        migrations.RunPython(
            run({"postgresql": POSTGRESQL}), run({"postgresql": POSTGRESQL_DROP})
        ),
    ]
