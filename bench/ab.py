"""Two versions of the bench, A and B, run alternately (A B A B ...), with medians per figure.

    python bench/ab.py --a /tmp/old-checkout --a-python /tmp/venv-old/bin/python \\
        --b . --pairs 4 -- --rounds 2              # everything after -- goes to bench/run.py

Each side is a checkout (its own bench/run.py, its own bot) and the Python that runs it, so a
change of the code, of the dependencies (another venv) or of the rig itself can be compared in
one invocation on a machine that others share. Prints, per configuration and bot, the median of
each side's figures over the pairs and the load average around each run.
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
    parser.add_argument("--a", type=Path, required=True, help="checkout A (before)")
    parser.add_argument("--a-python", default=sys.executable)
    parser.add_argument("--b", type=Path, required=True, help="checkout B (after)")
    parser.add_argument("--b-python", default=sys.executable)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write every run's summaries here")
    parser.add_argument("run_args", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    extra = [a for a in args.run_args if a != "--"]
    sides = {"A": (args.a.resolve(), args.a_python), "B": (args.b.resolve(), args.b_python)}
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
    print(f"{'shape':6} {'limiter':7} {'bot':5} side " + " ".join(f"{n:>18}" for n in FIGURES))
    for (shape, limiter, bot, side), values in sorted(figures.items()):
        cells = []
        for name in FIGURES:
            xs = values[name]
            cells.append(f"{statistics.median(xs):8.2f} [{min(xs):.1f}-{max(xs):.1f}]".rjust(18))
        print(f"{shape:6} {limiter:7} {bot:5} {side:4} " + " ".join(cells))
    if args.json:
        args.json.write_text(json.dumps(every, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
