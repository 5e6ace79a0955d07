"""SQLite's query plans of what a piece of code reads, for tests of indexes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext


def sqlite_plans(run) -> dict[str, list[str]]:
    """Call `run()`; return each query it made with SQLite's plan, step by step.

    On another database the test is skipped: plans are SQLite's words.
    """
    if connection.vendor != "sqlite":
        pytest.skip("reads SQLite's query plans")
    with CaptureQueriesContext(connection) as queries:
        run()
    plans = {}
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
            plans[query["sql"]] = [row[-1] for row in cursor.fetchall()]
    return plans


def unindexed_reads(plans: dict[str, list[str]], table: str) -> list[tuple[str, str]]:
    """Return the (query, step) pairs that read `table` other than through one
    of its indexes, or that sort rows."""
    return [
        (sql, step)
        for sql, plan in plans.items()
        for step in plan
        if "TEMP B-TREE" in step
        or (table in step and "INDEX" not in step and "PRIMARY KEY" not in step)
    ]


def assert_index_serves(index) -> None:
    """Check that `index` (a masthead.search.WordIndex) is read, and kept.

    The query spells the indexed text as the index does, so it is used; on
    PostgreSQL the function finding the matches plans without reading the
    table whole; on SQLite the triggers that keep the index current exist (a
    migration that remakes the table, SQLite's way to alter a column, drops
    them, and must make them again).
    """
    subquery, params = index.subquery(["quay"])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT proconfig FROM pg_proc WHERE proname = %s",
                [index.pg_function],
            )
            assert "enable_seqscan=off" in cursor.fetchone()[0]
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(
                f"EXPLAIN SELECT id FROM {index.table} WHERE {index.pg_vector}"
                " @@ to_tsquery('simple'::regconfig, %s)",
                [index.query(["quay"])],
            )
            plan = " ".join(row[0] for row in cursor.fetchall())
            assert index.fts_table in plan  # the GIN index has the same name
            return
        cursor.execute("EXPLAIN QUERY PLAN " + subquery, params)
        plan = " ".join(row[-1] for row in cursor.fetchall())
        assert "VIRTUAL TABLE" in plan
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
            [index.table],
        )
        assert sorted(row[0] for row in cursor.fetchall()) == [
            f"{index.fts_table}_{kind}" for kind in ("delete", "insert", "update")
        ]
