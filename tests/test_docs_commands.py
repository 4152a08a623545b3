"""The commands quoted in docs/ work against the shipped files (agentq.run commands resolve their
config; every other module answers --help), and every relative link in docs/ resolves."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from agentq import run as run_cli

REPO = Path(__file__).resolve().parents[1]
DOCS = sorted((REPO / "docs").rglob("*.md"))
COMMAND = re.compile(r"python -m ([\w.]+)((?: [^`\n#]*)?)")
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _commands() -> list[tuple[str, str, str]]:
    found = []
    for doc in DOCS:
        for m in COMMAND.finditer(doc.read_text(encoding="utf-8")):
            found.append((doc.relative_to(REPO).as_posix(), m.group(1), m.group(2).strip()))
    return found


COMMANDS = _commands()


@pytest.mark.parametrize("doc, module, args", [c for c in COMMANDS if c[1] == "agentq.run"])
def test_run_commands_in_the_docs_resolve(doc, module, args, monkeypatch):
    monkeypatch.chdir(REPO)
    monkeypatch.syspath_prepend(str(REPO))
    parsed = run_cli.build_parser().parse_args(shlex.split(args))
    if parsed.list or parsed.resume is not None:
        return
    cfg, _, _ = run_cli.resolve(parsed)
    assert cfg.agents, (doc, args)


@pytest.mark.parametrize("module", sorted({c[1] for c in COMMANDS if c[1] != "agentq.run"}))
def test_other_modules_in_the_docs_answer_help(module):
    done = subprocess.run([sys.executable, "-m", module, "--help"], cwd=REPO, capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert done.returncode == 0 and "usage:" in done.stdout, done.stderr


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_relative_links_in_the_docs_resolve(doc):
    for target in LINK.findall(doc.read_text(encoding="utf-8")):
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue  # a URL or an anchor on the same page
        assert (doc.parent / target.split("#")[0]).exists(), f"{doc.name}: broken link {target}"
