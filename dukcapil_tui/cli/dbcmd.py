"""``dukcapil db``: the office database as a whole (``db copy``: SQLite <-> PostgreSQL)."""

from __future__ import annotations

import time

import click

from dukcapil_tui.cli.common import State, cli_actor, fail, pass_state


@click.group("db")
def db_group() -> None:
    """The office database as a whole: copy it to another engine (docs/operators-guide.md)."""


@db_group.command("copy")
@click.argument("source")
@click.argument("target")
@click.option("--batch", "batch_rows", type=int, default=1000, show_default=True,
              help="Rows written per transaction.")
@pass_state
def copy_cmd(state: State, source: str, target: str, batch_rows: int) -> None:
    """Copy the whole office from SOURCE to TARGET (an SQLite file or a postgresql:// URL), keeping
    every id; the office head (admin) of the source logs in (--user). TARGET must be new or empty,
    or an earlier copy of this command that was interrupted: then it goes on where it stopped.
    Verified at the end by every table's row count and rows and the audit and ledger chains;
    exit 1 when the target differs. Progress on stderr. Stop the counters while it runs. See
    docs/operators-guide.md, "Moving an office to PostgreSQL"."""
    from dukcapil_tui import db as dbmod
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import db_copy
    from dukcapil_tui.services.office import is_initialised

    state_found = db_copy.precheck(source, target)  # refusals before the password is asked
    try:
        dbmod.open_database(source, migrate=False)
    except dbmod.DatabaseError as exc:
        fail(str(exc))
    if not is_initialised():
        fail(t("db.not_initialised", path=db_copy.shown(source)))
    actor = cli_actor(state)
    key = "dbcopy.resuming" if state_found == db_copy.RESUME else "dbcopy.starting"
    click.echo(t(key, source=db_copy.shown(source), target=db_copy.shown(target)), err=True)
    report = db_copy.copy_office(actor, source, target, batch_rows=batch_rows, progress=_Progress())
    _print_report(report)
    if not report.ok:
        raise SystemExit(1)


class _Progress:
    """Counts on stderr: a table's first and last batch, and at most one line a second between."""

    def __init__(self, every_s: float = 1.0):
        self.every_s = every_s
        self.table = None
        self.shown_at = 0.0

    def __call__(self, table: str, done: int, total: int) -> None:
        from dukcapil_tui.domain.formatting import format_int
        from dukcapil_tui.i18n import t

        now = time.monotonic()
        if table != self.table or done >= total or now - self.shown_at >= self.every_s:
            click.echo(t("dbcopy.progress", table=table, done=format_int(done), total=format_int(total)), err=True)
            self.table, self.shown_at = table, now


def _print_report(report) -> None:
    from dukcapil_tui.domain.formatting import format_int
    from dukcapil_tui.i18n import t

    if not report.ok:
        click.echo(t("dbcopy.report.failed"))
        for table, source_rows, target_rows, differ in report.mismatches:
            if source_rows != target_rows:
                click.echo(t("dbcopy.report.mismatch", table=table, source=format_int(source_rows),
                             target=format_int(target_rows)))
            else:
                click.echo(t("dbcopy.report.content", table=table, rows=format_int(differ)))
        for problem in report.chain_problems:
            click.echo(t("dbcopy.report.chain", problem=problem))
        return
    click.echo(t("dbcopy.report.done", tables=len(report.counts), rows=format_int(sum(r[1] for r in report.counts)),
                 copied=format_int(report.copied)))
    click.echo(t("dbcopy.report.counts_ok"))
    click.echo(t("dbcopy.report.chains_ok", audit=format_int(report.audit_rows), ledger=format_int(report.ledger_rows)))
    click.echo(t("dbcopy.report.audited"))
