"""Querysets compiled to SQL once per process, then run with new parameters.

Django builds and compiles a queryset anew on every call. For the reads a
reader page makes, that is most of their cost: on the article page, 0.5 to
0.9 ms a query to build and compile, against 0.05 ms for SQLite to run it.
A `Prepared` query is written as an ordinary queryset, by a function of its
parameters; the first call compiles it with stand-in values, notes where
they land among the SQL's parameters, and keeps the SQL. Later calls bind
the new values there and run it. What comes back is what the queryset would
give: model instances (with their select_related objects and annotations),
or rows of a values_list().

Only the parameters change between calls, never the shape: a queryset
whose SQL depends on a value (an `in` list's length, an optional filter)
is compiled once per shape, the length of each list being part of the key.

The libraries that did this (django-prepared-queries, django-prepared-query)
were last kept up for Django 2. This leans on the compiler's attributes
that Django's own ModelIterable reads (select, klass_info); Django is pinned
to 5.2 LTS, and tests/test_prepared.py runs on SQLite and PostgreSQL.
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connections
from django.db.backends.sqlite3.base import FORMAT_QMARK_REGEX
from django.db.models.query import (
    ModelIterable,
    ValuesListIterable,
    get_related_populators,
)
from django.http import Http404

# Stand-ins no real parameter takes: odd enough to find among the SQL's own.
_STAND_IN_INT = 7_390_511_431_027
_STAND_IN_TIME = datetime(1904, 2, 29, 3, 14, 15, 926535, tzinfo=UTC)


def _stand_in(kind: type, number: int):
    if kind is int:
        return _STAND_IN_INT + number
    if kind is str:
        return f"\x1fprepared-{number}\x1f"
    if kind is datetime:
        return _STAND_IN_TIME + timedelta(seconds=number)
    raise TypeError(f"a prepared query takes int, str or datetime, not {kind}")


@dataclass
class _Compiled:
    sql: str
    params: list
    slots: list[tuple[int, int, bool]]  # (param position, value number, adapted)
    compiler: object
    model_rows: bool
    # Each column's converters from the database's values to Python's, found
    # once: Django's results_iter looks them up on every execution (about a
    # sixth of a prepared read's time, profiled on the home page), or None to
    # leave that to results_iter (composite fields).
    converters: list | None
    # The SQL as SQLite's own module takes it ("?" for "%s"), or None on
    # other databases: see _fetch.
    native_sql: str | None = None


class Prepared:
    """A read written as `build(**values) -> QuerySet`, compiled once per shape.

    `kinds` names each parameter's type: int, str, datetime, or a list of
    one of these (`list[int]`) for an `__in` filter (so an empty list
    matches nothing).
    """

    def __init__(self, build: Callable, **kinds):
        self.build = build
        self.kinds = kinds
        self.compiled: dict[tuple, _Compiled] = {}

    def __call__(self, using: str = "default", **values) -> list:
        values = {
            name: _distinct(values[name])
            if isinstance(values[name], list | tuple)
            else values[name]
            for name in self.kinds
        }
        lengths = [len(v) for v in values.values() if isinstance(v, list)]
        if 0 in lengths:
            return []  # `in` an empty list: nothing matches
        shape = (using, *lengths)
        compiled = self.compiled.get(shape)
        if compiled is None:
            compiled = self.compiled[shape] = self.compile(using, values)
        flat = list(_flatten(values[name] for name in self.kinds))
        connection = connections[using]
        params = list(compiled.params)
        for position, number, adapted in compiled.slots:
            value = flat[number]
            params[position] = (
                connection.ops.adapt_datetimefield_value(value) if adapted else value
            )
        return self.results(compiled, _fetch(connection, compiled, params), using)

    def one_or_404(self, **values):
        """Return the first of the rows, or raise Http404 when there are none."""
        rows = self(**values)
        if not rows:
            raise Http404("No such page")
        return rows[0]

    def compile(self, using: str, values: dict) -> _Compiled:
        """Compile the queryset with stand-ins in `values`' shape; find them."""
        numbers = itertools.count()
        stand_ins = {}
        for name, kind in self.kinds.items():
            value = values[name]
            if isinstance(value, list):
                item = kind.__args__[0]
                stand_ins[name] = [_stand_in(item, next(numbers)) for _ in value]
            else:
                stand_ins[name] = _stand_in(kind, next(numbers))
        queryset = self.build(**stand_ins)
        if queryset._iterable_class not in (ModelIterable, ValuesListIterable):
            raise TypeError("a prepared query gives models or values_list() rows")
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        connection = connections[using]
        wanted = {}
        for number, stand_in in enumerate(_flatten(stand_ins.values())):
            wanted[_key(stand_in)] = (number, False)
            if isinstance(stand_in, datetime):
                adapted = connection.ops.adapt_datetimefield_value(stand_in)
                wanted[_key(adapted)] = (number, True)
        slots, found = [], set()
        for position, param in enumerate(params):
            if (hit := wanted.get(_key(param))) is not None:
                slots.append((position, *hit))
                found.add(hit[0])
        if len(found) != next(numbers):
            raise ValueError("a parameter of the prepared query is not in its SQL")
        columns = [selected[0] for selected in compiler.select[: compiler.col_count]]
        converters = None
        if not compiler.has_composite_fields(columns):
            converters = [
                (position, ([_faster(f, connection) for f in functions], expression))
                for position, (functions, expression) in compiler.get_converters(
                    columns
                ).items()
            ]
        return _Compiled(
            sql,
            list(params),
            slots,
            compiler,
            queryset._iterable_class is ModelIterable,
            converters,
            # What Django's SQLite cursor does to the SQL on every execution.
            FORMAT_QMARK_REGEX.sub("?", sql).replace("%%", "%")
            if connection.vendor == "sqlite"
            else None,
        )

    def results(self, compiled: _Compiled, rows: list, using: str) -> list:
        compiler = compiled.compiler
        if compiled.converters is None:
            rows = list(compiler.results_iter([rows], tuple_expected=True))
        elif compiled.converters:
            rows = _converted(rows, compiled.converters, compiler.connection)
        if not compiled.model_rows:
            return [tuple(row) for row in rows]
        # What Django's ModelIterable does with a compiled query's rows.
        select, klass_info = compiler.select, compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        names = [column[0].target.attname for column in select[start:end]]
        model = klass_info["model"]
        populators = get_related_populators(klass_info, select, using)
        annotations = compiler.annotation_col_map
        objects = []
        for row in rows:
            obj = model.from_db(using, names, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in annotations.items():
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects


def _fetch(connection, compiled: _Compiled, params: list) -> list:
    """Run the compiled SQL with `params`; return the rows as the driver gives them.

    On SQLite, when nothing watches the queries (no query log, as tests and
    DEBUG keep, and no execute wrapper), the SQL runs on the driver's own
    connection with the checks Django's cursor makes around a read, but
    without its layers: cursor wrapper, wrapper chain and the rewriting of
    "%s" on each call took 40 µs of a 110 µs read of 50 comments.
    """
    if (
        compiled.native_sql is None
        or connection.queries_logged
        or connection.execute_wrappers
    ):
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            return cursor.fetchall()
    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    with connection.wrap_database_errors:
        return connection.connection.execute(compiled.native_sql, params).fetchall()


def _faster(converter: Callable, connection) -> Callable:
    """Return `converter`, or a quicker one doing the same (SQLite's moments).

    Django's sqlite3 driver setup parses a DateTimeField's text into a naive
    datetime; then Django's converter reads USE_TZ through the settings
    object and makes the value aware, checking twice that it was naive:
    3.5 µs a value, on 50 comments' dates. Here the setting and the
    database's zone are read once; any value but a datetime goes to Django's
    converter. The zone is set by `combine`: `replace(tzinfo=...)` parses
    its keywords as the constructor does, 2.3 µs against 0.3 µs a value.
    """
    if (
        connection.vendor != "sqlite"
        or getattr(converter, "__name__", "") != "convert_datetimefield_value"
    ):
        return converter
    zone = connection.timezone if settings.USE_TZ else None
    combine = datetime.combine

    def moment(value, expression, connection):
        if value.__class__ is not datetime:
            return converter(value, expression, connection)
        if zone is not None and value.tzinfo is None:
            return combine(value, value.time(), zone)
        return value

    return moment


def _converted(rows: list, converters: list, connection) -> list:
    """Return `rows` with converted values, as Django's apply_converters does."""
    converted = []
    for row in rows:
        row = list(row)
        for position, (functions, expression) in converters:
            value = row[position]
            for function in functions:
                value = function(value, expression, connection)
            row[position] = value
        converted.append(row)
    return converted


def _distinct(values) -> list:
    """Return `values` without repeats, in order (as Django's `in` lookup does)."""
    return list(dict.fromkeys(values))


def _flatten(values):
    for value in values:
        if isinstance(value, list):
            yield from value
        else:
            yield value


def _key(value) -> tuple:
    # Compared with their type: True == 1, and a stand-in int must not match it.
    return (
        (type(value), value)
        if isinstance(value, int | str | datetime)
        else ("", id(value))
    )
