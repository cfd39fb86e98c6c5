"""The transcript example in README.md is a real transcript, and it passes."""

from __future__ import annotations

import re
from pathlib import Path

from bot.replay import load_transcript, run_transcript

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_example() -> str:
    section = README.read_text(encoding="utf-8").split("## Conversation transcripts", 1)[1]
    found = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert found, "README.md's 'Conversation transcripts' section has no yaml example"
    return found.group(1)


async def test_the_readme_example_runs_and_passes(tmp_path: Path) -> None:
    path = tmp_path / "readme.yaml"
    path.write_text(readme_example(), encoding="utf-8")

    outcome = await run_transcript(load_transcript(path))

    assert outcome.passed, outcome.report()
