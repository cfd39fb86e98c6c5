"""Memory per idle chat: the booking bot and the echo bot after many chats have come and gone.

    python bench/memory.py                       # 20,000 chats each: a few minutes
    python bench/memory.py --chats 100000        # the issue's 100,000 chats: about half an hour

Starts the same processes as bench/run.py (a Bot API stub per bot, the sandbox behind its relay,
`python -m bot run` on SQLite, the echo bot), then lets chats in by waves: every chat of a wave
opens a conversation at once (half type a booking request, half tap /start, in both languages)
and takes `--steps` steps, then goes quiet for good. After each wave it reads each process's
resident memory (VmRSS). Per idle chat is the growth from the first checkpoint (after a warm-up
wave, so imports, pools and caches are already in) to the last, over the chats let in between.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import tempfile
from pathlib import Path
from typing import Any

from driver import customers, run_load
from run import Bots, Process, started


def checkpoints(total: int, warmup: int, count: int) -> list[int]:
    """`count` chat totals, evenly spaced from `warmup` to `total`."""
    step = (total - warmup) / max(count - 1, 1)
    return sorted({warmup + round(step * i) for i in range(count)} | {total})


async def let_in(bots: Bots, which: str, first: int, count: int, wave: int, steps: int) -> int:
    """Let `count` new chats in, `wave` at a time; returns the timeouts."""
    stub = bots.echo_stub if which == "echo" else bots.bot_stub
    timeouts = 0
    done = 0
    while done < count:
        size = min(wave, count - done)
        people = customers(size, first + done, seed=first + done)
        result = await run_load(
            stub, people, steps, rate=None, echo=which == "echo", step_timeout=60
        )
        timeouts += result.timeouts
        # The stub remembers every message of every chat; the driver's memory is not measured,
        # but there is no need for it to grow either.
        for person in people:
            stub.screens.pop(person.chat_id, None)
            stub.messages.pop(person.chat_id, None)
        done += size
    return timeouts


async def bench(args: argparse.Namespace) -> dict[str, Any]:
    marks = checkpoints(args.chats, args.warmup, args.checkpoints)
    rows: dict[str, list[dict[str, Any]]] = {"bot": [], "echo": []}
    with tempfile.TemporaryDirectory(prefix="zimun-bench-memory-") as tmp:
        async with started("off", Path(tmp)) as bots:
            for which in ("bot", "echo"):
                proc: Process = bots.bot if which == "bot" else bots.echo
                seen = 0
                timeouts = 0
                first = 10_000_000 if which == "bot" else 50_000_000
                for mark in marks:
                    timeouts += await let_in(
                        bots, which, first + seen, mark - seen, args.wave, args.steps
                    )
                    seen = mark
                    await asyncio.sleep(args.settle)  # let timers and pools go quiet
                    proc.check_alive()
                    rss, peak = proc.memory_mb()
                    rows[which].append(
                        {"chats": seen, "rss_mb": rss, "peak_mb": peak, "timeouts": timeouts}
                    )
                    print(
                        f"  {which:4} {seen:>7} chats: RSS {rss:6.1f} MB (peak {peak:6.1f}), "
                        f"{timeouts} timeouts",
                        file=sys.stderr,
                        flush=True,
                    )
    summary: dict[str, Any] = {"steps_per_chat": args.steps, "bots": {}}
    for which, points in rows.items():
        first_point, last = points[0], points[-1]
        chats = last["chats"] - first_point["chats"]
        per_chat_kb = (last["rss_mb"] - first_point["rss_mb"]) * 1024 / chats if chats else 0.0
        summary["bots"][which] = {
            "points": points,
            "per_idle_chat_kb": per_chat_kb,
            "rss_mb": last["rss_mb"],
            "peak_mb": last["peak_mb"],
        }
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=20_000, help="chats in all (default 20000)")
    parser.add_argument(
        "--warmup", type=int, default=1_000, help="chats before the first checkpoint"
    )
    parser.add_argument("--checkpoints", type=int, default=5, help="RSS readings (default 5)")
    parser.add_argument("--wave", type=int, default=200, help="chats at once (default 200)")
    parser.add_argument("--steps", type=int, default=2, help="steps per chat (default 2)")
    parser.add_argument(
        "--settle", type=float, default=2.0, help="seconds of quiet before each reading"
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if not 0 < args.warmup < args.chats:
        parser.error("--warmup must be between 0 and --chats")
    print(
        f"# {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, {platform.platform()}",
        flush=True,
    )
    summary = asyncio.run(bench(args))
    print(f"{'bot':5} {'chats':>7} {'RSS MB':>7} {'peak MB':>8} {'KB per idle chat':>17}")
    for which, figures in summary["bots"].items():
        last = figures["points"][-1]
        print(
            f"{which:5} {last['chats']:>7} {last['rss_mb']:>7.1f} {last['peak_mb']:>8.1f} "
            f"{figures['per_idle_chat_kb']:>17.2f}"
        )
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
