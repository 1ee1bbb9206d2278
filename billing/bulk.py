"""Bulk writes of the bill run: rows INSERTed in one statement per batch, skipping rows that
exist already (the unique constraints decide), returning how many were really inserted.

On PostgreSQL the rows go through COPY into a temporary table and one INSERT … SELECT …
ON CONFLICT DO NOTHING: close to a raw COPY, and the count is the rows inserted. Elsewhere
(SQLite in the quick start) Django's bulk_create with ignore_conflicts does it."""

from django.db import connection


def insert_new(model, columns: list[str], rows: list[tuple]) -> int:
    """INSERT `rows` (tuples in the order of `columns`, database column names) into
    `model`'s table, skipping conflicts. Call inside a transaction."""
    if not rows:
        return 0
    if connection.vendor != "postgresql":
        before = model.objects.count()
        objs = [model(**dict(zip(columns, row, strict=True))) for row in rows]
        model.objects.bulk_create(objs, ignore_conflicts=True, batch_size=2000)
        return model.objects.count() - before
    qn = connection.ops.quote_name
    table, stage = qn(model._meta.db_table), qn(f"stage_{model._meta.db_table}")
    cols = ", ".join(qn(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {stage}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {stage} ON COMMIT DROP "
            f"AS SELECT {cols} FROM {table} WITH NO DATA"
        )
        with cursor.copy(f"COPY {stage} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {stage} ON CONFLICT DO NOTHING"
        )
        inserted = cursor.rowcount
        cursor.execute(f"DROP TABLE {stage}")
    return inserted
