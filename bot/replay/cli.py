"""`python -m bot replay PATH...`: play transcripts, print the first difference of each failure."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from bot.replay.format import TranscriptError
from bot.replay.loader import load_transcript
from bot.replay.runner import rewrite_transcript, run_transcript


def transcript_paths(arguments: Sequence[str]) -> list[Path]:
    """Files as given; a folder means the transcripts directly inside it (not its prefixes)."""
    paths: list[Path] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            paths += sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml"))
        else:
            paths.append(path)
    return paths


async def replay(
    arguments: Sequence[str],
    *,
    update: bool = False,
    show: bool = False,
    out: TextIO = sys.stdout,
) -> int:
    """0 when every transcript passes, 1 otherwise (2 when no transcript was named)."""
    paths = transcript_paths(arguments)
    if not paths:
        print("no transcripts found", file=out)
        return 2
    failed = 0
    for path in paths:
        try:
            transcript = load_transcript(path)
            if update:
                path.write_text(await rewrite_transcript(transcript), encoding="utf-8")
                print(f"{path}: rewritten with the bot's current replies", file=out)
                continue
            outcome = await run_transcript(transcript)
        except TranscriptError as exc:
            failed += 1
            print(f"ERROR {exc}", file=out)
            continue
        if outcome.passed:
            print(f"ok    {path}", file=out)
            if show:
                print("\n".join("      " + line for line in outcome.conversation), file=out)
        else:
            failed += 1
            print(f"FAIL  {path}", file=out)
            print(outcome.report(), file=out)
            print(file=out)
    print(f"{len(paths) - failed} passed, {failed} failed", file=out)
    return 1 if failed else 0


def main(arguments: Sequence[str], *, update: bool = False, show: bool = False) -> int:
    return asyncio.run(replay(arguments, update=update, show=show))
