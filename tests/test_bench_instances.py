"""The several-instances benchmark still runs: two customers, a few steps, one instance on SQLite
and one on the test PostgreSQL (no timings asserted)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.timeout(150)
def test_the_instances_benchmark_completes_on_both_backends(postgres_server_url: str) -> None:
    command = [sys.executable, str(ROOT / "bench" / "instances.py"), "--customers", "2"]
    command += ["--steps", "4", "--warmup", "0", "--configs", "sqlite1,pg1"]
    env = {**os.environ, "BENCH_DATABASE_URL": postgres_server_url}
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    rows = {line.split()[0]: line.split() for line in done.stdout.splitlines()[2:]}
    assert rows.keys() == {"sqlite1", "pg1"}
    for row in rows.values():
        assert row[3] == "8" and row[-1] == "0"  # every update answered, no timeouts
