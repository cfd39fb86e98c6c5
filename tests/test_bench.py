"""The load benchmark still runs: two customers, a few steps, both bots (no timings asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.timeout(150)
def test_the_benchmark_driver_completes_and_counts_bookings(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    command = [sys.executable, str(ROOT / "bench" / "run.py"), "--customers", "2", "--steps", "10"]
    command += ["--rounds", "1", "--warmup", "0", "--limiter", "off", "--json", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    summaries = {s["bot"]: s for s in json.loads(out.read_text())}
    assert summaries.keys() == {"bot", "echo", "echo-aio"}
    for summary in summaries.values():
        assert summary["steps"] == 20 and summary["timeouts"] == 0
        assert summary["api_calls_per_step"] > 0
    assert summaries["bot"]["bookings"] >= 1  # two typing customers, ten steps each
    assert summaries["bot"]["zimun_calls"] > 0


@pytest.mark.timeout(150)
def test_the_memory_benchmark_lets_chats_in_and_reads_both_processes(tmp_path: Path) -> None:
    out = tmp_path / "memory.json"
    command = [sys.executable, str(ROOT / "bench" / "memory.py"), "--chats", "24", "--warmup", "8"]
    command += ["--checkpoints", "2", "--wave", "8", "--settle", "0", "--json", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    bots = json.loads(out.read_text())["bots"]
    assert bots.keys() == {"bot", "echo"}
    for figures in bots.values():
        assert [p["chats"] for p in figures["points"]] == [8, 24]
        assert all(p["rss_mb"] > 10 for p in figures["points"])
        assert figures["points"][-1]["timeouts"] == 0
        assert "per_idle_chat_kb" in figures
