"""`python -m bench` (make bench) / `python -m bench --quick` (make bench-quick, ~2 minutes once
the stores are cached): runs the scenarios of issue 5, prints a table (scenario, figure, target,
met) and writes bench/results/latest.json.

Every target is a ratio measured side by side in the same run: absolute times on a shared
2-core machine are noise. Synthetic stores are built once and cached under bench/results/stores
(1M claims: a few minutes on SQLite, longer on PostgreSQL).
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback

from . import b1_city_state, b2_world_state, b3_ingest, b4_live, b4_replay, b5_naive
from . import b6_casualties, b7_extract, b8_areas
from .common import PG_DEFAULT, RESULTS, Results, ensure_store, log, machine

FULL = {"sizes": (10_000, 100_000, 1_000_000), "b1_points": 2000, "b1_http": 15, "b2": 18,
        "b3": 20, "b5_naive": 10, "pg_sizes": (10_000, 1_000_000)}
QUICK = {"sizes": (10_000, 100_000), "b1_points": 500, "b1_http": 5, "b2": 6, "b3": 6,
         "b5_naive": 3, "pg_sizes": (10_000, 100_000)}


def main() -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smaller stores, shorter runs")
    ap.add_argument("--only", default="B1,B2,B3,B4,B5,B6,B7,B8,PG",
                    help="comma-separated scenarios to run (default all: B1,B2,B3,B4,B5,B6,B7,B8,PG)")
    ap.add_argument("--postgres", default=PG_DEFAULT,
                    help=f"PostgreSQL URL for the PG rows (default {PG_DEFAULT}); 'off' skips")
    args = ap.parse_args()
    cfg = QUICK if args.quick else FULL
    only = {s.strip().upper() for s in args.only.split(",")}
    started = time.time()
    results = Results()
    sizes = cfg["sizes"]
    small, mid, large = sizes[0], sizes[-2] if len(sizes) > 2 else sizes[0], sizes[-1]

    def step(name: str, fn) -> None:
        if name.split()[0] not in only:
            return
        try:
            fn()
        except Exception as e:  # one failed scenario must not hide the others' figures
            traceback.print_exc()
            results.add(f"{name}: failed", f"{type(e).__name__}: {e}"[:120], "runs", False)

    urls: dict[int, str] = {}

    def stores() -> None:
        for n in sizes:
            urls[n] = ensure_store("sqlite", n)

    if only & {"B1", "B2", "B4", "B5", "B8"}:  # the scenarios that read the synthetic stores
        stores()
    step("B1 sqlite", lambda: b1_city_state.run(
        results, {small: urls[small], large: urls[large]}, cfg["b1_points"], cfg["b1_http"]))
    step("B2 sqlite", lambda: b2_world_state.run(results, urls[large], large, cfg["b2"]))
    step("B3 sqlite", lambda: b3_ingest.run(results, cfg["b3"]))
    step("B4 sqlite", lambda: b4_replay.run(
        results, {mid if mid != large else small: urls[mid if mid != large else small],
                  large: urls[large]}))
    step("B4 sqlite", lambda: b4_live.run(results, urls[large], large))  # replay while writing
    b5_size = 100_000 if 100_000 in urls else large
    step("B5", lambda: b5_naive.run(results, urls[b5_size], b5_size, cfg["b5_naive"]))
    # B6: its own stores (tolls), 10k vs the largest size
    step("B6 sqlite", lambda: b6_casualties.run(results, (small, large), 200 if args.quick else 500))
    step("B7 extract", lambda: b7_extract.run(results))
    step("B8 sqlite", lambda: b8_areas.run(results, urls[large], large, cfg["b2"]))
    if args.postgres != "off" and "PG" in only:
        def pg() -> None:
            pg_urls = {n: ensure_store("postgres", n, args.postgres) for n in cfg["pg_sizes"]}
            b1_city_state.run(results, pg_urls, cfg["b1_points"] // 2, cfg["b1_http"],
                              backend="postgres", workers=4)
            large_pg = max(cfg["pg_sizes"])
            b2_world_state.run(results, pg_urls[large_pg], large_pg, cfg["b2"], backend="postgres")
            b3_ingest.run(results, cfg["b3"], backend="postgres", workers=4, pg=args.postgres)
            # on a clone of the store's database: its writes leave the cached store as it was
            b4_live.run(results, pg_urls[large_pg], large_pg, backend="postgres")
        step("PG postgres", pg)

    info = {"machine": machine(), "quick": args.quick, "seconds": round(time.time() - started)}
    print()
    print(f"bench ({'quick' if args.quick else 'full'}) on {info['machine']['cpu']} "
          f"({info['machine']['cores']} cores, {info['machine']['memory']}), Python "
          f"{info['machine']['python']}, SQLite {info['machine']['sqlite']}; "
          f"{info['seconds']} s")
    print(results.table())
    out = RESULTS / "latest.json"
    results.write(out, info)
    log(f"written {out}")
    return 0 if all(r["met"] is not False for r in results.rows) else 1


if __name__ == "__main__":
    sys.exit(main())
