"""The MiniWoB site in experiments: its backends in the config, tasks, refused components."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from agentq.agents.worker import load_site, unavailable_components
from agentq.config import AgentConfig, EnvConfig
from mock_sites.miniwob.tasks import SPLITS, TASKS, load_suite


def test_search_defaults_to_the_browser_and_http_is_an_error_that_says_why():
    assert EnvConfig.model_validate({"name": "miniwob"}).search_backend == "browser"
    assert EnvConfig.model_validate({"name": "restaurant"}).search_backend == "http"
    with pytest.raises(ValidationError, match="search_backend.*no in-process model"):
        EnvConfig.model_validate({"name": "miniwob", "search_backend": "http"})
    with pytest.raises(ValidationError, match="backend: 'http' is not available"):
        EnvConfig.model_validate({"name": "miniwob", "backend": "http"})


def test_components_that_need_an_expert_or_the_restaurant_are_refused_with_one_reason_each():
    site = load_site("miniwob")
    agent = AgentConfig.model_validate({
        "name": "a", "kind": "mcts", "policy": {"name": "noisy_expert", "p": 0.5},
        "critic": {"name": "ensemble", "members": ["expert", {"name": "heuristic"}]}, "judge": {"name": "env"},
    })  # fmt: skip
    found = unavailable_components(site, agent)
    assert found == [
        "policy 'noisy_expert' needs the expert, and MiniWoB has no expert",
        "critic 'expert' needs the expert, and MiniWoB has no expert",
        "critic 'heuristic' is provided by the restaurant site only",
    ]
    assert unavailable_components(load_site("restaurant"), agent) == []


def test_frozen_suites_cover_every_task_and_fresh_draws_avoid_them():
    site = load_site("miniwob")
    frozen = {(t.name, t.seed) for split in SPLITS for t in load_suite(split)}
    assert {t.name for t in load_suite("test")} == set(TASKS)
    assert all(t.id.startswith("train-") for t in load_suite("train"))
    fresh = site.generate_tasks(3, 30)
    drawn = {(t.name, t.seed) for t in map(site.task_by_id, (f["id"] for f in fresh))}
    assert len(drawn) == 30 and not frozen & drawn
    assert site.generate_tasks(3, 30) == fresh
    assert {t["difficulty"] for t in fresh} == set(TASKS)


def test_the_page_verdict_is_success_only_at_raw_reward_one():
    from types import SimpleNamespace

    site = load_site("miniwob")
    assert site.evaluate_state(SimpleNamespace(terminated=True, raw_reward=1.0)).success
    assert not site.evaluate_state(SimpleNamespace(terminated=True, raw_reward=0.6)).success
    assert not site.evaluate_state(SimpleNamespace(terminated=False, raw_reward=0.0)).success


def test_a_restaurant_component_on_miniwob_is_one_config_error_before_any_episode(tmp_path, capsys):
    from agentq import run as run_cli

    config = tmp_path / "exp.yaml"
    config.write_text(
        "name: h\nenv: {name: miniwob}\ntasks: {split: dev, n: 1}\n"
        "agents:\n  - name: h\n    kind: pure\n    policy: {name: heuristic}\n", encoding="utf-8",
    )  # fmt: skip
    assert run_cli.main(["--config", str(config), "--out", str(tmp_path / "run")]) == 2
    assert capsys.readouterr().err == (
        f"error: {config}:7: agents[0].policy.name: policy 'heuristic' is provided by the restaurant site only; "
        "env 'miniwob' cannot run it (got 'heuristic')\n"
    )
    assert not (tmp_path / "run").exists()  # refused before anything was written
