"""Start-up: the TUI to its login screen, side by side with a bare Textual app.

    python bench/bench_start.py [--residents 1000000] [--db PATH] [--runs 15]

Each measure is a fresh interpreter, timed from outside (spawn to exit): ``DukcapilApp`` on
the demo database runs headless until its login screen is on top, then exits; the floor is a
bare ``textual.app.App`` with one label, run the same way until it is mounted. The two
alternate, so both meet the same machine; the first two runs of each only warm the disk
cache. The project's modules are byte-compiled first, as an installed package is (with
PYTHONDONTWRITEBYTECODE set, an editable checkout would otherwise compile every module in every
run, which Textual's installed modules never do: 60 ms more on the app's side). Budget
(issue 14): the app within 1.5x the bare app. Exits non-zero when missed.
"""

from __future__ import annotations

import argparse
import compileall
import statistics
import subprocess
import sys
import time
from pathlib import Path

import benchlib
from benchlib import Result

RATIO = 1.5

APP = """
import sys
from dukcapil_tui.app import DukcapilApp
from dukcapil_tui.screens.login import LoginScreen

async def pilot(p):
    while not isinstance(p.app.screen, LoginScreen):
        await p.pause(0.005)
    p.app.exit()

DukcapilApp(sys.argv[1]).run(headless=True, size=(120, 40), auto_pilot=pilot)
"""

BARE = """
from textual.app import App
from textual.widgets import Label

class Bare(App):
    def compose(self):
        yield Label("login")

async def pilot(p):
    await p.pause(0)
    p.app.exit()

Bare().run(headless=True, size=(120, 40), auto_pilot=pilot)
"""


def spawn(code: str, *args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *args], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--db", default=None)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    print(benchlib.machine())
    path, _ = benchlib.demo_db(args.residents, args.db)
    import dukcapil_tui

    compileall.compile_dir(Path(dukcapil_tui.__file__).parent, quiet=1)
    app, bare = [], []
    for number in range(args.runs + 2):
        a, b = spawn(APP, str(path)), spawn(BARE)
        if number >= 2:
            app.append(a)
            bare.append(b)
    ratio = statistics.median(app) / statistics.median(bare)
    results = [
        Result("bare Textual app, start to mounted", bare, None, held_to="median", note="the floor"),
        Result("dukcapil TUI, start to login screen", app, RATIO * statistics.median(bare) * 1000, held_to="median",
               note=f"{ratio:.2f}x the bare app (budget {RATIO}x)"),
    ]
    print()
    return 0 if benchlib.print_table(results) else 1


if __name__ == "__main__":
    sys.exit(main())
