"""Preference pairs converted to TRL's DPO dataset formats (standard and conversational)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentq.learn.trl_format import (
    CONVERSATIONAL_FILE,
    INSTRUCTION,
    STANDARD_FILE,
    SYSTEM_PROMPT,
    conversational_record,
    main,
    read_pairs,
    standard_record,
    write_trl,
)
from agentq.planner.preferences import PairLine, PreferencePair, PreferencePrompt

PAGE = '[1] link "Book a table"\n[2] textbox "Name"'
TEXT = (  # the goal last: TRL cuts long prompts from the left, so the top of the page goes first
    "OBSERVATION:\n"
    f"{PAGE}\n"
    "PREVIOUS ACTIONS:\n"
    'goto("/")\n'
    "GOAL: Book a table for 2 at Café Olé\n\n"
    'Write the next action only, in the action grammar: click(id), fill(id, "text"), '
    'select(id, "option"), goto("/path"), back(), ask_user("question"), stop("answer")'
)


def make_pair(chosen: str = "click(1)", rejected: str = 'fill(2, "Ana")',
              goal: str = "Book a table for 2 at Café Olé") -> PreferencePair:  # fmt: skip
    return PreferencePair(
        prompt=PreferencePrompt(goal=goal, observation=PAGE, history=['goto("/")']),
        chosen=chosen, rejected=rejected, chosen_value=0.8, rejected_value=0.3,
        chosen_logprob=-0.2, rejected_logprob=-1.7, path=[], depth=1,
    )  # fmt: skip


def write_lines(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def run_line(pair: PreferencePair, task_id: str = "train-001", step: int = 0) -> dict:
    return {"task_id": task_id, "step": step, **pair.model_dump()}


EXTRA = {"task_id": None, "chosen_value": 0.8, "rejected_value": 0.3}


def test_standard_record_is_prompt_chosen_rejected_and_the_extra_columns():
    assert INSTRUCTION in TEXT
    assert standard_record(make_pair()) == {"prompt": TEXT + "\n", "chosen": "click(1)", "rejected": 'fill(2, "Ana")',
                                            **EXTRA}  # fmt: skip
    line = PairLine.model_validate(run_line(make_pair(), task_id="train-0007"))
    assert standard_record(line) == {**standard_record(make_pair()), "task_id": "train-0007"}


def test_conversational_record_is_trl_chat_format():
    assert conversational_record(make_pair()) == {
        "prompt": [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": TEXT}],
        "chosen": [{"role": "assistant", "content": "click(1)"}],
        "rejected": [{"role": "assistant", "content": 'fill(2, "Ana")'}],
        **EXTRA,
    }


def test_the_goal_survives_left_truncation_of_a_long_prompt():
    long_page = "\n".join(f'[{i}] link "Restaurant {i}"' for i in range(400))
    pair = make_pair().model_copy(update={"prompt": PreferencePrompt(goal="Book Tinto", observation=long_page,
                                                                     history=[])})  # fmt: skip
    prompt = standard_record(pair)["prompt"]
    kept = prompt[-600:]  # what a left truncation (TRL's max_prompt_length) keeps of it
    assert "GOAL: Book Tinto" in kept and INSTRUCTION in kept and "Restaurant 0" not in kept


def test_read_pairs_keeps_the_task_and_reads_folders_sorted(tmp_path):
    a, b, c = make_pair(chosen="click(1)"), make_pair(chosen="back()"), make_pair(chosen='stop("done")')
    write_lines(tmp_path / "pairs" / "0002.jsonl", [run_line(c, step=3)])
    (tmp_path / "pairs" / "0001.jsonl").write_text(
        json.dumps(run_line(a)) + "\n\n" + json.dumps(run_line(b, step=1)) + "\n", encoding="utf-8"
    )
    (tmp_path / "pairs" / "notes.txt").write_text("not a pair file", encoding="utf-8")
    empty = write_lines(tmp_path / "empty.jsonl", [])
    assert [p.pair() for p in read_pairs(tmp_path / "pairs")] == [a, b, c]
    assert [p.step for p in read_pairs(tmp_path / "pairs")] == [0, 1, 3]
    assert {p.task_id for p in read_pairs(tmp_path / "pairs")} == {"train-001"}
    again = read_pairs([empty, tmp_path / "pairs" / "0002.jsonl", str(tmp_path / "pairs" / "0001.jsonl")])
    assert [p.pair() for p in again] == [c, a, b]


def test_written_files_have_one_parsable_record_per_pair(tmp_path):
    pairs = [make_pair(), make_pair(chosen="back()", goal="Réserver — 東京"), make_pair(rejected='ask_user("when?")')]
    standard, conversational = write_trl(pairs, tmp_path / "out" / "trl")
    assert (standard.name, conversational.name) == (STANDARD_FILE, CONVERSATIONAL_FILE)
    for path, record in ((standard, standard_record), (conversational, conversational_record)):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        assert text.endswith("\n") and len(lines) == len(pairs)
        assert [json.loads(line) for line in lines] == [record(p) for p in pairs]
        columns = {"prompt", "chosen", "rejected", "task_id", "chosen_value", "rejected_value"}
        assert all(set(json.loads(line)) == columns for line in lines)
    assert "東京" in standard.read_text(encoding="utf-8")  # ensure_ascii=False
    assert sorted(p.name for p in standard.parent.iterdir()) == [CONVERSATIONAL_FILE, STANDARD_FILE]  # no temp left


def test_output_is_deterministic(tmp_path):
    pairs = [make_pair(), make_pair(chosen="back()")]
    first = [p.read_bytes() for p in write_trl(pairs, tmp_path / "one")]
    second = [p.read_bytes() for p in write_trl(pairs, tmp_path / "two")]
    again = [p.read_bytes() for p in write_trl(pairs, tmp_path / "one")]
    assert first == second == again


def test_round_trip_from_a_run_file(tmp_path):
    pairs = [make_pair(), make_pair(chosen="back()")]
    source = write_lines(tmp_path / "pairs" / "0000.jsonl", [run_line(p, step=i) for i, p in enumerate(pairs)])
    standard, _ = write_trl(read_pairs(source), tmp_path / "trl")
    expected = [{**standard_record(p), "task_id": "train-001"} for p in pairs]  # the run line's task is kept
    assert [json.loads(line) for line in standard.read_text(encoding="utf-8").splitlines()] == expected


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("{not json", "not JSON"),
        ("[1, 2]", "expected a JSON object, got list"),
        ('{"task_id": "train-001", "chosen": "click(1)"}', "not a preference pair: prompt: Field required"),
        (json.dumps({**run_line(make_pair()), "surprise": 1}),
         "not a preference pair: surprise: Extra inputs are not permitted"),
    ],
)
def test_a_bad_line_names_file_line_and_problem(tmp_path, line, problem):
    good = json.dumps(run_line(make_pair()))
    path = tmp_path / "pairs.jsonl"
    path.write_text(f"{good}\n\n{line}\n{good}\n", encoding="utf-8")
    with pytest.raises(ValueError) as err:
        read_pairs(path)
    assert str(err.value).startswith(f"{path}:3: {problem}")


def test_bad_utf8_names_the_line(tmp_path):
    path = tmp_path / "pairs.jsonl"
    path.write_bytes(json.dumps(run_line(make_pair())).encode() + b"\n\xff\xfe\n")
    with pytest.raises(ValueError, match=r"pairs\.jsonl:2: not UTF-8 text"):
        read_pairs(path)


def test_missing_path_and_folder_without_pair_files(tmp_path):
    missing = tmp_path / "nowhere.jsonl"
    with pytest.raises(FileNotFoundError) as err:
        read_pairs([missing])
    assert str(err.value) == f"{missing}: no such file or folder"
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="no \\*.jsonl files in this folder"):
        read_pairs(tmp_path / "empty")


def test_cli_writes_both_files(tmp_path, capsys):
    write_lines(tmp_path / "pairs" / "0000.jsonl", [run_line(make_pair()), run_line(make_pair(chosen="back()"), step=1)])
    write_lines(tmp_path / "extra.jsonl", [run_line(make_pair(chosen='stop("ok")'))])
    out = tmp_path / "trl"
    assert main([str(tmp_path / "pairs"), str(tmp_path / "extra.jsonl"), "--out", str(out)]) == 0
    message = capsys.readouterr().out
    assert "wrote 3 pairs" in message
    assert str(out / STANDARD_FILE) in message and str(out / CONVERSATIONAL_FILE) in message
    assert len((out / STANDARD_FILE).read_text(encoding="utf-8").splitlines()) == 3
    assert len((out / CONVERSATIONAL_FILE).read_text(encoding="utf-8").splitlines()) == 3


def test_cli_exits_2_on_bad_input(tmp_path, capsys):
    out = tmp_path / "trl"
    missing = tmp_path / "missing.jsonl"
    assert main([str(missing), "--out", str(out)]) == 2
    assert capsys.readouterr().err.strip() == f"error: {missing}: no such file or folder"

    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(run_line(make_pair())) + "\n{oops\n", encoding="utf-8")
    assert main([str(bad), "--out", str(out)]) == 2
    assert capsys.readouterr().err.startswith(f"error: {bad}:2: not JSON")

    empty = write_lines(tmp_path / "empty.jsonl", [])
    assert main([str(empty), "--out", str(out)]) == 2
    assert "error: no preference pairs" in capsys.readouterr().err
    assert not out.exists()  # nothing written on bad input


def test_cli_usage_errors_exit_2(tmp_path):
    with pytest.raises(SystemExit) as err:
        main([str(tmp_path)])  # no --out
    assert err.value.code == 2
