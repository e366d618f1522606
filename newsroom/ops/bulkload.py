"""Bulk loading with COPY, for seeding a large archive in one transaction (seed_archive): drop what slows
the load, copy the rows, restore it after."""

from datetime import UTC, datetime

from django.db import connection


def drop_keys_and_indexes(raw, models) -> list[str]:
    """Drop the tables' foreign keys and the indexes no constraint needs; return the DDL restoring them."""
    tables = [m._meta.db_table for m in models]
    raw.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])",
        [tables],
    )
    keys = raw.fetchall()
    raw.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) "
        "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = ANY(%s::regclass[]) AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
        [tables],
    )
    indexes = raw.fetchall()
    for table, name, _ in keys:
        raw.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        raw.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in indexes] + [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for table, name, definition in keys
    ]


def copy_rows(raw, model, columns, rows, table=None):
    """COPY rows (tuples in `columns` order); the model's other fields get their default."""
    extra_columns, extra = [], []
    for field in model._meta.concrete_fields:
        if field.column in columns or field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = datetime.now(UTC)
        else:
            value = field.get_db_prep_save(field.get_default(), connection)
        extra_columns.append(field.column)
        extra.append(value)
    extra = tuple(extra)
    names = ", ".join(f'"{c}"' for c in [*columns, *extra_columns])
    with raw.copy(f"COPY {table or model._meta.db_table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row + extra)
