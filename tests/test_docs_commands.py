"""The README and docs/ say what is true of the shipped files.

- every `python -m ...` command they quote works: an agentq.run command resolves its config (the
  README's quick start is run for real), a module that takes no --help runs on a small input, every
  other module answers --help;
- every full experiment YAML they show validates;
- every relative link, and its #anchor, resolves;
- the README's env snippet runs as written.
"""

from __future__ import annotations

import importlib
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from agentq import run as run_cli
from agentq.config.loading import load_config

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
DOCS = [README, *sorted((REPO / "docs").rglob("*.md"))]
# the interpreter's path (kept to skip commands for another environment), the module, its arguments
COMMAND = re.compile(r"(?P<prefix>[\w./-]*)python -m\s+(?P<module>[A-Za-z_][\w.]*)(?P<args>(?: [^`\n#]*)?)")
FOREIGN = ".llm-venv/"  # docs/llm.md's separate environment for the model server
LINK = re.compile(r"\]\(([^)\s]+)\)")
TEXT_REFERENCE = re.compile(r"(?<![\w/(])(docs/[\w./-]+\.md(?:#[\w-]+)?)")  # "see docs/x.md#y" outside a link
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
# modules that read their arguments as input instead of answering --help: (arguments, expected output)
NO_HELP = {"mock_sites.miniwob.determinism": (["login-user"], "deterministic=True")}
# modules that take no arguments and rewrite a frozen suite: run into a temporary folder instead
REGENERATE = {"mock_sites.restaurant.tasks": "seeds/restaurant", "mock_sites.miniwob.tasks": "seeds/miniwob"}
QUICK_START = "--env restaurant --backend http --tasks"


def _name(doc: Path) -> str:
    return doc.relative_to(REPO).as_posix()


def _commands() -> list[tuple[str, str, str]]:
    found = []
    for doc in DOCS:
        for m in COMMAND.finditer(doc.read_text(encoding="utf-8")):
            if FOREIGN not in m.group("prefix"):
                found.append((_name(doc), m.group("module"), m.group("args").strip()))
    return found


def _yaml_experiments(doc: Path) -> dict[str, str]:
    """The full experiments (top-level `name:` and `agents:`) shown in ```yaml blocks, by name."""
    found = {}
    for lang, body in FENCE.findall(doc.read_text(encoding="utf-8")):
        name = re.search(r"^name: *(\S+)", body, re.M)
        if lang == "yaml" and name and re.search(r"^agents:", body, re.M):
            found[name.group(1)] = body
    return found


COMMANDS = _commands()
RUN_COMMANDS = [c for c in COMMANDS if c[1] == "agentq.run"]
YAML_EXPERIMENTS = [(_name(doc), name, body) for doc in DOCS for name, body in _yaml_experiments(doc).items()]


def test_the_readme_and_docs_quote_commands(monkeypatch):
    readme = {args for doc, module, args in RUN_COMMANDS if doc == "README.md"}
    assert "--env restaurant" in readme and any(QUICK_START in a for a in readme), readme
    monkeypatch.chdir(REPO)
    cfg, _, _ = run_cli.resolve(run_cli.build_parser().parse_args(["--env", "restaurant"]))
    assert cfg.name == "hybrid_vs_policy"  # the README's headline runs experiments/hybrid_vs_policy.yaml


def test_ci_runs_the_readmes_test_command():
    blocks = [body.strip() for lang, body in FENCE.findall(README.read_text(encoding="utf-8")) if lang == "bash"]
    setup = [b for b in blocks if b.startswith("scripts/install.sh")]
    assert len(setup) == 2, setup  # the two set-up commands
    test_command = next(b for b in setup if "pytest" in b)
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_command in ci, (test_command, ci)


@pytest.mark.parametrize("doc, module, args", RUN_COMMANDS)
def test_run_commands_in_the_docs_resolve(doc, module, args, monkeypatch, tmp_path):
    monkeypatch.chdir(REPO)
    monkeypatch.syspath_prepend(str(REPO))
    argv = shlex.split(args)
    if "--config" in argv:
        i = argv.index("--config") + 1
        path = Path(argv[i])
        shown = _yaml_experiments(REPO / doc)
        if not (REPO / path).exists() and path.stem in shown:  # a file the page itself shows
            (tmp_path / path.name).write_text(shown[path.stem], encoding="utf-8")
            argv[i] = str(tmp_path / path.name)
    parsed = run_cli.build_parser().parse_args(argv)
    if parsed.list or parsed.resume is not None:
        return
    cfg, _, _ = run_cli.resolve(parsed)
    assert cfg.agents, (doc, args)


HELP_MODULES = sorted({c[1] for c in COMMANDS} - {"agentq.run", *NO_HELP, *REGENERATE})


