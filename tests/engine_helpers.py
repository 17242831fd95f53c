"""What tests do below the app, on either engine (SQLite, or PostgreSQL with DUKCAPIL_TEST_DB)."""

from __future__ import annotations

from dukcapil_tui import db as dbmod
from dukcapil_tui.db import database


def without_triggers(table: str, statement: str, *params) -> None:
    """What someone with write access to the database can do: switch the triggers of ``table``
    off (SQLite: drop them), run ``statement``, and put them back."""
    if dbmod.on_postgres():
        database.execute_sql(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        database.execute_sql(statement, params)
        database.execute_sql(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        return
    triggers = database.execute_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (table,)).fetchall()
    for name, _sql in triggers:
        database.execute_sql(f'DROP TRIGGER "{name}"')
    database.execute_sql(statement, params)
    for _name, sql in triggers:
        database.execute_sql(sql)


def drop_trigger(table: str, name: str) -> None:
    if dbmod.on_postgres():
        database.execute_sql(f"DROP TRIGGER {name} ON {table}")
    else:
        database.execute_sql(f"DROP TRIGGER {name}")
