"""One-row INSERTs whose statement is composed once per model and process.

Django composes an INSERT anew for every `Model.save()`; for a wide model that costs more than the database takes
to store the row (Open311 intake: about 0.5 ms of composing per report, on the request's critical path and inside
its write transaction). `insert(obj)` prepares each value the way `save()` does (`Field.pre_save`, then
`get_db_prep_save`), runs the statement composed the first time, sets the primary key and sends `pre_save` and
`post_save`, so receivers (the audit log, cache versions) see what they would see after `save()`. A model's own
`save()` override is not called: use it for plain rows whose `save()` adds nothing to an insert.
"""

from django.db import connections, router
from django.db.models.signals import post_save, pre_save

_statements = {}  # (model, database alias) → (SQL, fields)


def _statement(model, alias):
    key = (model, alias)
    if key not in _statements:
        connection = connections[alias]
        quote = connection.ops.quote_name
        meta = model._meta
        pk = meta.pk
        if not getattr(pk, "db_returning", False) or not connection.features.can_return_columns_from_insert:
            raise TypeError(f"{meta.label}: fastinsert needs a database-generated primary key returned by INSERT")
        fields = [f for f in meta.concrete_fields if f is not pk and not f.generated]
        sql = (f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
               f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {quote(pk.column)}")
        _statements[key] = (sql, fields)
    return _statements[key]


def insert(obj, *, using=None):
    """Insert the unsaved model instance `obj` as one row; returns obj with its primary key set."""
    model = type(obj)
    alias = using or router.db_for_write(model, instance=obj)
    if obj.pk is not None:
        raise ValueError(f"{model._meta.label} {obj.pk} is already saved")
    pre_save.send(sender=model, instance=obj, raw=False, using=alias, update_fields=None)
    sql, fields = _statement(model, alias)
    connection = connections[alias]
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        (obj.pk,) = cursor.fetchone()
    obj._state.adding = False
    obj._state.db = alias
    post_save.send(sender=model, instance=obj, created=True, update_fields=None, raw=False, using=alias)
    return obj