@pytest.mark.parametrize("module", HELP_MODULES)
def test_other_modules_in_the_docs_answer_help(module):
    done = subprocess.run([sys.executable, "-m", module, "--help"], cwd=REPO, capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert done.returncode == 0 and "usage:" in done.stdout, done.stderr


@pytest.mark.browser
@pytest.mark.parametrize("module", sorted({c[1] for c in COMMANDS if c[1] in NO_HELP}))
def test_modules_without_help_run_on_a_small_input(module):
    args, expected = NO_HELP[module]
    done = subprocess.run([sys.executable, "-m", module, *args], cwd=REPO, capture_output=True, text=True,
                          timeout=300)  # fmt: skip
    assert done.returncode == 0 and expected in done.stdout, done.stdout + done.stderr


@pytest.mark.parametrize("module", sorted({c[1] for c in COMMANDS if c[1] in REGENERATE}))
def test_suite_regenerators_in_the_docs_write_the_shipped_files(module, tmp_path):
    importlib.import_module(module).write_suites(tmp_path)
    shipped = sorted(p.name for p in (REPO / REGENERATE[module]).glob("*.jsonl"))
    assert sorted(p.name for p in tmp_path.iterdir()) == shipped
    for name in shipped:
        assert (tmp_path / name).read_bytes() == (REPO / REGENERATE[module] / name).read_bytes(), name


@pytest.mark.slow
def test_the_readme_quick_start_runs(tmp_path):
    (args,) = {a for doc, _, a in RUN_COMMANDS if doc == "README.md" and QUICK_START in a}
    out = tmp_path / "run"
    done = subprocess.run([sys.executable, "-m", "agentq.run", *shlex.split(args), "--out", str(out)], cwd=REPO,
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert f"Report: {out / 'report.html'}" in done.stdout
    assert (out / "report.html").is_file() and (out / "summary.json").is_file()


@pytest.mark.parametrize("doc, name, body", YAML_EXPERIMENTS, ids=[f"{d}:{n}" for d, n, _ in YAML_EXPERIMENTS])
def test_experiments_shown_in_the_docs_validate(doc, name, body, tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)
    path = tmp_path / f"{name}.yaml"
    path.write_text(body, encoding="utf-8")
    assert load_config(path).name == name, doc


def _anchors(doc: Path) -> set[str]:
    """GitHub's heading anchors of a markdown page (headings inside code blocks are not headings)."""
    text = FENCE.sub("", doc.read_text(encoding="utf-8"))
    seen: dict[str, int] = {}
    anchors = set()
    for heading in re.findall(r"^#{1,6} +(.+?) *#* *$", text, re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        anchors.add(slug if n == 0 else f"{slug}-{n}")
    return anchors


def _check_target(doc: Path, base: Path, target: str) -> None:
    path, _, anchor = target.partition("#")
    file = (base / path) if path else doc
    assert file.exists(), f"{_name(doc)}: broken link {target}"
    if anchor and file.suffix == ".md":
        assert anchor in _anchors(file), f"{_name(doc)}: no heading #{anchor} in {_name(file)}"


@pytest.mark.parametrize("doc", DOCS, ids=_name)
def test_relative_links_in_the_docs_resolve(doc):
    for target in LINK.findall(doc.read_text(encoding="utf-8")):
        if re.match(r"^[a-z]+:", target):
            continue  # a URL
        _check_target(doc, doc.parent, target)


def test_docs_paths_named_in_the_readme_resolve():
    for target in TEXT_REFERENCE.findall(README.read_text(encoding="utf-8")):
        _check_target(README, REPO, target)


def test_scripts_quoted_in_the_docs_exist():
    quoted = re.compile(r"python ((?:bench|tests|scripts|examples)/[\w/.-]+\.py)")
    for doc in DOCS:
        for script in quoted.findall(doc.read_text(encoding="utf-8")):
            assert (REPO / script).is_file(), f"{_name(doc)}: no such script {script}"


def _env_snippet() -> str:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## The environment"):]
    (lang, code) = FENCE.search(section).groups()
    assert lang == "python"
    return code


def _run_snippet(code: str) -> dict:
    namespace: dict = {"__name__": "readme_snippet"}
    exec(compile(code, "README.md (the env snippet)", "exec"), namespace)  # noqa: S102 - the README's own code
    return namespace


def test_the_readme_env_snippet_runs_as_written(monkeypatch, capsys):
    monkeypatch.chdir(REPO)
    ns = _run_snippet(_env_snippet())
    assert ns["obs"]["last_action_error"] == ""
    assert 'combobox "City" value="Chicago"' in ns["obs"]["text"]
    assert "Accept all" in capsys.readouterr().out  # the page it printed first was the cookie banner


@pytest.mark.browser
def test_the_readme_env_snippet_runs_in_the_browser(monkeypatch):
    monkeypatch.chdir(REPO)
    code = _env_snippet()
    assert 'backend="http"' in code
    ns = _run_snippet(code.replace('backend="http"', 'backend="browser"', 1))
    assert ns["obs"]["last_action_error"] == ""
    assert 'combobox "City" value="Chicago"' in ns["obs"]["text"]
