"""One model row by a fixed condition, with SQL built once per process instead of per query.

For the few reads on every request or inside a contended lock (the session, the signed-in user,
a workshop locked for registration), the ORM's query building cost more Python than the rest of
the request (0.5–0.7 ms per query on the reference VM, bench/registration_rush.py). A
`PlainSelect` reads the same row and returns the same model instance: columns come from the
model's metadata, values pass through the ORM's own database converters, and the instance is
built with `Model.from_db`, so deferred fields, `refresh_from_db` and saves behave as usual.

    USER = PlainSelect(User, where="{id} = %s")
    user = USER.get([42])
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import connections, router
from django.db.models import NOT_PROVIDED, signals


def primary_key(model, value):
    """`value` as a primary key of `model`, or None if no row can have it (not a number, or
    beyond a bigint): the ORM answers "no such row" there, PostgreSQL would raise."""
    try:
        pk = model._meta.pk.to_python(value)
    except ValidationError:
        return None
    if isinstance(pk, int) and not -(2**63) <= pk < 2**63:
        return None
    return pk


class PlainSelect:
    def __init__(
        self,
        model,
        *,
        where: str,
        fields: Iterable[str] | None = None,
        for_update: bool = False,
    ):
        """`where` names columns by field name in braces ("{id} = %s AND {expire_date} > %s");
        `fields` limits the columns read (the primary key is always read); `for_update`
        locks the row where the database has row locks."""
        self.model = model
        self.where = where
        self.for_update = for_update
        wanted = None if fields is None else {model._meta.pk.name, *fields}
        # In the model's field order, as `Model.from_db` expects for a partial row.
        self.fields = [f for f in model._meta.concrete_fields if wanted is None or f.name in wanted]
        self.attnames = [f.attname for f in self.fields]
        self._compiled: dict[str, tuple[str, list]] = {}

    def _compile(self, connection) -> tuple[str, list]:
        quote = connection.ops.quote_name
        meta = self.model._meta
        columns = ", ".join(quote(f.column) for f in self.fields)
        names = {f.name: quote(f.column) for f in meta.concrete_fields}
        names.update({f.attname: quote(f.column) for f in meta.concrete_fields})
        # SQLite (the embedded default) has no row locks: its writes are serialised anyway.
        lock = (
            " FOR UPDATE" if self.for_update and connection.features.has_select_for_update else ""
        )
        sql = (
            f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {self.where.format(**names)}{lock}"
        )
        # The converters the ORM's compiler would apply (none for most columns on PostgreSQL;
        # SQLite returns datetimes naive without them).
        converters = []
        for i, field in enumerate(self.fields):
            col = field.get_col(meta.db_table)
            funcs = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
            if funcs:
                converters.append((i, col, funcs))
        return sql, converters

    def alias(self) -> str:
        if self.for_update:
            return router.db_for_write(self.model)
        return router.db_for_read(self.model)

    def _compiled_for(self, connection) -> tuple[str, list]:
        compiled = self._compiled.get(connection.vendor)
        if compiled is None:
            compiled = self._compiled.setdefault(connection.vendor, self._compile(connection))
        return compiled

    def sql(self, connection) -> str:
        return self._compiled_for(connection)[0]

    def from_row(self, row, connection):
        """The instance for a row this SELECT returned (None for None)."""
        if row is None:
            return None
        values = list(row)
        for i, col, funcs in self._compiled_for(connection)[1]:
            for func in funcs:
                values[i] = func(values[i], col, connection)
        return self.model.from_db(connection.alias, self.attnames, values)

    def get(self, params: Sequence, *, using: str | None = None):
        """The instance whose row matches, or None."""
        connection = connections[using or self.alias()]
        with connection.cursor() as cursor:
            cursor.execute(self.sql(connection), params)
            row = cursor.fetchone()
        return self.from_row(row, connection)


def _insert_fields(model) -> list:
    meta = model._meta
    return [f for f in meta.concrete_fields if f is not meta.auto_field and not f.generated]


def _insert_params(obj, fields, connection) -> list:
    # What `Model.save()` sends for a new row: defaults and auto_now applied by `pre_save`.
    return [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]


def _saved(obj, pk, alias: str) -> None:
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = alias


# (parent model, child model, link) -> (SQL, parent fields, child fields)
_PAIRS: dict[tuple, tuple[str, list, list]] = {}


def _check_plain_insert(model, fields) -> None:
    # What a plain INSERT cannot honour: say so at first use rather than insert wrongly.
    if signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model):
        raise ImproperlyConfigured(f"{model.__name__} has save receivers: save it with the ORM")
    if any(f.db_default is not NOT_PROVIDED for f in fields):
        raise ImproperlyConfigured(f"{model.__name__} has a db_default: save it with the ORM")


def _pair_sql(parent_model, child_model, link: str, connection) -> tuple[str, list, list]:
    link_field = child_model._meta.get_field(link)
    parent_fields = _insert_fields(parent_model)
    child_fields = [f for f in _insert_fields(child_model) if f is not link_field]
    _check_plain_insert(parent_model, parent_fields)
    _check_plain_insert(child_model, child_fields)
    quote = connection.ops.quote_name

    def cols(fields):
        return ", ".join(quote(f.column) for f in fields)

    def marks(fields):
        return ", ".join(["%s"] * len(fields))

    parent_pk, child_pk = parent_model._meta.pk.column, child_model._meta.pk.column
    sql = (
        f"WITH parent AS (INSERT INTO {quote(parent_model._meta.db_table)} "
        f"({cols(parent_fields)}) VALUES ({marks(parent_fields)}) "
        f"RETURNING {quote(parent_pk)}) "
        f"INSERT INTO {quote(child_model._meta.db_table)} "
        f"({quote(link_field.column)}, {cols(child_fields)}) "
        f"VALUES ((SELECT {quote(parent_pk)} FROM parent), {marks(child_fields)}) "
        f"RETURNING {quote(link_field.column)}, {quote(child_pk)}"
    )
    return sql, parent_fields, child_fields


def insert_with_child(parent, child, *, link: str) -> None:
    """Insert new `parent` and new `child` whose foreign key `link` points to it, in one
    statement on PostgreSQL (two ORM saves elsewhere). Inside a contended lock this saves a
    round trip and the ORM's two INSERT compilations. No model signals are sent: use it only
    for models that have no save receivers."""
    parent_model, child_model = type(parent), type(child)
    alias = router.db_for_write(parent_model)
    connection = connections[alias]
    if connection.vendor != "postgresql":
        parent.save(using=alias)
        setattr(child, link, parent)
        child.save(using=alias)
        return
    key = (parent_model, child_model, link)
    pair = _PAIRS.get(key)
    if pair is None:
        pair = _PAIRS.setdefault(key, _pair_sql(*key, connection))
    sql, parent_fields, child_fields = pair
    params = _insert_params(parent, parent_fields, connection)
    params += _insert_params(child, child_fields, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        parent_id, child_id = cursor.fetchone()
    _saved(parent, parent_id, alias)
    setattr(child, link, parent)
    _saved(child, child_id, alias)
