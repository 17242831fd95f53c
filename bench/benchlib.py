"""Shared pieces of the benchmarks: locations, the demo database at scale, timing, plans, tables.

Not a test suite: the benchmarks build or reuse databases of up to a million residents under
``bench/out/`` (git-ignored) and take minutes, so they stay out of ``tests/``.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
# Large fixtures (demo databases, listings) are built once and kept here: DUKCAPIL_BENCH_OUT
# (e.g. a folder under /tmp) or bench/out (git-ignored).
OUT_DIR = Path(os.environ.get("DUKCAPIL_BENCH_OUT") or BENCH_DIR / "out")
REPO = BENCH_DIR.parent
SEED = 20261122
# The benchmarks' own data folder (their workstation enrolments and keys included), never the user's.
os.environ.setdefault("DUKCAPIL_HOME", str(OUT_DIR / "home"))


def default_demo_path(residents: int) -> Path:
    return OUT_DIR / f"residents_{residents}.sqlite3"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import sqlite3

    return (f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}, {platform.system()} {platform.release()}")


def demo_db(residents: int, path: Path | None, rebuild: bool = False) -> tuple[Path, float | None]:
    """The demo database with ``residents`` residents, built with the real command
    (``dukcapil demo --build-only``) when missing. Returns its path and the build time, if built."""
    from dukcapil_tui.demo.builder import demo_is_current

    path = Path(path) if path else default_demo_path(residents)
    if not rebuild and demo_is_current(path):
        return path, None
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"building {path} with {residents:,} residents (dukcapil demo --build-only) ...", flush=True)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "dukcapil_tui", "--db", str(path), "demo", "--build-only", "--fresh",
         "--residents", str(residents), "--seed", str(SEED)],
        check=True, stdout=subprocess.DEVNULL,
    )
    return path, time.perf_counter() - started


# --- measuring ------------------------------------------------------------------------------

@dataclass
class Result:
    kind: str
    seconds: list[float]
    budget_ms: float | None = None  # held to the 95th percentile (or to the median, see held_to)
    note: str = ""
    problems: list[str] = field(default_factory=list)
    held_to: str = "p95"  # "median" for whole runs repeated a few times (imports, builds)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000

    @property
    def max_ms(self) -> float:
        return max(self.seconds) * 1000

    @property
    def ok(self) -> bool:
        measured = self.median_ms if self.held_to == "median" else self.p95_ms
        return not self.problems and (self.budget_ms is None or measured < self.budget_ms)


def timed(calls: Iterator[Callable[[], object]], warmup: int = 3) -> list[float]:
    """Time each call; the first ``warmup`` are run but not counted (cold caches)."""
    seconds = []
    for number, call in enumerate(calls):
        started = time.perf_counter()
        call()
        elapsed = time.perf_counter() - started
        if number >= warmup:
            seconds.append(elapsed)
    return seconds


def print_table(results: list[Result]) -> bool:
    """Print the results; True when every budget holds."""
    header = f"{'measure':<34} {'n':>5} {'median':>10} {'p95':>10} {'max':>10} {'budget':>10}  ok"
    print(header)
    print("-" * len(header))
    for r in results:
        budget = _ms(r.budget_ms, 0) if r.budget_ms is not None else "-"
        print(f"{r.kind:<34} {len(r.seconds):>5} {_ms(r.median_ms):>10} {_ms(r.p95_ms):>10} "
              f"{_ms(r.max_ms):>10} {budget:>10}  {'yes' if r.ok else 'NO'}"
              + (f"  {r.note}" if r.note else ""))
        for problem in r.problems:
            print(f"    ! {problem}")
    return all(r.ok for r in results)


def _ms(value: float, decimals: int = 2) -> str:
    return f"{value:,.{decimals}f} ms" if value < 1000 else f"{value / 1000:,.{decimals}f} s"


# --- query plans ----------------------------------------------------------------------------

@contextmanager
def captured_sql() -> Iterator[list[tuple[str, tuple]]]:
    """Collect the SQL (and parameters) the ORM sends while the block runs."""
    from dukcapil_tui.db import database

    statements: list[tuple[str, tuple]] = []
    db = database.obj
    original = db.execute_sql

    def capture(sql, params=None, *args, **kwargs):
        statements.append((sql, tuple(params or ())))
        return original(sql, params, *args, **kwargs)

    db.execute_sql = capture
    try:
        yield statements
    finally:
        del db.execute_sql  # back to the class's method


def query_plan(sql: str, params: tuple) -> list[str]:
    from dukcapil_tui.db import database

    return [row[3] for row in database.obj.connection().execute("EXPLAIN QUERY PLAN " + sql, params)]


def plan_problems(plan: list[str], index: str, sorts: bool = False) -> list[str]:
    """What is wrong with a plan that should seek ``index`` (and, unless ``sorts``, need no sort)."""
    problems = []
    if not any(f"INDEX {index} " in step or step.endswith(f"INDEX {index}") for step in plan):
        problems.append(f"plan does not use {index}: {plan}")
    if not sorts and any("TEMP B-TREE" in step for step in plan):
        problems.append(f"plan sorts: {plan}")
    return problems
