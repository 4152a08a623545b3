"""The report explains a search: per-step candidates with visits, Q, critic score and prior and the
one taken; a plan-once search's judged trajectories with the chosen one first; pair rows with the
node's path from the episode start; tree rows with their URL labelled."""

from __future__ import annotations

import html as html_lib
import json
import re

import pytest
from report_fixtures import make_run

from agentq.config import config_from_dict
from agentq.html_report import write_html_report
from agentq.runner import run_experiment


@pytest.fixture
def html(tmp_path) -> str:
    run = make_run(tmp_path)
    path = run / "traces" / "00001.json"
    trace = json.loads(path.read_text(encoding="utf-8"))
    trace["steps"][0]["candidate_stats"] = [{"visits": 7, "q": 0.625}, {"visits": 2, "q": None}]
    trace["steps"][0]["trajectories"] = [
        {"actions": ["click(7)", "back()"], "verdict": 0.25, "chosen": False},
        {"actions": ["click(4)", "click(7)"], "verdict": 0.875, "chosen": True},
    ]
    path.write_text(json.dumps(trace), encoding="utf-8")
    return write_html_report(run).read_text(encoding="utf-8")


def _panel(html: str, index: int) -> str:
    return html[html.index(f'id="ep-{index}"') : html.index(f'id="ep-{index + 1}"')]


def _cells(row: str) -> list[str]:
    return [html_lib.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]


def test_candidates_show_the_search_statistics_and_the_one_taken(html):
    panel = _panel(html, 1)
    table = panel[panel.index("Candidates at step 1") :]
    table = table[: table.index("</table>")]
    assert "<th scope=\"col\">Visits</th><th scope=\"col\">Q</th>" in table
    rows = re.findall(r"<tr[^>]*>.*?</tr>", table[table.index("<tbody>") :])
    assert _cells(rows[0]) == ["click(4)", "0.500", "0.900", "7", "0.625", "yes"] and 'class="taken"' in rows[0]
    assert _cells(rows[1]) == ["click(7)", "0.250", "0.100", "2", "-", ""]
    later = panel[panel.index("Candidates at step 2") :]
    assert "Visits" not in later[: later.index("</table>")]  # a step without search statistics: no such columns


def test_judged_trajectories_are_listed_with_verdicts_chosen_first(html):
    panel = _panel(html, 1)
    table = panel[panel.index("Trajectories the search judged") :]
    rows = re.findall(r"<tr[^>]*>.*?</tr>", table[table.index("<tbody>") : table.index("</table>")])
    assert [_cells(r) for r in rows] == [["0.875", "yes", "2", "click(4) > click(7)"],
                                         ["0.250", "", "2", "click(7) > back()"]]  # fmt: skip


def test_pair_rows_show_the_path_from_the_episode_start_and_tree_rows_their_url(html):
    panel = _panel(html, 1)
    assert "Path from the episode start to the node" in panel and "(root)" not in panel
    assert "<td>click(4)</td>" in panel  # the pair's prompt history, not its path inside the moving tree
    assert "URL /" in panel


def test_a_real_run_records_what_the_report_shows(tmp_path):
    agents = [
        {"name": "bon", "kind": "best_of_n", "policy": {"name": "noisy_expert", "p": 0.6},
         "judge": {"name": "noisy", "flip": 0.1}, "planner": {"n": 6, "stop_on_accept": False}},
        {"name": "mcts", "kind": "mcts", "policy": {"name": "noisy_expert", "p": 0.6},
         "critic": {"name": "noisy_expert", "accuracy": 0.7}, "judge": {"name": "env"},
         "planner": {"simulations": 4, "num_candidates": 3}},
    ]  # fmt: skip
    cfg = config_from_dict({"name": "search_report", "env": {"name": "restaurant", "backend": "http"},
                            "tasks": {"split": "dev", "n": 1}, "agents": agents,
                            "output": {"plots": False, "save_trees": "first"}})  # fmt: skip
    run_experiment(cfg, tmp_path / "run", workers=1)
    bon = json.loads((tmp_path / "run" / "traces" / "00000.json").read_text(encoding="utf-8"))["steps"][0]
    assert bon["trajectories"] and sum(t["chosen"] for t in bon["trajectories"]) <= 1
    assert all(isinstance(t["verdict"], float) and t["actions"] for t in bon["trajectories"])
    mcts = json.loads((tmp_path / "run" / "traces" / "00001.json").read_text(encoding="utf-8"))["steps"][0]
    assert len(mcts["candidate_stats"]) == len(mcts["proposals"])
    assert sum(c["visits"] for c in mcts["candidate_stats"]) > 0
    trees = sorted(p.name for p in (tmp_path / "run" / "trees").glob("*.json"))
    steps = len(json.loads((tmp_path / "run" / "traces" / "00001.json").read_text(encoding="utf-8"))["steps"])
    assert trees[0].startswith("000001-mcts-") and ".step-" not in trees[0]
    assert len(trees) == steps and all(".step-" in t for t in trees[1:])  # every decision's tree is kept
    page = (tmp_path / "run" / "report.html").read_text(encoding="utf-8")
    assert "Trajectories the search judged" in page and '<th scope="col">Visits</th>' in page
    assert page.count("Search tree at this decision") == steps - 1


def test_a_paired_cell_links_to_the_tasks_only_one_agent_solved(tmp_path):
    from agentq.report import write_report
    from agentq.results import row_line

    run = make_run(tmp_path)
    rows = [json.loads(line) for line in (run / "episodes.jsonl").read_text(encoding="utf-8").splitlines()]
    rows[0]["success"] = False  # dev-0001: only mcts (episode 1) solves it
    (run / "episodes.jsonl").write_bytes(b"".join(row_line(r) for r in rows))
    write_report(run, plots=False, html=True)
    page = (run / "report.html").read_text(encoding="utf-8")
    table = page[page.index("Paired comparisons (same tasks)") :]
    row = re.findall(r"<tr[^>]*>.*?</tr>", table[table.index("<tbody>") : table.index("</table>")])[0]
    assert '<td>1: <a href="#ep-1">dev-0001</a></td>' in row and "<td>0</td>" in row


def test_beyond_the_page_budget_steps_link_to_their_trace_file(tmp_path, monkeypatch):
    from agentq.html_report import builder

    run = make_run(tmp_path)
    first_page = len(json.loads((run / "traces" / "00001.json").read_text(encoding="utf-8"))["steps"][0]["page"])
    monkeypatch.setattr(builder, "MAX_PAGE_CHARS", first_page)  # room for episode 1's first page only
    page = write_html_report(run).read_text(encoding="utf-8")
    panel = _panel(page, 1)
    assert panel.count("Page before the action:") == 1
    assert 'it is in <a href="traces/00001.json">traces/00001.json</a>' in panel
    assert "the page text of 3 later steps is not inlined" in page  # episode 1's second step, episode 2's two
