"""Telegram booking assistant for businesses that schedule with Zimun."""

import sys

__version__ = "0.1.0"

# httpx's package imports its command-line client (`httpx._main`) when it can, and with click
# installed (uvicorn brings it) that costs about 3.5 MB of resident memory, more with Pygments and
# Rich, for a CLI the bot never runs (issue 11, memory). A None entry makes that import fail,
# so httpx falls back to its own stub `main`; nothing else of httpx changes.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
