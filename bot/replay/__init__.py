"""Conversation transcripts: a YAML format, its loader, a runner with a readable diff, a recorder.

`python -m bot replay PATH...` plays transcripts; `python -m bot chat --record FILE` writes one.
"""

from bot.replay.format import Transcript, TranscriptError
from bot.replay.loader import load_transcript
from bot.replay.recorder import Recorder
from bot.replay.runner import Outcome, rewrite_transcript, run_paths, run_transcript

__all__ = [
    "Outcome",
    "Recorder",
    "Transcript",
    "TranscriptError",
    "load_transcript",
    "rewrite_transcript",
    "run_paths",
    "run_transcript",
]
