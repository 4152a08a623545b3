"""A whole run with the preference stages (base -> agentq x2, outcome_dpo, rft): its folders,
data files, env-step budgets, determinism and resume; and the config's errors for them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from agentq.config.models import ConfigError
from agentq.learn.checkpoint import load
from agentq.learn.config import AgentQStage, train_config_from_dict
from agentq.learn.pipeline import STAGE_DONE, run_training
from agentq.learn.trl_format import CONVERSATIONAL_FILE, STANDARD_FILE

KINDS = ("policy", "critic", "judge")
TASKS = ["train-0003", "train-0006", "train-0009"]
AGENTQ_STEPS = 60
OUTCOME_STEPS = 120
RFT_STEPS, RFT_ROUNDS = 30, 2
UNITS = ["base", "agentq_iter1", "agentq_iter2", "agentq", "outcome_dpo_iter1", "outcome_dpo", "rft", "final"]


def _data(**changes: Any) -> dict[str, Any]:
    strong = {"policy": {"epochs": 30}, "critic": {"epochs": 30}, "judge": {"epochs": 1}}
    quick = {"policy": {"epochs": 1}, "critic": {"epochs": 1}, "judge": {"epochs": 1}}
    data: dict[str, Any] = {
        "name": "agentq-tiny", "seed": 0, "features": {"buckets": 4096}, "model": {"dim": 16, "hidden": 32},
        "tasks": {"ids": TASKS, "holdout": 0}, "judge_hardening": {"rounds": 0},
        "stages": [
            {"name": "base", "kind": "base", "demos": 3, "judge_rollouts": 2, "prefix_every": 0, "fit": strong},
            {"name": "agentq", "kind": "agentq", "init": "base", "iterations": 2, "env_steps": AGENTQ_STEPS,
             "episode_env_steps": 30, "fit": quick,
             "planner": {"simulations": 4, "max_env_steps": 15, "max_depth": 10, "num_candidates": 3, "theta": 0.05}},
            {"name": "outcome_dpo", "kind": "outcome_dpo", "init": "base", "iterations": 1, "env_steps": OUTCOME_STEPS,
             "samples": 4, "fit": quick},
            {"name": "rft", "kind": "rft", "init": "base", "rounds": RFT_ROUNDS, "samples": 1, "env_steps": RFT_STEPS,
             "prefix_every": 0, "fit": quick},
        ],
    }  # fmt: skip
    data.update(changes)
    return data


def _config(**changes: Any):
    return train_config_from_dict(_data(**changes), "<agentq-tiny>")


def _record(out: Path, unit: str) -> dict[str, Any]:
    return json.loads((out / "checkpoints" / unit / STAGE_DONE).read_text(encoding="utf-8"))


def _hashes(out: Path) -> dict[str, dict[str, str]]:
    return {unit: _record(out, unit)["hashes"] for unit in UNITS}


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One finished run: (folder, the on_stage calls in order)."""
    out = tmp_path_factory.mktemp("agentq") / "run"
    calls: list[tuple[str, bool]] = []
    run_training(_config(), out, on_stage=lambda name, record, skipped: calls.append((name, skipped)))
    return out, calls


def test_the_run_writes_every_unit_and_final_is_the_last_agentq_iteration(run):
    out, calls = run
    assert sorted(p.name for p in (out / "checkpoints").iterdir()) == sorted(UNITS)  # no .partial left
    assert calls == [(u, False) for u in UNITS]
    for unit in UNITS:
        record = _record(out, unit)
        assert record["stage"] == unit
        for kind in KINDS:
            assert load(out / "checkpoints" / unit, kind)[1].sha256 == record["hashes"][kind]
    hashes = _hashes(out)
    assert hashes["final"] == hashes["agentq"] == hashes["agentq_iter2"]
    assert hashes["outcome_dpo"] == hashes["outcome_dpo_iter1"]
    assert _record(out, "final")["copy_of"] == "agentq"
    assert _record(out, "agentq")["copy_of"] == "agentq_iter2" and _record(out, "agentq")["iterations"] == 2
    # each iteration starts from the previous one's models and trains them
    assert _record(out, "agentq_iter1")["notes"]["init"] == "base"
    assert _record(out, "agentq_iter2")["notes"]["init"] == "agentq_iter1"
    assert _record(out, "outcome_dpo_iter1")["notes"]["init"] == "base"
    policies = [hashes[u]["policy"] for u in ("base", "agentq_iter1", "agentq_iter2", "outcome_dpo_iter1", "rft")]
    assert len(set(policies)) == len(policies)


