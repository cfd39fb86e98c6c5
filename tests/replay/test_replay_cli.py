"""`python -m bot replay`: exit status, the printed diff, folders, broken files and --update."""

from __future__ import annotations

import io
from pathlib import Path

from bot.replay.cli import replay, transcript_paths
from bot.replay.loader import load_transcript, load_yaml

HELP = """\
title: Aiuto
now: 2026-11-23T09:00:00+01:00
customer: {id: 1, first_name: Mario, language_code: it}
steps:
  - command: /help
  - bot: {contains: "Ecco cosa posso fare", buttons_include: [Prenota]}
"""


async def test_passing_transcripts_exit_zero(tmp_path: Path) -> None:
    (tmp_path / "help.yaml").write_text(HELP, encoding="utf-8")
    out = io.StringIO()

    assert await replay([str(tmp_path)], show=True, out=out) == 0
    assert "ok    " in out.getvalue()
    assert "      you: /help\n      bot: Ecco cosa posso fare:" in out.getvalue()
    assert "1 passed, 0 failed" in out.getvalue()


async def test_a_difference_exits_one_and_prints_the_conversation_diff(tmp_path: Path) -> None:
    path = tmp_path / "wrong.yaml"
    path.write_text(HELP.replace("Ecco cosa posso fare", "Ecco il listino prezzi"), "utf-8")
    out = io.StringIO()

    assert await replay([str(path)], out=out) == 1
    report = out.getvalue()
    assert f"FAIL  {path}" in report
    assert f"{path}: step 2 (line 6): the bot's reply differs" in report
    assert "  you: /help" in report
    assert "- bot: … containing 'Ecco il listino prezzi'" in report
    assert "+ bot: Ecco cosa posso fare:" in report


async def test_a_broken_file_is_an_error_naming_it_and_the_others_still_run(
    tmp_path: Path,
) -> None:
    (tmp_path / "a_broken.yaml").write_text("now: 2026-11-23T09:00+01:00\nsteps: [{usr: x}]\n")
    (tmp_path / "b_help.yaml").write_text(HELP, encoding="utf-8")
    out = io.StringIO()

    assert await replay([str(tmp_path)], out=out) == 1
    assert "a_broken.yaml: step 1 (line 2): unknown step 'usr'" in out.getvalue()
    assert "1 passed, 1 failed" in out.getvalue()


async def test_update_writes_what_the_bot_says_and_the_result_passes(tmp_path: Path) -> None:
    path = tmp_path / "draft.yaml"
    path.write_text(HELP.replace("Ecco cosa posso fare", "da riscrivere"), encoding="utf-8")

    assert await replay([str(path)], update=True, out=io.StringIO()) == 0

    steps = load_yaml(path.read_text(encoding="utf-8"))["steps"]
    assert steps[0] == {"command": "/help"}
    assert steps[1]["bot"]["text"].startswith("Ecco cosa posso fare")
    assert load_transcript(path).title == "Aiuto"
    assert await replay([str(path)], out=io.StringIO()) == 0


def test_a_folder_means_its_transcripts_not_its_prefixes(tmp_path: Path) -> None:
    (tmp_path / "prefixes").mkdir()
    (tmp_path / "prefixes" / "p.yaml").write_text("steps: []")
    (tmp_path / "b.yaml").write_text("")
    (tmp_path / "a.yaml").write_text("")

    assert transcript_paths([str(tmp_path)]) == [tmp_path / "a.yaml", tmp_path / "b.yaml"]
