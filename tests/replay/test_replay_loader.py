"""The transcript loader: what a well-formed file becomes, and clear errors for broken ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.replay.format import (
    ExpectReply,
    Press,
    Restart,
    SandboxAction,
    Say,
    SendCommand,
    TranscriptError,
    Wait,
)
from bot.replay.loader import load_transcript, parse_duration


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """\
title: Taglio domani alle 11
now: 2026-11-23T09:00:00+01:00
timezone: Europe/Rome
customer: {id: 7, first_name: Mario, last_name: Rossi, language_code: it}
sandbox: {staff: 1}
include: [prefixes/start.yaml]
steps:
  - user: domani alle 11
  - bot:
      - "Va bene"
      - {contains: ["11:00", "martedì"], buttons: [["Sì", "No"]], attachment: "*.ics"}
  - press: Sì
  - wait: 9m
  - restart: true
  - sandbox: {hold: "2026-11-24T10:00+01:00", service: s_taglio}
expect:
  appointments: [{status: confirmed, start: "2026-11-24T11:00+01:00", service_id: s_taglio}]
  emails: 1
"""

PREFIX = """\
steps:
  - command: /start
  - bot: {matches: "^Ciao"}
"""


def test_a_transcript_becomes_its_steps_in_order_with_prefixes_first(tmp_path: Path) -> None:
    write(tmp_path, "prefixes/start.yaml", PREFIX)
    transcript = load_transcript(write(tmp_path, "t.yaml", GOOD))

    assert transcript.title == "Taglio domani alle 11"
    assert transcript.now == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    assert transcript.customer.id == 7 and transcript.customer.first_name == "Mario"
    assert transcript.sandbox == {"staff": 1}
    kinds = [type(step) for step in transcript.steps]
    assert kinds == [
        SendCommand,
        ExpectReply,
        Say,
        ExpectReply,
        ExpectReply,
        Press,
        Wait,
        Restart,
        SandboxAction,
    ]
    command = transcript.steps[0]
    assert isinstance(command, SendCommand) and command.name == "start"
    assert transcript.steps[0].place.path.name == "start.yaml"
    loose = transcript.steps[4]
    assert isinstance(loose, ExpectReply)
    assert loose.contains == ("11:00", "martedì")
    assert loose.buttons == (("Sì", "No"),)
    assert loose.attachment == "*.ics"
    wait = transcript.steps[6]
    assert isinstance(wait, Wait) and wait.duration == timedelta(minutes=9)
    appointments = transcript.expect.appointments
    assert appointments is not None and appointments[0].status == "confirmed"
    assert appointments[0].start == datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    assert transcript.expect.emails == 1


@pytest.mark.parametrize(
    ("step", "complaint"),
    [
        ("- usr: ciao", "unknown step 'usr'"),
        ("- wait: soon", "'soon' is not a duration"),
        ("- bot: {contians: x}", "'bot' does not know contians"),
        ("- restart: yes please", "restart: true"),
        ("- sandbox: {fault: {}, colour: red}", "'sandbox' does not know colour"),
        ("- user: ciao\n    bot: hello", "each step is one of"),
        ("- bot: {matches: '(('}", "'matches' is not a valid pattern"),
    ],
)
def test_a_broken_step_is_named_with_file_step_and_line(
    tmp_path: Path, step: str, complaint: str
) -> None:
    path = write(
        tmp_path, "broken.yaml", f"now: 2026-11-23T09:00+01:00\nsteps:\n  - user: ciao\n  {step}\n"
    )

    with pytest.raises(TranscriptError) as caught:
        load_transcript(path)

    message = str(caught.value)
    assert str(path) in message
    assert "step 2 (line 4)" in message
    assert complaint in message


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("steps: [{user: ciao}]\n", "'now' is missing"),
        ("now: 2026-11-23T09:00\nsteps: [{user: ciao}]\n", "needs its UTC offset"),
        ("now: 2026-11-23T09:00+01:00\nsteps: []\n", "'steps' must be a non-empty list"),
        ("now: 2026-11-23T09:00+01:00\nstep: [{user: ciao}]\n", "does not know step"),
        ("now: 2026-11-23T09:00+01:00\ntimezone: Mars/Base\nsteps: [{user: a}]\n", "IANA"),
        ("now: [unclosed\n", "not valid YAML"),
        (
            "now: 2026-11-23T09:00+01:00\ninclude: [missing.yaml]\nsteps: [{user: a}]\n",
            "missing.yaml: cannot be read",
        ),
    ],
)
def test_a_broken_header_is_named_with_its_file(tmp_path: Path, text: str, complaint: str) -> None:
    path = write(tmp_path, "broken.yaml", text)

    with pytest.raises(TranscriptError) as caught:
        load_transcript(path)

    assert "broken.yaml" in str(caught.value)
    assert complaint in str(caught.value)


def test_durations_read_as_people_write_them() -> None:
    assert parse_duration("9m") == timedelta(minutes=9)
    assert parse_duration("1h30m") == timedelta(hours=1, minutes=30)
    assert parse_duration("2d") == timedelta(days=2)
    assert parse_duration("45s") == timedelta(seconds=45)
    assert parse_duration(90) == timedelta(seconds=90)
    with pytest.raises(ValueError):
        parse_duration("")


def test_what_a_customer_types_stays_text_as_written(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "typed.yaml",
        "now: 2026-11-23T09:00+01:00\nsteps:\n  - user: yes\n  - user: 10.30\n  - press: No\n"
        "  - bot: {buttons: [[Sì, No], [on]]}\n",
    )

    steps = load_transcript(path).steps

    assert [getattr(step, "text", None) for step in steps[:2]] == ["yes", "10.30"]
    assert isinstance(steps[2], Press) and steps[2].label == "No"
    assert isinstance(steps[3], ExpectReply) and steps[3].buttons == (("Sì", "No"), ("on",))
