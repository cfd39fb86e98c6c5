"""Every transcript in this folder is its own test; a failure prints the conversation's diff.

Files under `prefixes/` are pieces that transcripts include, not tests of their own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.replay import Outcome, TranscriptError, load_transcript, run_transcript

HERE = Path(__file__).parent


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix in (".yaml", ".yml") and file_path.parent == HERE:
        return TranscriptFile.from_parent(parent, path=file_path)
    return None


class TranscriptFailed(Exception):
    def __init__(self, report: str) -> None:
        super().__init__(report)
        self.report = report


class TranscriptFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        yield TranscriptItem.from_parent(self, name=self.path.stem)


class TranscriptItem(pytest.Item):
    def runtest(self) -> None:
        try:
            outcome: Outcome = asyncio.run(run_transcript(load_transcript(self.path)))
        except TranscriptError as exc:
            raise TranscriptFailed(str(exc)) from None
        if not outcome.passed:
            raise TranscriptFailed(outcome.report())

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, TranscriptFailed):
            return excinfo.value.report
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"transcript: {self.name}"
