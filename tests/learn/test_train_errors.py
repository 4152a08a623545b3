"""Every bad input to ``python -m agentq.train`` exits 2 with one located message per problem."""

from __future__ import annotations

from pathlib import Path

from agentq import train

QUICK = Path(__file__).resolve().parents[2] / "experiments" / "learn" / "quick.yaml"


def test_a_misspelt_override_inside_a_stage_gets_a_suggestion(tmp_path, capsys):
    code = train.main(["--config", str(QUICK), "--out", str(tmp_path / "out"), "--set", "stages.base.demoz=3"])
    assert code == 2
    assert capsys.readouterr().err == (
        "error: --set stages.base.demoz=3: stages[0].demoz: unknown key 'demoz' (did you mean 'demos'?)\n"
    )
    assert not (tmp_path / "out").exists()


def test_every_mistake_of_a_file_is_reported_at_once(tmp_path, capsys):
    text = QUICK.read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("threads:", "thread:", 1).replace("demos:", "demoss:", 1), encoding="utf-8")
    assert "thread:" in bad.read_text() and "demoss:" in bad.read_text()
    assert train.main(["--config", str(bad), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "unknown key 'thread' (did you mean 'threads'?)" in err
    assert "unknown key 'demoss' (did you mean 'demos'?)" in err
    assert err.count(f"{bad}:") >= 2 and "Traceback" not in err


def test_a_used_folder_is_a_bad_input(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "something").write_text("x")
    assert train.main(["--config", str(QUICK), "--out", str(out)]) == 2
    assert f"use --resume {out}" in capsys.readouterr().err


def test_the_help_examples_resolve_against_the_shipped_files(monkeypatch, tmp_path):
    import shlex

    monkeypatch.chdir(QUICK.parents[2])
    examples = [line.strip() for line in train.__doc__.splitlines() if line.strip().startswith("python -m agentq.train")]
    assert len(examples) >= 3
    for line in examples:
        args = train.build_parser().parse_args(shlex.split(line.split("#")[0])[3:])
        if args.resume is not None:
            continue  # a run folder of one's own
        cfg, _, resume = train.resolve(args)
        assert cfg.stages and not resume, line


def test_a_schema_mistake_and_a_stage_link_mistake_are_reported_together(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    text = QUICK.read_text(encoding="utf-8").replace("init: base", "init: bsae").replace("demos:", "demoss:", 1)
    bad.write_text(text, encoding="utf-8")
    assert train.main(["--config", str(bad), "--out", str(tmp_path / "out")]) == 2
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith(str(bad))]
    assert len(lines) == 3, lines
    assert {lines[0].split(": ", 1)[1], lines[1].split(": ", 1)[1]} == {
        "stages[0].demos: missing required field", "stages[0].demoss: unknown key 'demoss' (did you mean 'demos'?)"}
    assert "stages[1].init: 'bsae' must name an earlier stage (earlier: ['base'])" in lines[2]
