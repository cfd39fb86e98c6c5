"""The runner against the real engine and sandbox: each way a conversation can go wrong is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.replay import TranscriptError, load_transcript, run_transcript

HEADER = """\
title: runner
now: 2026-11-23T09:00:00+01:00
customer: {id: 1, first_name: Mario, last_name: Rossi, language_code: it}
"""
HOLD = """\
  - user: vorrei un taglio domani alle 11
  - bot: {contains: "Ti tengo da parte martedì 24 novembre alle 11:00"}
"""


async def outcome_of(tmp_path: Path, body: str) -> str:
    path = tmp_path / "t.yaml"
    path.write_text(HEADER + body, encoding="utf-8")
    outcome = await run_transcript(load_transcript(path))
    assert not outcome.passed
    return outcome.report()


async def test_a_held_time_another_customer_cannot_take_is_reported_as_such(
    tmp_path: Path,
) -> None:
    report = await outcome_of(
        tmp_path,
        "sandbox: {staff: 1}\nsteps:\n"
        + HOLD
        + "  - sandbox: {book: '2026-11-24T11:00+01:00', service: s_taglio}\n",
    )
    assert "step 3 (line 8): the sandbox action failed" in report
    assert "+ (Zimun answered: SlotUnavailable(" in report


async def test_a_reply_the_transcript_does_not_expect_fails(tmp_path: Path) -> None:
    report = await outcome_of(tmp_path, "steps:\n  - command: /help\n  - command: /help\n")
    assert "step 2 (line 6): the bot said more than the transcript expects" in report
    assert "- (no reply)" in report
    assert "+ bot: Ecco cosa posso fare:" in report


async def test_an_expected_reply_that_never_comes_fails(tmp_path: Path) -> None:
    report = await outcome_of(tmp_path, "steps:\n" + HOLD + "  - bot: Un'altra risposta\n")
    assert "step 3 (line 7): the bot said nothing more" in report
    assert "+ (no reply)" in report


async def test_pressing_a_button_that_was_never_offered_fails(tmp_path: Path) -> None:
    report = await outcome_of(tmp_path, "steps:\n" + HOLD + "  - press: Colore\n")
    assert "no button labelled 'Colore' was offered" in report
    assert "[Mario Rossi]" in report


async def test_the_final_checks_compare_the_sandbox_appointments(tmp_path: Path) -> None:
    report = await outcome_of(
        tmp_path,
        "steps:\n" + HOLD + "expect:\n  appointments: [{status: confirmed}]\n  emails: 0\n",
    )
    assert "final checks: the sandbox does not hold the expected appointments" in report
    assert "- appointment status=confirmed" in report
    assert "+ (no appointments)" in report


async def test_a_seed_the_sandbox_refuses_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(HEADER + "sandbox: {stafff: 1}\nsteps:\n" + HOLD, encoding="utf-8")
    with pytest.raises(TranscriptError, match=r"t\.yaml: 'sandbox' is not a valid seed.*stafff"):
        await run_transcript(load_transcript(path))