def test_the_preference_data_files(run):
    out, _ = run
    assert sorted(p.name for p in (out / "data").iterdir()) == ["agentq_iter1", "agentq_iter2", "outcome_dpo_iter1"]
    for unit in ("agentq_iter1", "agentq_iter2"):
        folder = out / "data" / unit
        pairs = _lines(folder / "pairs.jsonl")
        assert pairs, unit
        assert len(_lines(folder / STANDARD_FILE)) == len(_lines(folder / CONVERSATIONAL_FILE)) == len(pairs)
        assert len(pairs) == _record(out, unit)["notes"]["collection"]["pairs"]
        for line, trl in zip(pairs, _lines(folder / STANDARD_FILE)):
            pair, record = json.loads(line), json.loads(trl)
            assert pair["task_id"] in TASKS
            assert pair["chosen_logprob"] < 0 and pair["rejected_logprob"] < 0
            assert (record["chosen"], record["rejected"]) == (pair["chosen"], pair["rejected"])
            assert pair["prompt"]["goal"] in record["prompt"]
    trajectories = out / "data" / "outcome_dpo_iter1"
    assert sorted(p.name for p in trajectories.iterdir()) == ["pairs.jsonl"]  # no prompt: no TRL files
    rows = [json.loads(line) for line in _lines(trajectories / "pairs.jsonl")]
    assert rows and len(rows) == _record(out, "outcome_dpo_iter1")["notes"]["collection"]["pairs"]
    assert all(r["chosen_actions"] != r["rejected_actions"] and r["task_id"] in TASKS for r in rows)


def test_each_collection_spends_its_env_step_budget(run):
    out, _ = run
    total = 0
    for unit in ("agentq_iter1", "agentq_iter2"):
        notes = _record(out, unit)["notes"]
        assert AGENTQ_STEPS - 1 <= notes["collection_env_steps"] <= AGENTQ_STEPS
        assert notes["collection"]["env_steps"] == notes["collection_env_steps"]
        total += notes["collection_env_steps"]
    assert _record(out, "agentq")["collection_env_steps"] == total
    # sampled episodes are cut where the budget ends (no stop probes in these stages: exact)
    assert _record(out, "outcome_dpo_iter1")["notes"]["collection_env_steps"] == OUTCOME_STEPS
    assert _record(out, "outcome_dpo")["collection_env_steps"] == OUTCOME_STEPS
    rft = _record(out, "rft")["notes"]
    assert [r["env_steps"] for r in rft["rounds"]] == [RFT_STEPS] * RFT_ROUNDS
    assert rft["collection_env_steps"] == RFT_STEPS * RFT_ROUNDS


def test_the_same_config_gives_the_same_models_and_data(run, tmp_path):
    out, _ = run
    again = tmp_path / "again"
    run_training(_config(), again)
    assert _hashes(again) == _hashes(out)
    for unit in ("agentq_iter1", "agentq_iter2", "outcome_dpo_iter1"):
        for f in sorted((out / "data" / unit).iterdir()):
            assert (again / "data" / unit / f.name).read_bytes() == f.read_bytes(), f"{unit}/{f.name}"


def test_stages_trained_in_parallel_give_the_same_models_and_data(run, tmp_path):
    out, _ = run
    parallel = tmp_path / "parallel"
    calls: list[tuple[str, bool]] = []
    run_training(_config(), parallel, workers=2, on_stage=lambda name, record, skipped: calls.append((name, skipped)))
    assert _hashes(parallel) == _hashes(out)
    assert sorted(calls) == sorted((u, False) for u in UNITS) and calls[0] == ("base", False) and calls[-1] == ("final", False)
    for unit in ("agentq_iter1", "agentq_iter2", "outcome_dpo_iter1"):
        for f in sorted((out / "data" / unit).iterdir()):
            assert (parallel / "data" / unit / f.name).read_bytes() == f.read_bytes(), f"{unit}/{f.name}"


