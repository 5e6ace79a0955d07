"""Find the articles matching a search through the words' index only
(masthead.search), on PostgreSQL.

PostgreSQL does not know how dear an article's words are to compute: for a
word in nine in ten articles it read the whole table and computed every
article's, 32 s at 100,000 articles, where the index took 69 ms. This
function plans its query with sequential scans off, and with enough
work_mem that the index's bitmap stays exact (a lossy one has every row of
its pages computed again). Run by a parallel query's leader only: its
workers may not set them. Nothing to do on SQLite.
"""

from django.db import migrations

FUNCTION = """CREATE OR REPLACE FUNCTION masthead_articles_matching(query tsquery)
RETURNS SETOF bigint LANGUAGE sql STABLE PARALLEL RESTRICTED ROWS 1000
SET enable_seqscan = off SET work_mem = '64MB'
AS $$
    SELECT id FROM articles_article WHERE
    to_tsvector('simple'::regconfig, headline || ' ' || standfirst || ' ' ||
    left(body_source, 100000)) @@ query
$$"""
DROP = "DROP FUNCTION IF EXISTS masthead_articles_matching(tsquery)"


def run(statement: str):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_desk_index"),
    ]

    operations = [migrations.RunPython(run(FUNCTION), run(DROP))]
