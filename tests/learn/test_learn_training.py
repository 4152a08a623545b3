"""`python -m agentq.train`: train tasks only, a checkpoint per stage, resume, determinism."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from learn_helpers import tiny_config

from agentq import train
from agentq.learn.checkpoint import load
from agentq.learn.collect import TrainSplitError, require_train
from agentq.learn.pipeline import STAGE_DONE, TrainRunError, run_training

KINDS = ("policy", "critic", "judge")


def _write(tmp_path: Path, **changes) -> Path:
    path = tmp_path / "train.yaml"
    path.write_text(yaml.safe_dump(tiny_config(**changes).model_dump(mode="json"), sort_keys=False))
    return path


@pytest.mark.parametrize("override, words", [
    ("tasks.split=dev", "train split only; 'dev' is kept for evaluation"),
    ("tasks.split=test", "train split only; 'test' is kept for evaluation"),
    ("tasks.ids=[train-0001, dev-0003]", "'dev-0003' is not a train task"),
    ("tasks.ids=[s7-0001]", "'s7-0001' is a generated evaluation task"),
    ("tasks.generate_seed=7", "refuses generated tasks"),
])  # fmt: skip
def test_train_refuses_evaluation_tasks(tmp_path, capsys, override, words):
    code = train.main(["--config", str(_write(tmp_path)), "--out", str(tmp_path / "out"), "--set", override])
    err = capsys.readouterr().err
    assert code == 2
    assert words in err and f"--set {override}" in err and "tasks." in err
    assert not (tmp_path / "out").exists()


def test_the_collector_refuses_non_train_tasks_too():
    with pytest.raises(TrainSplitError, match="dev-0001"):
        require_train(["train-0000", "dev-0001"])


def test_config_errors_name_file_line_and_field(tmp_path, capsys):
    path = _write(tmp_path)
    text = path.read_text().replace("  demos: 3\n", "  demos: 3\n  demo_count: 4\n")
    path.write_text(text)
    assert train.main(["--config", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    line = text.splitlines().index("  demo_count: 4") + 1
    assert f"{path}:{line}: stages[0].demo_count: unknown key 'demo_count'" in err


def test_training_writes_each_stage_and_the_run_is_deterministic(trained, tmp_path):
    for stage in ("base", "rft"):
        folder = trained / "checkpoints" / stage
        record = json.loads((folder / STAGE_DONE).read_text())
        for kind in KINDS:
            assert load(folder, kind)[1].sha256 == record["hashes"][kind]
    again = tmp_path / "again"
    run_training(tiny_config(), again)
    for stage in ("base", "rft"):
        first = json.loads((trained / "checkpoints" / stage / STAGE_DONE).read_text())
        second = json.loads((again / "checkpoints" / stage / STAGE_DONE).read_text())
        assert first["hashes"] == second["hashes"], stage  # same seed, same checkpoints
    other = run_training(tiny_config(seed=1), tmp_path / "other")
    base = json.loads((trained / "checkpoints" / "base" / STAGE_DONE).read_text())
    assert other.stages["base"]["hashes"]["policy"] != base["hashes"]["policy"]  # another seed, other weights


def test_resume_skips_finished_stages_and_redoes_the_rest_identically(trained, tmp_path, capsys):
    out = tmp_path / "run"
    shutil.copytree(trained, out)
    rft = out / "checkpoints" / "rft"
    expected = json.loads((rft / STAGE_DONE).read_text())["hashes"]
    shutil.rmtree(rft)  # killed during rft: base finished, rft not
    (out / "checkpoints" / ".rft.partial").mkdir()  # a half-written stage left behind
    base_mtime = (out / "checkpoints" / "base" / "policy.safetensors").stat().st_mtime_ns
    assert train.main(["--resume", str(out)]) == 0
    printed = capsys.readouterr()
    assert "stage base: skipped (already finished)" in printed.err and "stage rft: done" in printed.err
    assert (out / "checkpoints" / "base" / "policy.safetensors").stat().st_mtime_ns == base_mtime
    assert json.loads((rft / STAGE_DONE).read_text())["hashes"] == expected
    assert not (out / "checkpoints" / ".rft.partial").exists()


def test_an_existing_folder_needs_resume_and_resume_needs_the_same_config(trained, tmp_path):
    with pytest.raises(TrainRunError, match="already exists"):
        run_training(tiny_config(), trained)
    with pytest.raises(TrainRunError, match="config differs"):
        run_training(tiny_config(seed=5), trained, resume=True)


def test_shipped_training_configs_and_the_evaluation_check_out():
    from agentq.config import load_config
    from agentq.learn.config import load_train_config

    repo = Path(__file__).resolve().parents[2]
    shipped = {p.stem: load_train_config(p) for p in sorted((repo / "experiments" / "learn").glob("*.yaml"))}
    assert {"quick", "base_rft", "demos_curve"} <= set(shipped)
    curve = [s.demos for s in shipped["demos_curve"].stages]
    assert curve == sorted(curve) and curve[0] <= 5 and curve[-1] >= 500
    evaluation = load_config(repo / "experiments" / "learned_eval.yaml")
    assert evaluation.tasks.split == "dev"
    kinds = {a.name: a.kind for a in evaluation.agents}
    assert kinds == {"random": "random", "base": "pure", "base_mcts": "mcts", "rft": "pure", "rft_mcts": "mcts",
                     "expert": "expert"}  # fmt: skip
    baselines = load_config(repo / "experiments" / "search_vs_baselines.yaml")
    budget = next(a.planner for a in baselines.agents if a.kind == "mcts")["episode_env_steps"]
    for name in ("base_mcts", "rft_mcts"):
        agent = evaluation.agent(name)
        assert agent.planner["episode_env_steps"] == budget
        stage = name.removesuffix("_mcts")
        assert {agent.policy["checkpoint"], agent.critic["checkpoint"], agent.judge["checkpoint"]} == {
            evaluation.agent(stage).policy["checkpoint"]}
