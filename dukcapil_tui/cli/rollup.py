"""``dukcapil rollup``: the province's table from the recaps its offices exported."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("rollup")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the province's table into (an earlier file is never replaced).")
@click.option("--period", "period_text", metavar="YYYY-MM|DD-MM-YYYY",
              help="Refuse files of another period: a month, or the 'keadaan s.d.' day of capaian recaps.")
@click.option("--place", default="", help="Town of the signature line (default: the province's name).")
@click.option("--head-name", default="", help="Name of the head of the provincial Dinas, for the signature.")
@click.option("--head-nip", default="", help="NIP of the head of the provincial Dinas.")
def rollup(files: tuple[Path, ...], out_dir: Path, period_text: str | None, place: str, head_name: str,
           head_nip: str) -> None:
    """Combine the capaian recaps (or the blangko reports) of several kabupaten/kota into the
    province's table: one row per kabupaten/kota, a JUMLAH row. FILES are the .xlsx files the
    offices wrote with `dukcapil export capaian` or `dukcapil export blangko`, all of one kind,
    one province and one period. Needs no database and no login; prints the path written.
    See docs/reports.md.
    """
    from dukcapil_tui.i18n import t
    from dukcapil_tui.reports import rollup as rollups

    combined = rollups.combine(list(files), period_text)
    letter = rollups.letterhead(combined, place=place, head_name=head_name, head_nip=head_nip)
    path = rollups.write(combined, out_dir, letter=letter)
    click.echo(t("rollup.written", count=len(combined.recaps), path=path), err=True)
    click.echo(str(path))
