"""Large type for ticket numbers, readable across a waiting room.

A 5-row block font for A–Z, 0–9 and '-'. Textual's ``Digits`` draws only 0–9 and A–F, and
service prefixes run A … H and beyond, so it cannot show G-012. Text with any other
character falls back to plain bold text.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

_GLYPHS = """
A .###. #...# ##### #...# #...#
B ####. #...# ####. #...# ####.
C .#### #.... #.... #.... .####
D ####. #...# #...# #...# ####.
E ##### #.... ####. #.... #####
F ##### #.... ####. #.... #....
G .#### #.... #..## #...# .####
H #...# #...# ##### #...# #...#
I ##### ..#.. ..#.. ..#.. #####
J ##### ...#. ...#. #..#. .##..
K #...# #..#. ###.. #..#. #...#
L #.... #.... #.... #.... #####
M #...# ##.## #.#.# #...# #...#
N #...# ##..# #.#.# #..## #...#
O .###. #...# #...# #...# .###.
P ####. #...# ####. #.... #....
Q .###. #...# #.#.# #..#. .##.#
R ####. #...# ####. #..#. #...#
S .#### #.... .###. ....# ####.
T ##### ..#.. ..#.. ..#.. ..#..
U #...# #...# #...# #...# .###.
V #...# #...# #...# .#.#. ..#..
W #...# #...# #.#.# ##.## #...#
X #...# .#.#. ..#.. .#.#. #...#
Y #...# .#.#. ..#.. ..#.. ..#..
Z ##### ...#. ..#.. .#... #####
0 .###. #..## #.#.# ##..# .###.
1 ..#.. .##.. ..#.. ..#.. .###.
2 .###. #...# ..##. .#... #####
3 ####. ....# .###. ....# ####.
4 #...# #...# ##### ....# ....#
5 ##### #.... ####. ....# ####.
6 .###. #.... ####. #...# .###.
7 ##### ....# ...#. ..#.. ..#..
8 .###. #...# .###. #...# .###.
9 .###. #...# .#### ....# .###.
- ..... ..... .###. ..... .....
"""

FONT: dict[str, list[str]] = {
    line[0]: [row.replace("#", "█").replace(".", " ") for row in line[2:].split()]
    for line in _GLYPHS.strip().splitlines()
}
FONT[" "] = ["   "] * 5
HEIGHT = 5


def render_big(text: str) -> str | None:
    """The text in block letters (5 lines), or None when a character has no glyph."""
    text = text.upper()
    if not text or any(ch not in FONT for ch in text):
        return None
    rows = [" ".join(FONT[ch][i] for ch in text) for i in range(HEIGHT)]
    return "\n".join(rows)


class BigText(Static):
    """A ticket label in block letters; ``text`` keeps the plain value."""

    DEFAULT_CSS = """
    BigText { height: 5; width: auto; text-style: bold; }
    """

    def __init__(self, text: str = "", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes, markup=False)
        self.text = ""
        self.set_text(text)

    def set_text(self, text: str) -> None:
        self.text = text
        big = render_big(text)
        self.update(Text(big if big is not None else text))
