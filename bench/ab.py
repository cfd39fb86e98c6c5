"""Versions of the bench run alternately (A B A B ..., or A B C A B C ...), medians per figure.

    python bench/ab.py --side /tmp/old-checkout:/tmp/venv-old/bin/python --side . \\
        --pairs 4 -- --rounds 2                    # everything after -- goes to bench/run.py

Each side is a checkout (its own bench/run.py, its own bot) and, after a colon, the Python that
runs it (default: this one), so a change of the code, of the dependencies (another venv) or of
the rig itself can be compared in one invocation on a machine that others share. Compare each
side with the one before it. Prints, per configuration and bot, the median (and range) of each
side's figures over the pairs, and the load average around the runs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

FIGURES = ("steps_per_s", "p50_ms", "p95_ms", "p99_ms", "cpu_ms_per_update", "rss_mb")


def run_once(root: Path, python: str, extra: list[str], out: Path) -> list[dict[str, Any]]:
    argv = [python, str(root / "bench" / "run.py"), "--json", str(out), *extra]
    subprocess.run(argv, cwd=root, check=True, stdout=subprocess.DEVNULL)
    return list(json.loads(out.read_text()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--side", action="append", required=True, help="CHECKOUT[:PYTHON], in order (repeat)"
    )
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write every run's summaries here")
    parser.add_argument("run_args", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    extra = [a for a in args.run_args if a != "--"]
    sides: dict[str, tuple[Path, str]] = {}
    for number, side in enumerate(args.side):
        root, _, python = side.partition(":")
        sides["ABCDEFGH"[number]] = (Path(root).resolve(), python or sys.executable)
        print(f"# {'ABCDEFGH'[number]}: {root} ({python or sys.executable})")
    figures: dict[tuple[str, str, str, str], dict[str, list[float]]] = {}
    loads: list[float] = []
    every: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-ab-") as tmp:
        for pair in range(args.pairs):
            for side, (root, python) in sides.items():
                load = os.getloadavg()[0]
                summaries = run_once(root, python, extra, Path(tmp) / f"{side}{pair}.json")
                loads.extend([load, os.getloadavg()[0]])
                for s in summaries:
                    key = (s["shape"], s["limiter"], s["bot"], side)
                    for name in FIGURES:
                        figures.setdefault(key, {}).setdefault(name, []).append(s[name])
                    every.append({"side": side, "pair": pair, "load": load, **s})
                print(f"pair {pair + 1} {side} done (load {load:.2f})", file=sys.stderr)
    print(f"# load average (1 min) around the runs: {min(loads):.2f}-{max(loads):.2f}")
    print(f"{'shape':6} {'limiter':7} {'bot':8} side " + " ".join(f"{n:>18}" for n in FIGURES))
    for (shape, limiter, bot, side), values in sorted(figures.items()):
        cells = []
        for name in FIGURES:
            xs = values[name]
            cells.append(f"{statistics.median(xs):8.2f} [{min(xs):.1f}-{max(xs):.1f}]".rjust(18))
        print(f"{shape:6} {limiter:7} {bot:8} {side:4} " + " ".join(cells))
    if args.json:
        args.json.write_text(json.dumps(every, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
