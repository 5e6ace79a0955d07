"""Insert many rows of one model at once, without the ORM's per-value work.

`QuerySet.bulk_create` wants an instance per row, then passes every value of
every one through its field: a few microseconds a value, which for the
hundred thousand comments of a large import (and as many mappings) was half
of the import's time. The importer's values are already what the database
takes (text, numbers, ids, aware date-times), so `insert_rows` only fills in
the defaults, adapts the date-times as the backend wants them, and sends
statements of as many rows as the backend takes parameters.

Fields are read from the model, so a field added later with a default needs
no change here; a value of a kind other than text, numbers and date-times
still goes through its field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from django.db import connection, models
from django.db.models.constants import OnConflict
from django.utils import timezone

# Values sent as they are: the database adapter takes them unchanged.
PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.FloatField,
    models.BooleanField,
    models.ForeignKey,
)
# Parameters per statement where the backend sets no limit (PostgreSQL).
DEFAULT_MAX_PARAMS = 10_000


def insert_rows(
    model: type[models.Model],
    rows: Sequence[Mapping[str, Any]],
    *,
    return_ids: bool = False,
    unique_fields: Sequence[str] = (),
    update_fields: Sequence[str] = (),
) -> list[int]:
    """Insert `rows` (values by attribute name: "article_id") into `model`'s table.

    A field missing from a row gets its default, and an ``auto_now`` field
    the time of the call. With `unique_fields`, a row that conflicts on them
    updates `update_fields` of the existing one instead (an upsert). Return
    the new ids, in the order of `rows`, when `return_ids` is set: that needs
    a backend that returns inserted rows (PostgreSQL, SQLite 3.35 and later),
    as `bulk_create` does; on others, this falls back to `bulk_create`.
    """
    if not rows:
        return []
    features, ops = connection.features, connection.ops
    if return_ids and not features.can_return_rows_from_bulk_insert:
        objs = model.objects.bulk_create([model(**row) for row in rows])
        return [obj.pk for obj in objs]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    columns = []  # (attribute name, adapter, default made a parameter)
    for field in fields:
        adapt = value_adapter(field)
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            default = now
        else:
            default = field.get_default()
        columns.append(
            (field.attname, adapt, default if adapt is None else adapt(default))
        )
    quote = ops.quote_name
    head = (
        f"INSERT INTO {quote(model._meta.db_table)} "
        f"({', '.join(quote(field.column) for field in fields)}) VALUES "
    )
    tail = ""
    if unique_fields:
        tail = " " + ops.on_conflict_suffix_sql(
            fields,
            OnConflict.UPDATE,
            [model._meta.get_field(name).column for name in update_fields],
            [model._meta.get_field(name).column for name in unique_fields],
        )
    if return_ids:
        tail += f" RETURNING {quote(model._meta.pk.column)}"
    placeholders = f"({', '.join(['%s'] * len(fields))})"
    per_statement = max(
        1, (features.max_query_params or DEFAULT_MAX_PARAMS) // len(fields)
    )
    ids, start = [], 0
    with connection.cursor() as cursor:
        for size in statement_sizes(len(rows), per_statement):
            chunk = rows[start : start + size]
            start += size
            params = [
                default if name not in row else row[name] if adapt is None
                else adapt(row[name])
                for row in chunk
                for name, adapt, default in columns
            ]  # fmt: skip
            cursor.execute(head + ", ".join([placeholders] * len(chunk)) + tail, params)
            if return_ids:
                ids += [row[0] for row in cursor.fetchall()]
    return ids


def value_adapter(field: models.Field) -> Callable[[Any], Any] | None:
    """Return how to turn a value of `field` into a parameter; None: as it is."""
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, PLAIN_FIELDS):
        return None
    return lambda value: field.get_db_prep_save(value, connection)


def statement_sizes(total: int, largest: int) -> Iterator[int]:
    """Yield how many rows each statement takes: `largest`, then powers of two.

    The driver keeps the statements it prepared (Python's sqlite3 the last
    128): a few sizes, rather than one for every remainder, keep them few
    and reused.
    """
    while total >= largest:
        yield largest
        total -= largest
    size = 1 << max(total.bit_length() - 1, 0)
    while total:
        if size <= total:
            yield size
            total -= size
        size >>= 1
