"""Experiment config: schema errors, --set overrides, sweeps, hashing, seeds, task selection."""

from __future__ import annotations

import hashlib
import re
import sys
import types
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel, ConfigDict
from runner_helpers import REPO, base_config, write_yaml

from agentq.config import (
    canonical_json,
    ConfigError,
    ExperimentConfig,
    config_from_dict,
    config_hash,
    default_experiment_path,
    dump_config,
    load_config,
    sweep_groups,
)
from agentq.config import TasksConfig
from agentq.learn.config import load_train_config
from agentq.runner import TaskRef, episode_seed, select_tasks

GOOD = """\
name: demo
seed: 3
env: {name: "agentq.testing.fake_worker:FakeWorker", max_steps: 10}
tasks: {split: dev, n: 4}
agents:
  - name: pure
    policy: {name: noisy_expert, p: 0.6}
  - name: hybrid
    policy: {name: noisy_expert, p: 0.6}
    critic: {name: noisy_expert, accuracy: 0.8}
    judge: {name: env}
    planner: {simulations: 16}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "exp.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _error(path: Path, *overrides: str) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(path, list(overrides))
    return str(info.value)


def test_good_config_loads_with_defaults(tmp_path):
    cfg = load_config(_write(tmp_path, GOOD))
    assert cfg.seed == 3 and cfg.workers == 1
    assert cfg.env.backend == "browser" and cfg.env.max_steps == 10
    assert cfg.agent("hybrid").critic == {"name": "noisy_expert", "accuracy": 0.8}
    assert cfg.agent("pure").planner is None
    assert cfg.output.save_trees == "first"


def test_unknown_key_names_file_line_path_and_suggests(tmp_path):
    path = _write(tmp_path, GOOD.replace("    critic: {name", "    critc: {name"))
    msg = _error(path)
    assert f"{path}:10:" in msg
    assert "agents[1].critc" in msg
    assert "did you mean 'critic'?" in msg


def test_unknown_nested_key_suggests(tmp_path):
    msg = _error(_write(tmp_path, GOOD.replace("max_steps: 10", "max_step: 10")))
    assert "env.max_step" in msg and "did you mean 'max_steps'?" in msg


def test_bad_value_names_file_line_field_path_and_value(tmp_path):
    path = _write(tmp_path, GOOD.replace("tasks: {split: dev, n: 4}", "tasks: {split: dev, n: -4}"))
    msg = _error(path)
    assert f"{path}:4: tasks.n:" in msg
    assert "greater than or equal to 1" in msg and "(got -4)" in msg


def test_bad_value_inside_agent_list(tmp_path):
    msg = _error(_write(tmp_path, GOOD.replace("name: hybrid", "name: 'hy brid'")))
    assert "agents[1].name" in msg and "'hy brid'" in msg


def test_component_without_name_is_an_error(tmp_path):
    msg = _error(_write(tmp_path, GOOD.replace("critic: {name: noisy_expert,", "critic: {")))
    assert "agents[1].critic" in msg and "needs a 'name'" in msg


def test_bad_yaml_names_file_and_line(tmp_path):
    path = _write(tmp_path, GOOD.replace("tasks: {split: dev, n: 4}", "tasks: {split: dev, n: 4"))
    msg = _error(path)
    assert msg.startswith(f"{path}:") and "invalid YAML" in msg
    assert int(msg.split(":")[1]) in (4, 5)


def test_duplicate_yaml_key_is_an_error(tmp_path):
    msg = _error(_write(tmp_path, GOOD + "seed: 4\n"))
    assert "seed" in msg and "duplicate key" in msg and ":13:" in msg


def test_unknown_env_name_suggests(tmp_path):
    msg = _error(_write(tmp_path, GOOD.replace('"agentq.testing.fake_worker:FakeWorker"', "restuarant")))
    assert "env.name" in msg and "did you mean 'restaurant'?" in msg


def test_missing_file(tmp_path):
    assert "not found" in _error(tmp_path / "nope.yaml")


def test_set_overrides_by_agent_name_and_types(tmp_path):
    path = _write(tmp_path, GOOD)
    cfg = load_config(path, ["agents.hybrid.planner.simulations=32", "seed=11", "tasks.ids=[t001, t002]",
                             "tasks.n=", "agents.hybrid.critic={name: noisy_expert, accuracy: 0.5}"])  # fmt: skip
    assert cfg.agent("hybrid").planner == {"simulations": 32}
    assert cfg.seed == 11
    assert cfg.tasks.ids == ["t001", "t002"] and cfg.tasks.n is None
    assert cfg.agent("hybrid").critic == {"name": "noisy_expert", "accuracy": 0.5}
    assert load_config(path, ["agents[0].policy.p=0.9"]).agent("pure").policy["p"] == 0.9


def test_set_creates_missing_sections(tmp_path):
    cfg = load_config(_write(tmp_path, GOOD), ["agents.pure.kind=critic_greedy", "agents.pure.planner.num_candidates=3",
                                               "agents.pure.critic.name=heuristic"])  # fmt: skip
    assert cfg.agent("pure").planner == {"num_candidates": 3} and cfg.agent("pure").critic == {"name": "heuristic"}


def test_set_errors_name_the_override(tmp_path):
    path = _write(tmp_path, GOOD)
    msg = _error(path, "agents.hybrid.critic.name=5")
    assert "--set agents.hybrid.critic.name=5" in msg and "agents[1].critic" in msg
    msg = _error(path, "env.max_steps=lots")
    assert "--set env.max_steps=lots: env.max_steps:" in msg and "'lots'" in msg
    msg = _error(path, "agents.hybird.planner.simulations=4")
    assert "no entry named 'hybird'" in msg and "did you mean 'hybrid'?" in msg
    msg = _error(path, "sed=3")
    assert "--set sed=3" in msg and "did you mean 'seed'?" in msg
    assert "expected key.path=value" in _error(path, "seed")
    assert "cannot set a field inside seed" in _error(path, "seed.x=1")


def test_sweep_expands_per_agent_grid(tmp_path):
    data = yaml.safe_load(GOOD)
    data["sweep"] = {
        "agents.hybrid.planner.simulations": [4, 8, 16],
        "agents.hybrid.critic.accuracy": [0.5, 1.0],
    }
    cfg = config_from_dict(data)
    groups = sweep_groups(cfg)
    assert [(g.agent.name, g.sweep_point) for g in groups[:3]] == [
        ("pure", {}),
        ("hybrid", {"agents.hybrid.planner.simulations": 4, "agents.hybrid.critic.accuracy": 0.5}),
        ("hybrid", {"agents.hybrid.planner.simulations": 4, "agents.hybrid.critic.accuracy": 1.0}),
    ]
    assert len(groups) == 1 + 3 * 2
    last = groups[-1].agent
    assert last.planner == {"simulations": 16} and last.critic == {"name": "noisy_expert", "accuracy": 1.0}
    assert cfg.agent("hybrid").planner == {"simulations": 16}  # base config untouched


def test_sweep_errors(tmp_path):
    data = yaml.safe_load(GOOD)
    data["sweep"] = {"agents.hybrid.planner": [{"simulations": 4}, "many"]}
    path = write_yaml(tmp_path / "s.yaml", data)
    msg = _error(path)
    line = path.read_text().splitlines().index("  agents.hybrid.planner:") + 1
    assert f"{path}:{line}: sweep agents.hybrid.planner='many': agents[1].planner:" in msg
    assert "valid dictionary" in msg
    data["sweep"] = {"agents.hybird.planner.simulations": [4]}
    assert "did you mean 'hybrid'?" in _error(write_yaml(tmp_path / "s2.yaml", data))
    data["sweep"] = {"seed": [1, 2]}
    assert "agents.<name>.<field>" in _error(write_yaml(tmp_path / "s3.yaml", data))


def test_sweep_value_checked_by_planner_config(tmp_path):
    data = yaml.safe_load(GOOD)
    data["sweep"] = {"agents.hybrid.planner.simulations": [4, "many"]}
    msg = _error(write_yaml(tmp_path / "s.yaml", data))
    assert "sweep agents.hybrid.planner.simulations='many'" in msg and "agents[1].planner.simulations" in msg
    msg = _error(_write(tmp_path, GOOD.replace("simulations: 16", "simulatons: 16")))
    assert "agents[1].planner.simulatons" in msg and "did you mean 'simulations'?" in msg


@pytest.mark.parametrize(
    "change, expected",
    [
        ("    judge: {name: env}\n", "agents[1].judge: agent 'hybrid' of kind 'mcts' needs a 'judge'"),
        ("    critic: {name: noisy_expert, accuracy: 0.8}\n", "agents[1].critic: agent 'hybrid' of kind 'mcts' needs a 'critic'"),
    ],
)
def test_a_planner_without_critic_or_judge_is_an_error_naming_the_key(tmp_path, change, expected):
    msg = _error(_write(tmp_path, GOOD.replace(change, "")))
    assert expected in msg


def test_kinds_check_their_components_and_settings(tmp_path):
    data = yaml.safe_load(GOOD)
    data["agents"] = [
        {"name": "floor", "kind": "random"},
        {"name": "greedy", "kind": "critic_greedy", "policy": {"name": "heuristic"}, "critic": {"name": "heuristic"},
         "planner": {"num_candidates": 3}},
        {"name": "bon", "kind": "best_of_n", "policy": {"name": "heuristic"}, "judge": {"name": "heuristic"},
         "planner": {"n": 4, "episode_env_steps": 200}},
    ]  # fmt: skip
    cfg = load_config(write_yaml(tmp_path / "kinds.yaml", data))
    assert [a.kind for a in cfg.agents] == ["random", "critic_greedy", "best_of_n"]
    data["agents"][0]["policy"] = {"name": "heuristic"}
    data["agents"][2]["planner"]["simulations"] = 8
    msg = _error(write_yaml(tmp_path / "bad.yaml", data))
    assert "agents[0].policy: agent of kind 'random' does not use a 'policy' (it uses no components)" in msg
    assert "agents[2].planner.simulations: unknown" in msg


def test_component_registry_validates_builtin_env(tmp_path, monkeypatch):
    seen = []

    def validate(kind, spec):
        seen.append((kind, spec["name"]))
        if kind == "critic" and not 0 <= spec.get("accuracy", 1) <= 1:
            raise ValueError("accuracy must be in [0, 1]")

    fake = types.ModuleType("agentq.components.registry")
    fake.validate = validate
    monkeypatch.setitem(sys.modules, "agentq.components.registry", fake)
    text = GOOD.replace('"agentq.testing.fake_worker:FakeWorker"', "restaurant")
    text = text.replace("accuracy: 0.8", "accuracy: 1.8")
    msg = _error(_write(tmp_path, text))
    assert "agents[1].critic: accuracy must be in [0, 1]" in msg and ":10:" in msg
    assert ("policy", "noisy_expert") in seen
    seen.clear()
    load_config(_write(tmp_path, GOOD.replace("accuracy: 0.8", "accuracy: 1.8")))  # plugin env: not checked
    assert seen == []


def test_config_hash_ignores_output_and_workers(tmp_path):
    path = _write(tmp_path, GOOD)
    h = config_hash(load_config(path))
    assert h == config_hash(load_config(path, ["workers=4", "output.dir=elsewhere", "output.plots=false"]))
    assert h != config_hash(load_config(path, ["seed=4"]))
    again = tmp_path / "again.yaml"
    again.write_text(dump_config(load_config(path)), encoding="utf-8")
    assert config_hash(load_config(again)) == h


def test_episode_seed_is_stable_and_distinct():
    a = episode_seed(0, "t001", "hybrid", {"agents.hybrid.critic.accuracy": 0.9})
    assert a == episode_seed(0, "t001", "hybrid", {"agents.hybrid.critic.accuracy": 0.9})
    text = '[0,"t001","hybrid",{"agents.hybrid.critic.accuracy":0.9}]'  # canonical JSON, never hash()
    assert a == int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big") >> 1
    others = {
        episode_seed(1, "t001", "hybrid", {"agents.hybrid.critic.accuracy": 0.9}),
        episode_seed(0, "t002", "hybrid", {"agents.hybrid.critic.accuracy": 0.9}),
        episode_seed(0, "t001", "pure", {"agents.hybrid.critic.accuracy": 0.9}),
        episode_seed(0, "t001", "hybrid", {"agents.hybrid.critic.accuracy": 1.0}),
    }
    assert a not in others and len(others) == 4
    assert 0 <= a < 2**63


TASKS = [TaskRef(f"t{i:02d}", ("easy", "medium", "hard")[i % 3]) for i in range(30)]


def test_stratified_sample_is_seeded_and_proportional():
    picked, notes = select_tasks(TASKS, TasksConfig(n=9, sample_seed=1))
    assert len(picked) == 9 and not notes
    assert sorted(t.difficulty for t in picked) == ["easy"] * 3 + ["hard"] * 3 + ["medium"] * 3
    assert picked == sorted(picked, key=TASKS.index)  # the split's order is kept
    assert select_tasks(TASKS, TasksConfig(n=9, sample_seed=1))[0] == picked
    assert select_tasks(TASKS, TasksConfig(n=9, sample_seed=2))[0] != picked
    uneven = TASKS[:20]  # 7 easy, 7 medium, 6 hard
    picked, _ = select_tasks(uneven, TasksConfig(n=10))
    counts = {d: sum(t.difficulty == d for t in picked) for d in ("easy", "medium", "hard")}
    assert sum(counts.values()) == 10 and all(3 <= c <= 4 for c in counts.values())


def test_task_filters_ids_and_caps():
    picked, _ = select_tasks(TASKS, TasksConfig(difficulty="hard"))
    assert len(picked) == 10 and {t.difficulty for t in picked} == {"hard"}
    picked, _ = select_tasks(TASKS, TasksConfig(ids=["t05", "t01"]))
    assert [t.id for t in picked] == ["t05", "t01"]
    with pytest.raises(ConfigError, match=r"tasks.ids\[1\]: no task 't100'.*did you mean"):
        select_tasks(TASKS, TasksConfig(ids=["t01", "t100"]))
    with pytest.raises(ConfigError, match="known: \\['easy', 'hard', 'medium'\\]"):
        select_tasks(TASKS, TasksConfig(difficulty="extreme"))
    picked, notes = select_tasks(TASKS, TasksConfig(n=50))
    assert len(picked) == 30 and "only 30" in notes[0]


def test_shipped_experiments_are_valid():
    path = default_experiment_path()
    assert path == REPO / "experiments" / "hybrid_vs_policy.yaml"
    headline = load_config(path)
    assert [a.kind for a in headline.agents] == ["pure", "critic_greedy", "best_of_n", "guided_best_of_n", "mcts"]
    assert len({canonical_json(a.policy) for a in headline.agents}) == 1  # the same policy, with and without search
    assert headline.env.backend == "browser" and headline.env.search_backend == "http"
    shipped = sorted((REPO / "experiments").glob("*.yaml"))
    assert {p.stem for p in shipped} >= {"hybrid_vs_policy", "search_frontier", "nonprivileged", "agentq_table",
                                         "search_vs_baselines"}
    training = {"agentq_learning", "agentq_learning_quick", "miniwob_learning"}  # `python -m agentq.train` configs
    for experiment in shipped:
        if experiment.stem in training:
            load_train_config(experiment)
        else:
            load_config(experiment)  # schema, planner settings and component parameters all check out
    baselines = load_config(REPO / "experiments" / "search_vs_baselines.yaml")
    assert [a.kind for a in baselines.agents] == ["random", "pure", "critic_greedy", "best_of_n", "guided_best_of_n",
                                                  "mcts", "expert"]
    specs = [canonical_json(s) for a in baselines.agents for s in (a.policy, a.critic, a.judge) if s]
    assert not [s for s in specs if "heuristic" in s]  # no hand-written component in the comparison
    budgets = {a.kind: a.planner["episode_env_steps"] for a in baselines.agents if a.planner and "episode_env_steps" in a.planner}
    assert set(budgets) == {"best_of_n", "guided_best_of_n", "mcts"} and len(set(budgets.values())) == 1  # equal compute
    frontier = load_config(REPO / "experiments" / "search_frontier.yaml")
    assert frontier.common_random_numbers and frontier.tasks.generate_seed is not None and frontier.tasks.n >= 100



def test_yaml_anchors_do_not_make_agents_share_a_spec(tmp_path):
    text = GOOD.replace("  - name: pure\n    policy: {name: noisy_expert, p: 0.6}", "  - name: pure\n    policy: &pol {name: noisy_expert, p: 0.6}")
    text = text.replace("  - name: hybrid\n    policy: {name: noisy_expert, p: 0.6}", "  - name: hybrid\n    policy: *pol")
    assert "*pol" in text
    cfg = load_config(_write(tmp_path, text), ["agents.pure.policy.p=0.9"])
    assert cfg.agent("pure").policy["p"] == 0.9 and cfg.agent("hybrid").policy["p"] == 0.6


def test_planner_settings_out_of_range_or_meaningless_name_file_line_field_and_value(tmp_path):
    text = GOOD + """\
  - name: wide
    kind: beam
    policy: {name: noisy_expert, p: 0.6}
    critic: {name: noisy_expert, accuracy: 0.8}
    judge: {name: env}
    planner: {width: 0}
  - name: mixed
    kind: mcts
    policy: {name: noisy_expert, p: 0.6}
    critic: {name: noisy_expert, accuracy: 0.8}
    judge: {name: env}
    planner: {value_mix: 2, rollout: sample}
"""
    message = _error(_write(tmp_path, text))
    assert re.search(r"exp\.yaml:18: agents\[2\]\.planner\.width: .*greater than or equal to 1 \(got 0\)", message), message
    assert re.search(r"exp\.yaml:24: agents\[3\]\.planner\.value_mix: .*less than or equal to 1 \(got 2\)", message), message
    message = _error(_write(tmp_path, text.replace("value_mix: 2, ", "")))
    assert re.search(r"exp\.yaml:24: agents\[3\]\.planner: rollout_to_tree needs rollout: critic", message), message
