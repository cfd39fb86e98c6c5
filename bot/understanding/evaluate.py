"""Score the understanding layer on its labelled corpora: `python -m bot.understanding.evaluate`.

Prints accuracy per language and per rule for dates/times and intents, the speed of `parse_when`
after warm-up, and the corpus items that raw dateparser gets wrong and the rule layer gets right.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import statistics
import sys
import time as _clock
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from bot.understanding.when import (
    When,
    parse_when,
    parse_with_dateparser,
    reaches_dateparser,
    warm_up,
)

logger = logging.getLogger(__name__)

CORPUS_DIR = Path(__file__).resolve().parents[2] / "tests" / "understanding"
DEFAULT_NOW = "2026-11-23T09:15:00+01:00"
DEFAULT_TIMEZONE = "Europe/Rome"


@dataclass(frozen=True)
class WhenCase:
    """One labelled message of the dates corpus."""

    text: str
    language: str
    rule: str
    now: datetime
    expect: When | None


def _as_date(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _as_time(value: Any) -> time | None:
    return None if value is None else time.fromisoformat(str(value))


def load_when_corpus(path: Path | None = None) -> list[WhenCase]:
    """The dates corpus (tests/understanding/when.yaml) as cases."""
    raw = yaml.safe_load((path or CORPUS_DIR / "when.yaml").read_text(encoding="utf-8"))
    cases: list[WhenCase] = []
    for item in raw:
        expect = item.get("expect")
        expected: When | None = None
        if expect is not None:
            window = expect.get("window")
            day = _as_date(expect["date"])
            assert day is not None
            expected = When(
                date=day,
                time=_as_time(expect.get("time")),
                window=(time.fromisoformat(window[0]), time.fromisoformat(window[1]))
                if window
                else None,
                previous=_as_date(expect.get("previous")),
                last=_as_date(expect.get("last")),
                past=bool(expect.get("past", False)),
            )
        cases.append(
            WhenCase(
                text=str(item["text"]),
                language=str(item["language"]),
                rule=str(item["rule"]),
                # `now` is read in the business timezone, so daylight saving applies to it.
                now=datetime.fromisoformat(str(item.get("now") or DEFAULT_NOW)).astimezone(
                    ZoneInfo(str(item.get("timezone") or DEFAULT_TIMEZONE))
                ),
                expect=expected,
            )
        )
    return cases


def same_when(got: When | None, expect: When | None) -> bool:
    """Exact agreement on what the corpus labels (date, time, window, previous)."""
    if got is None or expect is None:
        return got is expect
    return (got.date, got.time, got.window, got.previous, got.last, got.past) == (
        expect.date,
        expect.time,
        expect.window,
        expect.previous,
        expect.last,
        expect.past,
    )


def show(value: When | None) -> str:
    """A short human form of a reading: "2026-11-24 11:00", "2026-11-24 [12:00-18:00]"."""
    if value is None:
        return "nothing"
    out = value.date.isoformat()
    if value.time is not None:
        out += f" {value.time:%H:%M}"
    if value.window is not None:
        out += f" [{value.window[0]:%H:%M}-{value.window[1]:%H:%M}]"
    if value.previous is not None:
        out += f" (was {value.previous.isoformat()})"
    if value.last is not None:
        out += f" to {value.last.isoformat()}"
    if value.past:
        out += " (past)"
    return out


def _accuracy(
    rows: Iterable[tuple[str, str, bool]], title: str, out: Callable[[str], None]
) -> None:
    by_lang: dict[str, list[bool]] = defaultdict(list)
    by_rule: dict[str, list[bool]] = defaultdict(list)
    for language, rule, ok in rows:
        by_lang[language].append(ok)
        by_rule[rule].append(ok)
    out(f"== {title}")
    for language, oks in sorted(by_lang.items()):
        out(f"  {language}: {sum(oks)}/{len(oks)} = {100 * sum(oks) / len(oks):.1f}%")
    for rule, oks in sorted(by_rule.items()):
        out(f"    {rule:<18} {sum(oks):>3}/{len(oks):<3} {100 * sum(oks) / len(oks):5.1f}%")


def evaluate_dates(cases: list[WhenCase], out: Callable[[str], None], verbose: bool) -> None:
    rows = []
    for case in cases:
        got = parse_when(case.text, now=case.now, language=case.language)
        ok = same_when(got, case.expect)
        rows.append((case.language, case.rule, ok))
        if not ok and verbose:
            out(
                f"  MISS [{case.language}] {case.text!r}: got {show(got)}, want {show(case.expect)}"
            )
    _accuracy(rows, f"dates and times ({len(cases)} items, tests/understanding/when.yaml)", out)


def evaluate_intents(out: Callable[[str], None], verbose: bool) -> None:
    path = CORPUS_DIR / "intents.yaml"
    try:
        module = importlib.import_module("bot.understanding")
        parse_intent = module.parse_intent
    except (ImportError, AttributeError):
        out("== intents: skipped (bot.understanding.parse_intent is not there yet)")
        return
    if not path.exists():
        out("== intents: skipped (tests/understanding/intents.yaml is not there yet)")
        return
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    rows = []
    for item in items:
        got = parse_intent(str(item["text"]), language=str(item["language"]))
        expect = item.get("expect")
        if expect is None:
            ok = got is None
        else:
            want_time = _as_time(expect.get("time"))
            ok = (
                got is not None
                and str(got.kind) == str(expect["kind"])
                and got.ordinal == expect.get("ordinal")
                and got.time == want_time
                and got.language == expect.get("language")
            )
        rows.append((str(item["language"]), str(item.get("rule", "?")), ok))
        if not ok and verbose:
            out(f"  MISS [{item['language']}] {item['text']!r}: got {got}, want {expect}")
    _accuracy(rows, f"intents ({len(items)} items, tests/understanding/intents.yaml)", out)


def measure_speed(cases: list[WhenCase], out: Callable[[str], None], rounds: int) -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the target says
    started = _clock.perf_counter()
    warm_up()
    warm = _clock.perf_counter() - started
    timings: list[float] = []
    for _ in range(rounds):
        for case in cases:
            # A fresh text each time, so the normalisation caches do not flatter the figures.
            text = f"{case.text} "
            t0 = _clock.perf_counter()
            parse_when(text, now=case.now, language=case.language)
            timings.append(_clock.perf_counter() - t0)
            _reset_caches()
    timings.sort()
    p99 = timings[int(len(timings) * 0.99) - 1]
    out(f"== speed of parse_when ({len(timings)} calls after warm-up, one core)")
    out(f"  warm-up {warm * 1000:.0f} ms")
    out(f"  median {statistics.median(timings) * 1000:.3f} ms, p99 {p99 * 1000:.3f} ms")
    slow = sum(reaches_dateparser(case.text, now=case.now) for case in cases)
    out(f"  {slow} of {len(cases)} corpus items reach dateparser; the rest stay in the rule layer")


def _reset_caches() -> None:
    from bot.understanding import text, when

    text.normalize.cache_clear()
    when._tokens.cache_clear()


def what_the_layer_adds(cases: list[WhenCase], out: Callable[[str], None]) -> None:
    out("== what the layer adds (raw dateparser wrong, parse_when right)")
    count = 0
    for case in cases:
        mine = parse_when(case.text, now=case.now, language=case.language)
        if not same_when(mine, case.expect):
            continue
        raw = parse_with_dateparser(case.text, now=case.now)
        if same_when(raw, case.expect):
            continue
        count += 1
        out(f"  [{case.language}] {case.text!r}: dateparser {show(raw)}; layer {show(mine)}")
    out(f"  {count} of {len(cases)} items are right only thanks to the layer")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--misses", action="store_true", help="list every item read wrongly")
    parser.add_argument("--rounds", type=int, default=5, help="passes over the corpus for speed")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    def out(line: str) -> None:
        print(line)

    cases = load_when_corpus()
    measure_speed(cases, out, args.rounds)
    evaluate_dates(cases, out, args.misses)
    evaluate_intents(out, args.misses)
    what_the_layer_adds(cases, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
