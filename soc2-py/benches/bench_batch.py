"""Adding 100,000 small evidence records through the batch API: Python against Rust.

Builds the Rust side (``soc2-py/benches/batch.rs``) and runs it and the Python side
alternately, round after round, so that both are measured under the same load on a
shared machine, then prints the medians and their ratio as a Markdown table (the
BENCHMARKS.md section). Both sides build the same records (those of soc2-core's ``ledger``
benchmark) and add them to a fresh locker with one batch call: ``Locker::append_batch``
in Rust, ``soc2.Locker.add_batch`` in Python.

    python soc2-py/benches/bench_batch.py [--records 100000] [--rounds 7] [--distinct-times]

With ``--distinct-times`` each record is observed one second after the one before (each
side then converts 100,000 different times); without, all share one time, as in
soc2-core's ``ledger`` benchmark.

Needs the ``soc2`` package installed (``pip install ./soc2-py``) and cargo.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Dict, List

import soc2

ROOT = Path(__file__).resolve().parents[2]
T = datetime(2026, 3, 28, 14, 5, tzinfo=timezone.utc)
BODY = "a small piece of evidence for the benchmark"


def rust_binary() -> str:
    """Builds the Rust side (release) and returns the executable's path."""
    out = subprocess.run(
        ["cargo", "bench", "-p", "soc2-py", "--bench", "batch", "--no-run", "--message-format=json"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    for line in out.stdout.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg.get("executable"):
            if msg["target"]["name"] == "batch":
                return str(msg["executable"])
    raise SystemExit("cargo did not report the batch benchmark's executable")


def rust_round(binary: str, records: int, distinct: bool) -> Dict[str, float]:
    """One Rust round, in its own process: build the records, then add them."""
    cmd = [binary, "--records", str(records), "--rounds", "1"]
    if distinct:
        cmd.append("--distinct-times")
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    result: Dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def python_round(records: int, distinct: bool) -> Dict[str, float]:
    """One Python round: build the same records as ``soc2.Evidence`` objects, then add
    them with one ``add_batch``."""
    with tempfile.TemporaryDirectory() as d:
        locker = soc2.Locker.init(Path(d) / "locker", "bench.example/soc2")
        collector = soc2.ToolCollector(name="soc2-bench", version="0.1.0")
        start = time.perf_counter()
        times = [T + timedelta(seconds=i) for i in range(records)] if distinct else [T] * records
        evidence = [
            soc2.Evidence(
                controls=["AC-1"],
                observed_at=times[i],
                collected_at=times[i],
                collector=collector,
                source="bench",
                payload=soc2.Note(title=f"note {i}", body=BODY),
            )
            for i in range(records)
        ]
        build = time.perf_counter() - start
        start = time.perf_counter()
        appended = locker.add_batch(evidence)
        add = time.perf_counter() - start
        assert len(appended) == records and len(locker) == records
        return {"records": records, "build_s": build, "add_s": add}


def main(argv: List[str]) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--distinct-times", action="store_true")
    args = ap.parse_args(argv)

    binary = rust_binary()
    rust: List[Dict[str, float]] = []
    python: List[Dict[str, float]] = []
    for i in range(args.rounds):
        # Alternate which side goes first, so neither always runs on a warmer disk cache.
        order = [("rust", rust), ("python", python)]
        if i % 2:
            order.reverse()
        for side, results in order:
            if side == "rust":
                r = rust_round(binary, args.records, args.distinct_times)
            else:
                r = python_round(args.records, args.distinct_times)
            results.append(r)
            print(f"round {i + 1} {side:6}: build {r['build_s']:.3f} s, add {r['add_s']:.3f} s", file=sys.stderr)

    def med(results: List[Dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in results)

    def total(results: List[Dict[str, float]]) -> float:
        return statistics.median(r["build_s"] + r["add_s"] for r in results)

    add_ratio = med(python, "add_s") / med(rust, "add_s")
    total_ratio = total(python) / total(rust)
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    n = f"{args.records:,}"
    shape = "distinct observation times" if args.distinct_times else "one shared time"
    print(f"Python {platform.python_version()} ({platform.python_implementation()}), soc2 {soc2.__version__}, "
          f"{args.rounds} alternating rounds, records with {shape}, "
          f"load average {load[0]:.1f} at the end.\n")
    print("| what | Rust | Python | Python / Rust |")
    print("| --- | --- | --- | --- |")
    print(f"| add {n} records in one batch call (`append_batch` / `add_batch`) | "
          f"{med(rust, 'add_s') * 1000:.0f} ms | {med(python, 'add_s') * 1000:.0f} ms | **{add_ratio:.2f}×** |")
    print(f"| build the {n} records (`Evidence` values / `soc2.Evidence` objects) | "
          f"{med(rust, 'build_s') * 1000:.0f} ms | {med(python, 'build_s') * 1000:.0f} ms | "
          f"{med(python, 'build_s') / med(rust, 'build_s'):.1f}× |")
    print(f"| both | {total(rust) * 1000:.0f} ms | {total(python) * 1000:.0f} ms | {total_ratio:.2f}× |")


if __name__ == "__main__":
    main(sys.argv[1:])