def test_resume_redoes_a_lost_iteration_identically_and_skips_the_rest(run, tmp_path):
    out, _ = run
    expected = _hashes(out)
    copy = tmp_path / "run"
    shutil.copytree(out, copy)
    for unit in ("agentq_iter2", "agentq", "final"):
        shutil.rmtree(copy / "checkpoints" / unit)
    shutil.rmtree(copy / "data" / "agentq_iter2")
    base_mtime = (copy / "checkpoints" / "base" / "policy.safetensors").stat().st_mtime_ns
    iter1_mtime = (copy / "checkpoints" / "agentq_iter1" / "policy.safetensors").stat().st_mtime_ns
    outcome = run_training(_config(), copy, resume=True)
    assert outcome.skipped == ["base", "agentq_iter1", "outcome_dpo", "rft"]
    assert _hashes(copy) == expected
    assert (copy / "checkpoints" / "base" / "policy.safetensors").stat().st_mtime_ns == base_mtime
    assert (copy / "checkpoints" / "agentq_iter1" / "policy.safetensors").stat().st_mtime_ns == iter1_mtime
    for f in sorted((out / "data" / "agentq_iter2").iterdir()):
        assert (copy / "data" / "agentq_iter2" / f.name).read_bytes() == f.read_bytes(), f.name
    assert _record(copy, "agentq")["collection_env_steps"] == _record(out, "agentq")["collection_env_steps"]


# ---------------------------------------------------------------- config


def test_final_defaults_to_the_last_agentq_stage_and_can_be_named():
    cfg = _config()
    assert isinstance(cfg.stage("agentq"), AgentQStage)
    assert cfg.final_stage() == "agentq"
    assert _config(final="rft").final_stage() == "rft"
    no_agentq = _data()
    no_agentq["stages"] = [no_agentq["stages"][0], no_agentq["stages"][3]]
    assert train_config_from_dict(no_agentq).final_stage() is None


def test_agentq_init_must_name_an_earlier_stage():
    data = _data()
    data["stages"][1]["init"] = "rft"  # a later stage
    with pytest.raises(ConfigError, match=r"stages\[1\]\.init: 'rft' must name an earlier stage") as err:
        train_config_from_dict(data, "<t>")
    assert "earlier: ['base']" in str(err.value)


def test_final_must_name_a_stage():
    with pytest.raises(ConfigError, match=r"final: 'nope' must name a stage") as err:
        train_config_from_dict(_data(final="nope"), "<t>")
    assert "'agentq'" in str(err.value) and "'rft'" in str(err.value)  # the stages it could name


def test_rft_takes_env_steps_or_tasks_per_round_not_both():
    data = _data()
    data["stages"][3]["tasks_per_round"] = 3
    with pytest.raises(ConfigError, match=r"stages\[3\]: give env_steps .* or tasks_per_round, not both"):
        train_config_from_dict(data, "<t>")
    del data["stages"][3]["env_steps"]
    assert train_config_from_dict(data).stage("rft").tasks_per_round == 3  # either alone is fine


@pytest.mark.parametrize("field, value, words", [
    ("env_steps", 0, "stages[1].env_steps"),
    ("beta", 0.0, "stages[1].beta"),
    ("sft_weight", -1.0, "stages[1].sft_weight"),
    ("iterations", 0, "stages[1].iterations"),
])  # fmt: skip
def test_agentq_stage_fields_are_checked(field, value, words):
    data = _data()
    data["stages"][1][field] = value
    with pytest.raises(ConfigError, match=words.replace("[", r"\[").replace("]", r"\]")):
        train_config_from_dict(data, "<t>")


@pytest.mark.parametrize("where, words", [("init", "stages[1].init: "), ("final", "final: ")])
def test_stage_order_errors_are_located_at_their_field(where, words):
    data = _data(final="nope") if where == "final" else _data()
    if where == "init":
        data["stages"][1]["init"] = "rft"
    with pytest.raises(ConfigError) as err:
        train_config_from_dict(data, "<t>")
    assert f"<t>: {words}" in str(err.value)
