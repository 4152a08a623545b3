"""The agent loop, the planner and the learning code know no site: no module there names one
(sites are reached by name through the adapter table, `agentq.agents.sites.SITES`)."""

from __future__ import annotations

import re
from pathlib import Path

from agentq.agents.sites import SITES

REPO = Path(__file__).resolve().parents[2]
SITE_WORDS = re.compile("|".join([*SITES, "tabletop", "mock_sites"]), re.IGNORECASE)


def _sites_table_lines(path: Path) -> set[int]:
    """Line numbers of the SITES table in sites.py (the one place that maps names to adapters)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("SITES"))
    end = next(i for i in range(start, len(lines)) if lines[i].rstrip().endswith("}"))
    return set(range(start + 1, end + 2))


def test_no_module_of_agents_planner_or_learn_names_a_site():
    table = REPO / "agentq" / "agents" / "sites.py"
    offenders = []
    for folder in ("agents", "planner", "learn"):
        for path in sorted((REPO / "agentq" / folder).rglob("*.py")):
            allowed = _sites_table_lines(path) if path == table else set()
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if SITE_WORDS.search(line) and number not in allowed:
                    offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert offenders == []
