"""Every bad input to ``python -m agentq.run`` exits 2 with the flag or file line that set it; the
``--help`` examples resolve against the shipped files; ``--list`` is read from the registry."""

from __future__ import annotations

import re
import shlex

from runner_helpers import REPO, base_config, run_module, write_yaml

from agentq import run as run_cli
from agentq.agents.settings import KINDS
from agentq.components import registry
from agentq.config import ConfigError, load_config


def test_an_unknown_split_is_a_located_config_error(tmp_path):
    cfg = write_yaml(tmp_path / "exp.yaml", base_config())
    bad = run_module("agentq.run", "--config", str(cfg), "--split", "validation", "--out", str(tmp_path / "r"),
                     cwd=tmp_path)  # fmt: skip
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr == "error: --split validation: tasks.split: unknown split 'validation' (got 'validation')\n"
    data = base_config()
    data["tasks"]["split"] = "validation"
    in_file = run_module("agentq.run", "--config", str(write_yaml(tmp_path / "b.yaml", data)), cwd=tmp_path)
    assert in_file.returncode == 2 and in_file.stderr.startswith(f"error: {tmp_path / 'b.yaml'}:")
    assert ": tasks.split: unknown split 'validation'" in in_file.stderr


def test_an_unknown_task_id_names_the_item_and_a_close_id(tmp_path):
    data = base_config()
    data["tasks"] = {"split": "dev", "ids": ["t001", "t0002"]}
    cfg = write_yaml(tmp_path / "exp.yaml", data)
    bad = run_module("agentq.run", "--config", str(cfg), "--out", str(tmp_path / "r"), cwd=tmp_path)
    assert bad.returncode == 2
    assert re.fullmatch(rf"error: {re.escape(str(cfg))}:\d+: tasks\.ids\[1\]: no task 't0002' in split 'dev' "
                        r"\(did you mean 't002'\?\) \(got 't0002'\)\n", bad.stderr), bad.stderr  # fmt: skip


def test_the_help_examples_resolve_against_the_shipped_files(tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)
    examples = [line.strip() for line in run_cli.__doc__.splitlines() if line.strip().startswith("python -m agentq.run")]
    assert len(examples) >= 3
    for line in examples:
        argv = shlex.split(line.split("#")[0])[3:]
        args = run_cli.build_parser().parse_args(argv)
        if args.resume is not None or args.list:
            continue  # a run folder of one's own / no config
        cfg, out, resume = run_cli.resolve(args)
        assert cfg.name and not resume, line


def test_list_names_every_kind_and_component_with_its_settings(capsys):
    assert run_cli.main(["--list"]) == 0
    text = capsys.readouterr().out
    for kind in KINDS:
        assert f"\n    {kind}: uses " in text
    for component_kind in registry.KINDS:  # agentq's own and the sites' (the restaurant's heuristics)
        for name, entry in registry.entries(component_kind).items():
            assert f"\n    {name}: {entry.summary}" in text, (component_kind, name)
            for field in entry.params.model_fields:
                assert f"\n        {field}: " in text
    assert "temperature: float = " in text and "package.module:Class" in text
    assert "(not privileged; provided by the restaurant site, for its pages only)" in text


def test_the_run_prints_where_its_report_is(tmp_path):
    cfg = write_yaml(tmp_path / "exp.yaml", base_config())
    done = run_module("agentq.run", "--config", str(cfg), "--out", str(tmp_path / "run"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"Report: {tmp_path / 'run' / 'report.html'}" in done.stdout


BAD = """\
name: bad2
env: {name: restaurant, backend: http}
agents:
  - name: a
    policy: {name: noisy_expert, pp: 0.6, temperature: -1}
  - name: b
    kind: mcts
    policy: {name: noisy_expert}
    critic: {name: noisy_expurt}
    judge: {name: env}
    planner: {simulatons: 3}
  - name: c
    policy: {name: random}
    frobnicate: 1
"""


def test_every_mistake_of_a_file_is_one_located_message(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    try:
        load_config(path)
    except ConfigError as exc:
        lines = str(exc).splitlines()
    assert lines[0] == "invalid experiment config:"
    assert lines[1:] == [
        f"{path}:5: agents[0].policy.temperature: policy 'noisy_expert': Input should be greater than 0 (got -1)",
        f"{path}:5: agents[0].policy.pp: unknown parameter of policy 'noisy_expert'; did you mean 'p'? "
        "(parameters: p, mistakes, temperature) (got 0.6)",
        f"{path}:9: agents[1].critic.name: unknown critic 'noisy_expurt'; did you mean 'noisy_expert'? "
        f"(known critic names: {', '.join(registry.names('critic'))}) (got 'noisy_expurt')",
        f"{path}:11: agents[1].planner.simulatons: unknown key 'simulatons' (did you mean 'simulations'?)",
        f"{path}:14: agents[2].frobnicate: unknown key 'frobnicate'",
    ]


def test_the_report_refuses_a_folder_that_is_not_a_run(tmp_path):
    (tmp_path / "notes").mkdir()
    for target, words in ((tmp_path / "missing", "no such run folder"), (tmp_path / "notes", "not a run folder")):
        done = run_module("agentq.report", str(target), cwd=tmp_path)
        assert done.returncode == 2 and words in done.stderr and "Traceback" not in done.stderr
    assert not list((tmp_path / "notes").iterdir())  # nothing written into it
