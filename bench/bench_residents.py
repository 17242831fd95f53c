"""Resident look-ups, searches and list pages at scale, through the services and the ORM.

    python bench/bench_residents.py [--residents 1000000] [--db PATH] [--queries 200] [--rebuild]

Builds the demo database with ``dukcapil demo --build-only`` under ``bench/out/`` (or reuses
it), then times each kind of query the TUI makes with varied inputs, and checks its query plan.
Budgets (DESIGN §4), held to the 95th percentile: NIK lookup and name-prefix search under
20 ms; any list page under 100 ms, a page deep in a list no slower than the first beyond
noise. Exits non-zero when a budget or a plan check fails.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import benchlib
from benchlib import Result

LOOKUP_MS = 20.0
LIST_MS = 100.0
BUILD_S = 90.0  # the target for building the 1 M demo (not a DESIGN budget)
NAME_INDEX = "resident_name"
KECAMATAN_INDEX = "resident_kecamatan_name"
DESA_INDEX = "resident_desa_name"
NIK_INDEX = "sqlite_autoindex_resident_2"  # the UNIQUE (nik) constraint's index


class Bench:
    def __init__(self, queries: int, seed: int = 7) -> None:
        from dukcapil_tui.db import database

        self.db = database
        self.queries = queries
        self.rng = random.Random(seed)
        self.max_id = database.execute_sql("SELECT max(id) FROM resident").fetchone()[0]
        self.kecamatan = [r[0] for r in database.execute_sql(
            "SELECT code FROM region WHERE level = 'kecamatan' ORDER BY code")]
        self.desa = [r[0] for r in database.execute_sql(
            "SELECT code FROM region WHERE level IN ('desa', 'kelurahan') ORDER BY code")]
        self.results: list[Result] = []

    # -- inputs ---------------------------------------------------------------------------------

    def random_residents(self, count: int) -> list[tuple]:
        """(id, nik, name, kecamatan_code, desa_code) of residents picked at random."""
        picked = []
        while len(picked) < count:
            row = self.db.execute_sql(
                "SELECT id, nik, name, kecamatan_code, desa_code FROM resident WHERE id >= ? LIMIT 1",
                (self.rng.randint(1, self.max_id),)).fetchone()
            if row:
                picked.append(row)
        return picked

    def deep_cursor(self, where: str, params: tuple, order: str, depth: float) -> tuple | None:
        """The cursor a user reaches after paging ``depth`` (0-1) of the way through a list."""
        total = self.db.execute_sql(f"SELECT count(*) FROM resident {where}", params).fetchone()[0]
        if total < 2:
            return None
        offset = min(total - 1, int(total * depth))
        columns = "nik" if order == "nik" else "name, id"
        row = self.db.execute_sql(
            f"SELECT {columns} FROM resident {where} ORDER BY {columns} LIMIT 1 OFFSET ?", (*params, offset)
        ).fetchone()
        return tuple(row)

    # -- measuring ------------------------------------------------------------------------------

    def measure(self, kind: str, calls: list[Callable[[], object]], budget_ms: float | None,
                index: str | None = None, note: str = "", sorts: bool = False) -> Result:
        """Time the calls; check that the first seeks ``index`` (and, unless ``sorts``, needs
        no sort)."""
        problems = self.plan_problems(calls[0], index, sorts) if index else []
        result = Result(kind, benchlib.timed(iter(calls), warmup=3), budget_ms, note, problems)
        self.results.append(result)
        return result

    @staticmethod
    def plan_problems(call: Callable[[], object], index: str, sorts: bool = False) -> list[str]:
        with benchlib.captured_sql() as statements:
            call()
        sql, params = statements[-1]
        return benchlib.plan_problems(benchlib.query_plan(sql, params), index, sorts)

    def measure_deep(self, kind: str, queries: list[tuple], index: str) -> Result:
        """Time pages deep in lists, each right after the first page of the same list, so that
        both meet the same machine: a deep page must cost about what the first does (keyset
        paging), not grow with its depth (OFFSET 900,000 costs tens of ms)."""
        queries = [(q, cursor) for q, cursor in queries if cursor]
        calls = [call for q, cursor in queries for call in self.search_calls([(q, None), (q, cursor)])]
        seconds = benchlib.timed(iter(calls), warmup=2)  # one pair of warm-up
        first, deep = seconds[0::2], seconds[1::2]
        first_ms = statistics.median(first) * 1000
        result = Result(kind, deep, LIST_MS, f"first pages alongside: median {first_ms:.2f} ms",
                        self.plan_problems(calls[1], index))
        if result.median_ms > 2 * first_ms + 1.0:
            result.problems.append(f"paging is not flat: median {result.median_ms:.2f} ms deep, "
                                   f"{first_ms:.2f} ms for the first pages")
        self.results.append(result)
        return result

    def search_calls(self, queries: Iterator[tuple]) -> list[Callable[[], object]]:
        from dukcapil_tui.services.residents import ResidentQuery, search

        def call(query, after):
            return lambda: search(query, after)

        return [call(ResidentQuery(*q), after) for q, after in queries]

    # -- the benchmarks -------------------------------------------------------------------------

    def run(self) -> None:
        from dukcapil_tui.services import residents

        n = self.queries
        sample = self.random_residents(n + 3)

        self.measure("NIK lookup (find_by_nik)",
                     [lambda nik=r[1]: residents.find_by_nik(nik) for r in sample], LOOKUP_MS, NIK_INDEX)
        self.measure("NIK search, 16 digits", self.search_calls(((r[1],), None) for r in sample),
                     LOOKUP_MS, NIK_INDEX)

        prefixes = [self._name_prefix(r[2]) for r in sample]
        self.measure("name prefix, first page", self.search_calls(((p,), None) for p in prefixes),
                     LOOKUP_MS, NAME_INDEX, "prefixes of 1-12 letters")
        deep = [(p, self.deep_cursor("WHERE name LIKE ?", (p + "%",), "name", 0.9)) for p in prefixes[:n // 4 + 3]]
        self.measure_deep("name prefix, page at 90%", [((p,), c) for p, c in deep], NAME_INDEX)

        self.measure("list all, first page", self.search_calls(((), None) for _ in range(n + 3)),
                     LIST_MS, NAME_INDEX)
        cursors = [self.deep_cursor("", (), "name", self.rng.uniform(0.5, 1.0)) for _ in range(min(n, 40) + 3)]
        self.measure_deep("list all, page at 50-100%", [((), c) for c in cursors], NAME_INDEX)

        kecamatan = [self.rng.choice(self.kecamatan) for _ in range(n + 3)]
        self.measure("kecamatan list, first page", self.search_calls((("", k), None) for k in kecamatan),
                     LIST_MS, KECAMATAN_INDEX)
        deep = [
            (k, self.deep_cursor("WHERE kecamatan_code = ?", (k,), "name", 0.9)) for k in kecamatan[: min(n, 40) + 3]
        ]
        self.measure_deep("kecamatan list, page at 90%", [(("", k), c) for k, c in deep], KECAMATAN_INDEX)
        self.measure("kecamatan + name prefix",
                     self.search_calls(((p, r[3]), None) for p, r in zip(prefixes, sample)),
                     LIST_MS, KECAMATAN_INDEX)

        desa = [self.rng.choice(self.desa) for _ in range(n + 3)]
        self.measure("desa list, first page", self.search_calls((("", None, d), None) for d in desa),
                     LIST_MS, DESA_INDEX)
        deep = [(d, self.deep_cursor("WHERE desa_code = ?", (d,), "name", 0.9)) for d in desa[:min(n, 40) + 3]]
        self.measure_deep("desa list, page at 90%", [(("", None, d), c) for d, c in deep], DESA_INDEX)
        self.measure("desa + name prefix",
                     self.search_calls(((p, None, r[4]), None) for p, r in zip(prefixes, sample)),
                     LIST_MS, DESA_INDEX)

        nik_prefixes = [r[1][:self.rng.choice((4, 6, 8, 10, 12))] for r in sample]
        self.measure("NIK prefix, first page", self.search_calls(((p,), None) for p in nik_prefixes),
                     LIST_MS, NIK_INDEX, "4-12 digits")
        deep = [
            (p, self.deep_cursor("WHERE nik LIKE ?", (p + "%",), "nik", 0.9)) for p in nik_prefixes[: min(n, 40) + 3]
        ]
        self.measure_deep("NIK prefix, page at 90%", [((p,), c) for p, c in deep], NIK_INDEX)
        # A NIK prefix within a kecamatan walks the NIK index and checks the kecamatan: cheap
        # when the NIK was issued where the resident lives (90 %), dearer the fewer of the
        # prefix's NIKs live in the kecamatan.
        self.measure("kecamatan + NIK prefix (own)",
                     self.search_calls(((r[1][:p], r[3]), None) for p, r in zip(self._lengths(n + 3), sample)),
                     LIST_MS, NIK_INDEX, "prefix of a resident's own NIK")
        self.measure("kecamatan + NIK prefix (other)",
                     self.search_calls(((r[1][:p], self.rng.choice(self.kecamatan)), None)
                                       for p, r in zip(self._lengths(n + 3), sample)),
                     LIST_MS, NIK_INDEX, "random kecamatan")
        self.measure("desa + NIK prefix",
                     self.search_calls(((r[1][:p], None, r[4]), None) for p, r in zip(self._lengths(n + 3), sample)),
                     LIST_MS, DESA_INDEX, "sorts one desa", sorts=True)

        today = date.today()
        self.measure("summary() (whole table)", [lambda: residents.summary(today) for _ in range(8)], None,
                     note="background worker in the TUI")

    def _name_prefix(self, name: str) -> str:
        return name[:self.rng.randint(1, min(12, len(name)))].lower()

    def _lengths(self, count: int) -> list[int]:
        return [self.rng.choice((4, 6, 8, 10, 12)) for _ in range(count)]


NATIONAL_NAMES_MS = 100  # decompress and index the national list's 7,837 upper-level names


def startup(db_path: Path) -> list[Result]:
    """Start-up pieces outside the TUI, each in a fresh interpreter."""
    pieces = {  # kind: (set-up, not timed; timed code)
        "start: import dukcapil_tui.cli": ("", "import dukcapil_tui.cli"),
        "start: open db + regions + page": ("", (
            "from dukcapil_tui import db; from dukcapil_tui.services import regions, residents; "
            f"db.open_database({str(db_path)!r}); regions.index(); "
            "residents.search(residents.ResidentQuery())"
        )),
        # Other regencies' names are read on first need only (the start above must not read them).
        "NIK of another regency named (1st)": (
            "from dukcapil_tui.services import regions",
            "assert regions.describe_kecamatan('36.73.06', None) == 'Kec. Taktakan, Kota Serang, Provinsi Banten'",
        ),
    }
    check = ("from dukcapil_tui import wilayah; "
             "assert wilayah.upper.cache_info().currsize == 0, 'start read the national list'")
    subprocess.run([sys.executable, "-c", f"{pieces['start: open db + regions + page'][1]}; {check}"], check=True)
    results = []
    for kind, (setup, code) in pieces.items():
        timer = (f"import time; {setup + '; ' if setup else ''}"
                 f"t = time.perf_counter(); {code}; print(time.perf_counter() - t)")
        seconds = [float(subprocess.run([sys.executable, "-c", timer], check=True, capture_output=True,
                                        text=True).stdout) for _ in range(7)]
        national = kind.startswith("NIK of another")
        results.append(Result(kind, seconds[2:], NATIONAL_NAMES_MS if national else None, held_to="median",
                              note="read once per process, then cached" if national else "fresh interpreter"))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--residents", type=int, default=1_000_000, help="demo size (default 1,000,000)")
    parser.add_argument("--db", type=Path, help="demo database to use (built when missing)")
    parser.add_argument("--queries", type=int, default=200, help="timed queries per kind (default 200)")
    parser.add_argument("--rebuild", action="store_true", help="build the demo database again")
    args = parser.parse_args()

    print(benchlib.machine())
    path, built = benchlib.demo_db(args.residents, args.db, rebuild=args.rebuild)
    from dukcapil_tui import db as dbmod

    dbmod.open_database(path)
    count = dbmod.database.execute_sql("SELECT count(*) FROM resident").fetchone()[0]
    print(f"{path}: {count:,} residents, {path.stat().st_size / 1e6:,.0f} MB")
    bench = Bench(args.queries)
    bench.run()
    results = bench.results
    if built is not None:
        budget = BUILD_S * 1000 * count / 1_000_000
        results.insert(0, Result(f"build demo ({count:,})", [built], budget, note="dukcapil demo --build-only"))
    dbmod.database.close()
    results += startup(path)
    print()
    return 0 if benchlib.print_table(results) else 1


if __name__ == "__main__":
    sys.exit(main())
