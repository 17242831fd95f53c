"""``dukcapil sites``: the recording sites (the Dinas, the kecamatan UPTs, mobile units), what
each recorded on a day and in its month, and where each workstation records."""

from __future__ import annotations

import click

from dukcapil_tui.cli.common import State, cli_actor, date_option, open_db, parse_day, pass_state


@click.group("sites")
def sites_group() -> None:
    """Recording sites: list them with their recordings, add, change, place a workstation."""


@sites_group.command("list")
@date_option
@pass_state
def list_cmd(state: State, day_text: str | None) -> None:
    """Every site with its kecamatan, the recordings of the day and of its month up to it, and
    what it has in the backlog now: recorded but not sent, and waiting at the centre."""
    from dukcapil_tui.domain.formatting import format_date, format_int
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import regions, settings, sites

    day = parse_day(day_text)
    open_db(state)
    day = day or settings.office_today()
    index = regions.index()
    rows = sites.activity(day)
    click.echo(t("cli.sites.title", day=format_date(day)))
    day_header = "cli.sites.header_day" if day == settings.office_today() else "cli.sites.header_that_day"
    click.echo(
        f"{t('cli.sites.header_code'):<22} {t('cli.sites.header_kind'):<10} "
        f"{t('cli.sites.header_kecamatan'):<18} {t(day_header):>9} "
        f"{t('cli.sites.header_month'):>9} {t('cli.sites.header_unsent'):>9} "
        f"{t('cli.sites.header_centre'):>9}  {t('cli.sites.header_name')}"
    )
    for row in rows:
        kecamatan = index.name(row.kecamatan_code) if row.kecamatan_code else "-"
        name = row.name + ("" if row.active else f" ({t('user.status_disabled')})")
        click.echo(f"{row.code or '-':<22} {row.kind:<10} {kecamatan[:18]:<18} {format_int(row.recorded_day):>9} "
                   f"{format_int(row.recorded_month):>9} {format_int(row.unsent):>9} {format_int(row.at_centre):>9}"
                   f"  {name}")
    click.echo(t("cli.sites.total", day=format_int(sum(r.recorded_day for r in rows)),
                 month=format_int(sum(r.recorded_month for r in rows)), unsent=format_int(sum(r.unsent for r in rows)),
                 centre=format_int(sum(r.at_centre for r in rows))))
    from dukcapil_tui.services import devices, outages

    out = devices.out_by_site()
    if out:  # an open device failure shows on its site
        shown = ", ".join(f"{code} {count}" for code, count in sorted(out.items()))
        click.echo(t("cli.sites.devices_out", sites=shown))
    for outage in outages.list_outages(open_only=True):
        click.echo(t("cli.sites.outage_open", kind=t(f"outage.kind.{outage.kind}"),
                     scope=outages.describe_scope(outage.site_code), since=outages.when(outage.started_at)))


def _kind_option(func):
    return click.option("--kind", type=click.Choice(("dinas", "upt", "keliling", "lain")),
                        help="dinas (the office), upt (a kecamatan's unit), keliling (mobile), lain.")(func)


def _kecamatan_option(func):
    return click.option("--kecamatan", default=None,
                        help='The kecamatan, by code (52.02.04) or name ("Pujut"); "-" for none.')(func)


@sites_group.command("add")
@click.argument("code")
@click.option("--name", required=True, help='e.g. "UPT Disdukcapil Kecamatan Pujut".')
@_kind_option
@_kecamatan_option
@pass_state
def add_cmd(state: State, code: str, name: str, kind: str | None, kecamatan: str | None) -> None:
    """Register recording site CODE (admin), e.g. UPT-PUJUT."""
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import sites

    open_db(state)
    site = sites.save(cli_actor(state), {"code": code, "name": name, "kind": kind or "",
                                         "kecamatan_code": sites.kecamatan_of(kecamatan)})
    click.echo(t("cli.sites.saved", code=site.code, name=site.name))


@sites_group.command("edit")
@click.argument("code")
@click.option("--name", default=None)
@_kind_option
@_kecamatan_option
@click.option("--active/--inactive", default=None, help="Disable a site no longer used (its history stays).")
@pass_state
def edit_cmd(state: State, code: str, name: str | None, kind: str | None, kecamatan: str | None,
             active: bool | None) -> None:
    """Change a site's name, kind, kecamatan or whether it is active (admin)."""
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import sites

    open_db(state)
    current = sites.get(code)
    values = {"name": current.name if name is None else name, "kind": kind or current.kind,
              "kecamatan_code": current.kecamatan_code if kecamatan is None else sites.kecamatan_of(kecamatan),
              "active": current.active if active is None else active}
    site = sites.save(cli_actor(state), values, current.code)
    click.echo(t("cli.sites.saved", code=site.code, name=site.name))


@sites_group.command("place")
@click.argument("workstation")
@click.argument("site", required=False)
@pass_state
def place_cmd(state: State, workstation: str, site: str | None) -> None:
    """Place WORKSTATION at SITE (admin): its counter's recordings carry that site. Without SITE
    it records in the Dinas again."""
    from dukcapil_tui.i18n import t
    from dukcapil_tui.services import sites

    open_db(state)
    row = sites.place(cli_actor(state), workstation, site)
    click.echo(t("cli.sites.placed", workstation=row.code, site=row.site_code or sites.DEFAULT_SITE))
