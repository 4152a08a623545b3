"""Preference pairs in the two dataset formats that Hugging Face TRL's ``DPOTrainer`` reads.

Reads pair files (JSON lines, one :class:`~agentq.planner.preferences.PairLine` a line, as a
run writes them to ``RUN_DIR/pairs/`` with ``output.save_pairs: true`` and as the training code
writes them) and writes two files:

- ``dpo_standard.jsonl``: ``{"prompt": str, "chosen": str, "rejected": str}``
- ``dpo_conversational.jsonl``: the same with chat messages (system + user prompt, one
  assistant message each for chosen and rejected)

Each line also carries ``task_id``, ``chosen_value`` and ``rejected_value`` (extra columns that
``DPOTrainer`` does not read, kept so pairs can be split by task or filtered by margin). The prompt ends
with the goal and the instruction, after the page: TRL truncates long prompts from the left, so
what it cuts is the top of the page, never the goal. Either file loads with
``datasets.load_dataset("json", data_files=...)`` straight into ``DPOTrainer``.

Example::

    python -m agentq.learn.trl_format runs/my_run/pairs --out runs/my_run/trl
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from agentq.planner.preferences import PairLine, PreferencePair
from agentq.results import atomic_write_bytes

StrPath = str | os.PathLike[str]

ACTION_FORMS = (
    'click(id), fill(id, "text"), select(id, "option"), goto("/path"), back(), ask_user("question"), stop("answer")'
)
INSTRUCTION = f"Write the next action only, in the action grammar: {ACTION_FORMS}"
SYSTEM_PROMPT = (
    "You are a web agent. You operate a website one action at a time to accomplish the user's goal; "
    "each reply is exactly one action."
)
STANDARD_FILE = "dpo_standard.jsonl"
CONVERSATIONAL_FILE = "dpo_conversational.jsonl"


def prompt_text(pair: PreferencePair) -> str:
    """The user prompt: the page, the actions so far, then the goal and the instruction. The goal
    comes last because TRL cuts an over-long prompt from the left (``max_prompt_length``, and
    ``max_length`` with ``truncation_mode="keep_end"``): the top of the page goes first."""
    p = pair.prompt
    past = "\n".join(p.history) if p.history else "(none)"
    return f"OBSERVATION:\n{p.observation}\nPREVIOUS ACTIONS:\n{past}\nGOAL: {p.goal}\n\n{INSTRUCTION}"


def extra_columns(pair: PreferencePair) -> dict[str, Any]:
    """The columns beside TRL's: the task (None for a pair read without one) and the two values."""
    return {"task_id": getattr(pair, "task_id", None), "chosen_value": pair.chosen_value,
            "rejected_value": pair.rejected_value}  # fmt: skip


def standard_record(pair: PreferencePair) -> dict[str, Any]:
    """TRL's standard preference record: the prompt text (ending in a newline), both actions, extras."""
    return {"prompt": f"{prompt_text(pair)}\n", "chosen": pair.chosen, "rejected": pair.rejected,
            **extra_columns(pair)}  # fmt: skip


def conversational_record(pair: PreferencePair) -> dict[str, Any]:
    """TRL's conversational preference record: system + user messages, one assistant reply each, extras."""
    return {
        "prompt": [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": prompt_text(pair)}],
        "chosen": [{"role": "assistant", "content": pair.chosen}],
        "rejected": [{"role": "assistant", "content": pair.rejected}],
        **extra_columns(pair),
    }


def pair_files(paths: StrPath | Iterable[StrPath]) -> list[Path]:
    """The files to read: each path as given, a folder as its ``*.jsonl`` files in sorted order.

    FileNotFoundError for a missing path, ValueError for a folder without ``*.jsonl`` files.
    """
    items = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    files: list[Path] = []
    for item in map(Path, items):
        if item.is_dir():
            found = sorted(p for p in item.glob("*.jsonl") if p.is_file())
            if not found:
                raise ValueError(f"{item}: no *.jsonl files in this folder")
            files += found
        elif item.exists():
            files.append(item)
        else:
            raise FileNotFoundError(f"{item}: no such file or folder")
    return files


def _validation_problem(err: ValidationError) -> str:
    parts = [f"{'.'.join(map(str, e['loc'])) or '(line)'}: {e['msg']}" for e in err.errors()]
    return "not a preference pair: " + "; ".join(parts)


def _parse_line(raw: bytes) -> PairLine | None:
    """The pair on one line (None for a blank line); ValueError with the problem otherwise."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ValueError(f"not UTF-8 text ({e.reason} at byte {e.start})") from None
    if not text.strip():
        return None
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"not JSON ({e.msg} at column {e.colno})") from None
    if not isinstance(data, dict):
        raise ValueError(f"expected a JSON object, got {type(data).__name__}")
    try:
        return PairLine.model_validate(data)
    except ValidationError as e:
        raise ValueError(_validation_problem(e)) from None


def read_pairs(paths: StrPath | Iterable[StrPath]) -> list[PairLine]:
    """Every pair line (the pair, its task_id and step) in the given JSONL files and folders (see
    :func:`pair_files`), in file and line order.

    Blank lines are skipped; any other bad line raises ValueError naming ``file:line`` and the problem.
    """
    pairs: list[PairLine] = []
    for path in pair_files(paths):
        for number, raw in enumerate(path.read_bytes().split(b"\n"), start=1):
            try:
                pair = _parse_line(raw)
            except ValueError as e:
                raise ValueError(f"{path}:{number}: {e}") from None
            if pair is not None:
                pairs.append(pair)
    return pairs


def _jsonl(records: Iterable[dict[str, Any]]) -> bytes:
    lines = (json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in records)
    return "".join(lines).encode("utf-8")


def write_trl(pairs: Sequence[PreferencePair], out_dir: StrPath) -> tuple[Path, Path]:
    """Write ``out_dir/dpo_standard.jsonl`` and ``out_dir/dpo_conversational.jsonl`` (one record per
    pair, in order; each file atomically); return their paths (standard, conversational)."""
    out = Path(out_dir)
    standard, conversational = out / STANDARD_FILE, out / CONVERSATIONAL_FILE
    atomic_write_bytes(standard, _jsonl(standard_record(p) for p in pairs))
    atomic_write_bytes(conversational, _jsonl(conversational_record(p) for p in pairs))
    return standard, conversational


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    p = argparse.ArgumentParser(prog="python -m agentq.learn.trl_format", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("pairs", nargs="+", type=Path, metavar="PAIRS",
                   help="pair files (JSONL) or folders of them (their *.jsonl files, sorted)")  # fmt: skip
    p.add_argument("--out", type=Path, required=True, metavar="DIR",
                   help=f"folder for {STANDARD_FILE} and {CONVERSATIONAL_FILE}")  # fmt: skip
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Convert; 0 on success, 2 (with ``error: ...`` on stderr) on bad input or no pairs at all."""
    args = build_parser().parse_args(argv)
    try:
        pairs = read_pairs(args.pairs)
        if not pairs:
            raise ValueError("no preference pairs in the input (nothing for DPOTrainer to train on)")
        standard, conversational = write_trl(pairs, args.out)
    except (ValueError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"wrote {len(pairs)} pair{'' if len(pairs) == 1 else 's'} to {standard} and {conversational}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
