"""MiniWoB tasks as this project runs them: a task is (task name, seed); the admitted task set;
frozen seed lists; fresh (task, seed) draws."""

from __future__ import annotations

import json
import random
import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# Multi-step tasks checked for determinism under a seed (`python -m mock_sites.miniwob.determinism`).
TASKS: tuple[str, ...] = (
    "login-user",
    "login-user-popup",
    "click-checkboxes-large",
    "book-flight-nodelay",
    "social-media-some",
    "social-media-all",
    "email-inbox-forward-nl-turk",
    "click-scroll-list",
    "navigate-tree",
    "multi-layouts",
    "use-autocomplete-nodelay",
    "choose-date-nodelay",
)

# Tasks of the package that are refused, and why.
REFUSED: dict[str, str] = {
    "terminal": "not deterministic under a seed: its page prints the wall-clock date and runs on timers",
    "click-pie": "not deterministic under a seed: its pie menu is an SVG widget animated on wall-clock timers",
    "click-pie-nodelay": "not deterministic under a seed: its SVG pie menu is removed on a timer after a click",
    "visual-addition": "not deterministic under a seed as this env sees it: the numbers are drawn as pictures, "
    "so every seed shows the same text page (checked)",
}

TASK_ID = re.compile(r"^(?:(?P<split>train|dev|test)-)?(?P<name>[a-z0-9-]+)\.(?P<seed>\d+)$")
SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds" / "miniwob"
SPLITS = ("train", "dev", "test")


class UnknownTask(KeyError):
    """A task name that is not in the admitted set (the message lists the known ones)."""

    def __str__(self) -> str:
        return str(self.args[0])


class MiniWoBTask(BaseModel):
    """One MiniWoB episode instance: the task page and the seed its problem is drawn with."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    seed: int = Field(ge=0, lt=2**31)
    split: Literal["train", "dev", "test"] | None = None  # set for the frozen suites' tasks

    @property
    def id(self) -> str:
        """``train-login-user.3`` for a frozen suite's task (the split says what it may be used for), else ``login-user.3``."""
        return f"{self.split}-{self.name}.{self.seed}" if self.split else f"{self.name}.{self.seed}"

    @property
    def difficulty(self) -> str:
        """The task name (so summaries break success down per MiniWoB task)."""
        return self.name


def check_task_name(name: str) -> str:
    """`name` when it is an admitted task; else a clear error (refused: why; unknown: the known ones)."""
    if name in TASKS:
        return name
    if name in REFUSED:
        raise ValueError(f"MiniWoB task {name!r} is refused: {REFUSED[name]}")
    raise UnknownTask(f"unknown MiniWoB task {name!r}; known tasks: {', '.join(TASKS)}")


def parse_task_id(task_id: str) -> MiniWoBTask:
    """``login-user.17`` -> MiniWoBTask(name="login-user", seed=17); ``train-login-user.3`` is a
    frozen train task (its seed must be one of that split's)."""
    match = TASK_ID.match(task_id)
    if match is None:
        raise KeyError(
            f"unknown task id {task_id!r}; MiniWoB ids are '<task>.<seed>', e.g. 'login-user.17', or a frozen "
            "suite's '<split>-<task>.<seed>', e.g. 'train-login-user.3'"
        )
    split, seed = match.group("split"), int(match.group("seed"))
    if split is not None and seed not in SPLIT_SEEDS[split]:
        raise KeyError(f"task id {task_id!r}: seed {seed} is not a {split} seed ({SPLIT_SEEDS[split]})")
    return MiniWoBTask(name=check_task_name(match.group("name")), seed=seed, split=split)


class SeedLine(BaseModel):
    """One line of ``seeds/miniwob/<split>.jsonl``."""

    model_config = ConfigDict(extra="forbid")

    id: str
    task: str
    seed: int


@lru_cache(maxsize=8)
def load_suite(split: str) -> tuple[MiniWoBTask, ...]:
    """The frozen (task, seed) list of a split."""
    if split not in SPLITS:
        raise KeyError(f"unknown split {split!r}; MiniWoB splits: {', '.join(SPLITS)}")
    path = SEEDS_DIR / f"{split}.jsonl"
    lines = [SeedLine.model_validate_json(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return tuple(MiniWoBTask(name=check_task_name(line.task), seed=line.seed, split=split) for line in lines)


def generate_fresh(seed: int, n: int, tasks: tuple[str, ...] = TASKS) -> list[MiniWoBTask]:
    """`n` (task, seed) pairs drawn with `seed`, round-robin over the tasks, seeds outside the frozen range."""
    rng = random.Random(seed)
    frozen = {(t.name, t.seed) for split in SPLITS for t in load_suite(split)}
    out: list[MiniWoBTask] = []
    while len(out) < n:
        task = MiniWoBTask(name=tasks[len(out) % len(tasks)], seed=rng.randrange(100_000, 2**31))
        if (task.name, task.seed) not in frozen and task not in out:
            out.append(task)
    return out


# Frozen seed ranges per split (train 0.., dev 1000.., test 2000..), per task.
SPLIT_SEEDS: dict[str, range] = {"train": range(0, 20), "dev": range(1000, 1005), "test": range(2000, 2010)}


def write_suites(directory: Path = SEEDS_DIR) -> None:
    """Write the frozen seed lists (regenerated byte-identically from `SPLIT_SEEDS`)."""
    directory.mkdir(parents=True, exist_ok=True)
    for split, seeds in SPLIT_SEEDS.items():
        lines = [
            json.dumps({"id": f"{split}-{task}.{seed}", "task": task, "seed": seed}, separators=(",", ":"))
            for task in TASKS for seed in seeds
        ]  # fmt: skip
        (directory / f"{split}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    load_suite.cache_clear()


if __name__ == "__main__":
    write_suites()
    print(f"wrote {', '.join(f'{s}.jsonl' for s in SPLITS)} to {SEEDS_DIR}")
