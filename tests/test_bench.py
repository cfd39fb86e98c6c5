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
    assert summaries.keys() == {"bot", "echo"}
    for summary in summaries.values():
        assert summary["steps"] == 20 and summary["timeouts"] == 0
        assert summary["api_calls_per_step"] > 0
    assert summaries["bot"]["bookings"] >= 1  # two typing customers, ten steps each
    assert summaries["bot"]["zimun_calls"] > 0
