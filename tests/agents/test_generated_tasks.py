"""`tasks.generate_seed`: fresh tasks from the generator in place of a frozen suite."""

from __future__ import annotations

import json

import pytest

from agentq.config import ConfigError, config_from_dict
from agentq.runner import run_experiment
from mock_sites.restaurant.tasks import DIFFICULTIES, generate, load_suite


def _config(backend: str, **tasks) -> dict:
    return {
        "name": "fresh", "seed": 0, "workers": 1,
        "env": {"name": "restaurant", "backend": backend, "search_backend": "http", "max_steps": 30},
        "tasks": {"generate_seed": 77, "n": 4, **tasks},
        "agents": [{"name": "expert", "kind": "expert"}, {"name": "pure", "policy": {"name": "noisy_expert", "p": 0.9}}],
        "output": {"plots": False},
    }  # fmt: skip


def _rows(path) -> list[dict]:
    return [json.loads(line) for line in (path / "episodes.jsonl").read_text().splitlines()]


def test_generated_tasks_replace_the_suite_with_fresh_ids_and_cycling_difficulties(tmp_path):
    run_experiment(config_from_dict(_config("http")), tmp_path / "run")
    rows = _rows(tmp_path / "run")
    expected = generate(77, 4)
    assert [r["task_id"] for r in rows[::2]] == [t.id for t in expected] == ["s77-0000", "s77-0001", "s77-0002", "s77-0003"]
    assert [r["difficulty"] for r in rows[::2]] == [DIFFICULTIES[i % 3] for i in range(4)]
    assert all(r["success"] for r in rows if r["agent"] == "expert")
    suite_goals = {t.instruction for split in ("train", "dev", "test") for t in load_suite(split)}
    assert not {t.instruction for t in expected} & suite_goals  # nobody has seen these


def test_generated_tasks_with_a_difficulty_filter_still_give_n(tmp_path):
    run_experiment(config_from_dict(_config("http", difficulty=["hard"])), tmp_path / "run")
    rows = _rows(tmp_path / "run")
    assert len({r["task_id"] for r in rows}) == 4 and {r["difficulty"] for r in rows} == {"hard"}


def test_bad_generated_task_configs_are_errors_that_say_why(tmp_path):
    with pytest.raises(ConfigError, match="generate_seed needs n"):
        config_from_dict({**_config("http"), "tasks": {"generate_seed": 5}})
    with pytest.raises(ConfigError, match="2002 is the seed of the frozen 'dev' suite"):
        run_experiment(config_from_dict({**_config("http"), "tasks": {"generate_seed": 2002, "n": 2}}), tmp_path / "x")


@pytest.mark.browser
def test_generated_tasks_act_in_the_browser_too(tmp_path):
    data = _config("browser")
    data["tasks"]["n"] = 1
    run_experiment(config_from_dict(data), tmp_path / "run")
    rows = _rows(tmp_path / "run")
    assert rows[0]["task_id"] == "s77-0000" and rows[0]["success"] and rows[0]["error"] is None
