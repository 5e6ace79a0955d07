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
