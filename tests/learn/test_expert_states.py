"""The expert-state diagnosis of a training run: every stage's policy on the same dev expert states."""

from __future__ import annotations

import json

from agentq.learn.expert_states import main


def test_every_stage_is_measured_on_the_same_dev_expert_states(trained, capsys):
    assert main(["--train", str(trained), "--tasks", "3", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["split"] == "dev" and report["states"] > 3
    assert set(report["stages"]) == {"base", "rft"}
    for numbers in report["stages"].values():
        assert numbers["states"] == report["states"]
        assert 0.0 <= numbers["p_expert"] <= 1.0 and 0.0 <= numbers["top1_expert"] <= 1.0 and numbers["entropy"] >= 0.0


def test_a_folder_without_stages_is_an_error_naming_it(tmp_path, capsys):
    assert main(["--train", str(tmp_path)]) == 2
    assert str(tmp_path) in capsys.readouterr().err
