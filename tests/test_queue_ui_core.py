"""The parts of the queue screens that run without a screen: the board command, the read
models (no Textual, like the core), and the block font of the ticket numbers."""

import subprocess
import sys

import pytest
from click.testing import CliRunner

from dukcapil_tui.cli import cli
from dukcapil_tui.cli.common import State


def test_board_without_a_database_exits_with_a_message():
    result = CliRunner().invoke(cli, ["board"], obj=State())
    assert result.exit_code == 2
    assert "Belum ada basis data" in result.output


def test_board_is_listed_in_the_help():
    assert "board" in CliRunner().invoke(cli, ["--help"], obj=State()).output


@pytest.mark.parametrize("module", ["dukcapil_tui.services.queue_views", "dukcapil_tui.screens.queue_text"])
def test_queue_read_models_import_without_textual(module):
    code = (
        f"import sys, importlib; importlib.import_module({module!r}); "
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')); "
        "assert not bad, bad"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_block_font_draws_every_prefix_letter_and_digit():
    from dukcapil_tui.widgets.bigtext import FONT, render_big

    assert all(len(glyph) == 5 and {len(row) for row in glyph} == {5}
               for ch, glyph in FONT.items() if ch != " ")
    big = render_big("H-012").splitlines()
    assert len(big) == 5 and {len(row) for row in big} == {5 * 5 + 4}
    assert render_big("A/1") is None  # no glyph: the widget falls back to plain text
