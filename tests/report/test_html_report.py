"""report.html without a browser: self-contained, every section, the chosen path, bad files, the CLI and runs."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from report_fixtures import HOSTILE, ROWS, make_run, tree

from agentq.config import config_from_dict
from agentq.html_report import load_run, write_html_report
from agentq.html_report.trees import chosen_path, read_tree, short_action
from agentq.runner import run_experiment

REPO = Path(__file__).resolve().parents[2]


class Page(HTMLParser):
    """Collects what the tests look at: attribute values of src/href, ids, episode table cells, tree nodes."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.ids: list[str] = []
        self.tags: set[str] = set()
        self.list_cells: list[str] = []
        self._in_list = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.add(tag)
        self.urls += [v for k, v in attrs if k in ("src", "href") and v is not None]
        if "id" in a:
            self.ids.append(a["id"])
        if a.get("id") == "episode-table":
            self._in_list = True
        if self._in_list and tag == "td":
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self._in_list = False
        if tag == "td" and self._cell is not None:
            self.list_cells.append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


@pytest.fixture
def report(tmp_path) -> tuple[Path, str]:
    run = make_run(tmp_path)
    path = write_html_report(run)
    return run, path.read_text(encoding="utf-8")


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def test_report_is_one_self_contained_file(report):
    run, html = report
    page = parse(html)
    assert (run / "report.html").is_file()
    assert "link" not in page.tags and "iframe" not in page.tags  # no stylesheet or frame to fetch
    external = [u for u in page.urls if not (u.startswith("#") or u.startswith("data:"))]
    assert external == []
    assert not re.search(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", html.replace("http://www.w3.org", ""))
    assert "<style>" in html and "<script>" in html and "@import" not in html
    images = [u for u in page.urls if u.startswith("data:image/png;base64,")]
    assert len(images) == 2  # the plot and the step's screenshot
    assert len(page.ids) == len(set(page.ids))  # ids are unique, so every link has one target
    for target in {u[1:] for u in page.urls if u.startswith("#")}:
        assert target in page.ids


def test_summary_with_intervals_and_optional_sections(report):
    _, html = report
    assert "33.3 (6.1-79.2)" in html and "50.0 (9.5-90.5)" in html  # success with Wilson interval
    assert "summary schema 2" in html
    assert "Measured component quality (%)" in html and "Critic top correct" in html and "<td>61.0</td>" in html
    assert "Paired comparisons (same tasks)" in html and "McNemar p" in html
    assert "The &#39;notes&#39; section of summary.json" in html and "0, 1" in html  # an unknown section
    assert "100.0 (1/1)" in html  # by difficulty


def test_summary_as_a_plain_list_still_works(tmp_path):
    run = make_run(tmp_path, summary_style="list")
    html = write_html_report(run).read_text(encoding="utf-8")
    assert "33.3 (6.1-79.2)" in html and "component quality" not in html and "Paired comparison" not in html


def test_every_episode_is_listed_with_its_task_id_and_links_to_its_panel(report):
    _, html = report
    cells = parse(html).list_cells
    assert len(cells) == 9 * len(ROWS)
    per_row = [cells[i : i + 9] for i in range(0, len(cells), 9)]
    assert [(r[0], r[1], r[2], r[5]) for r in per_row] == [
        ("0", "dev-0001", "pure", "Success"), ("1", "dev-0001", "mcts", "Success"),
        ("2", "dev-0002", "pure", "Failure"), ("3", "dev-0002", "mcts", "Error"), ("4", "dev-0003", "pure", "Failure"),
    ]  # fmt: skip
    for r in ROWS:
        assert f'<a href="#ep-{r["index"]}">{r["task_id"]}</a>' in html
        assert f'<article class="episode" id="ep-{r["index"]}"' in html


def test_episode_panel_has_goal_steps_errors_outcome_and_escaped_pages(report):
    _, html = report
    panel = html[html.index('id="ep-1"') : html.index('id="ep-2"')]
    assert "Book a table for dev-0001" in panel
    assert "<code>click(4)</code> on <code>/</code>" in panel and "Error after this action: no element 7" in panel
    assert "Candidates at step 1" in panel and "0.900" in panel and "0.250" in panel
    # step 2's critic scored three candidates but two proposals were kept: shown apart, not misaligned
    assert "Critic scores of the candidates it was shown: 0.500, 0.200, 0.100" in panel
    assert "Your table is booked" in panel and "/reservations/TT-ABC123" in panel
    assert HOSTILE not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in panel
    error_panel = html[html.index('id="ep-3"') : html.index('id="ep-4"')]
    assert "RuntimeError: boom" in error_panel and "Traceback (most recent call last)" in error_panel
    assert "click(4)" in error_panel  # no trace: the row's actions are listed


def test_unreadable_trace_is_named_and_the_rest_is_shown(report):
    _, html = report
    panel = html[html.index('id="ep-4"') :]
    assert "traces/00004.json" in panel and "task_id" in panel  # what is wrong with it


def test_tree_is_drawn_with_the_chosen_path_open(report):
    _, html = report
    tree_html = html[html.index('id="ep-1-tree"') :]
    tree_html = tree_html[: tree_html.index("</ul>\n")] if "</ul>\n" in tree_html else tree_html
    opened = re.findall(r'<details class="node on-path" open><summary><span class="act">([^<]*)</span>', tree_html)
    assert opened == ["root", "click(1)"]
    assert re.search(r'class="node leaf on-path"><span class="act">fill\(5, &#34;a rather long', tree_html)
    closed = '<details class="node"><summary><span class="act">click(2)</span> <span class="stats">visits 9 · Q 0.800'
    assert closed + " · critic 0.300" in tree_html
    assert "chosen path" in tree_html


def test_tree_without_chosen_marks_highlights_the_most_visited_path(tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps(tree(chosen=False, critic_key="critic")), encoding="utf-8")
    view = read_tree(path)
    assert not view.marked and view.path == [0, 3, 4]
    assert view.nodes[3].score == pytest.approx(0.3)  # the older attribute name is read too
    marked = tmp_path / "m.json"
    marked.write_text(json.dumps(tree(chosen=True)), encoding="utf-8")
    assert read_tree(marked).path == [0, 1, 2]


def test_chosen_path_and_short_labels():
    children = {"r": ["a", "b"], "a": [], "b": ["c"], "c": []}
    attrs = {"r": {}, "a": {"visits": 5}, "b": {"visits": 5}, "c": {"visits": 1}}
    assert chosen_path("r", children, attrs.__getitem__) == ["r", "a"]  # ties: the first child
    assert short_action(None) == "root"
    label = short_action('fill(12, "a very long piece of text for the field")', 20)
    assert len(label) == 20 and label.startswith('fill(12, "a') and label.endswith("…)")


def test_pairs_are_shown(report):
    _, html = report
    panel = html[html.index('id="ep-1"') : html.index('id="ep-2"')]
    assert "Preference pairs (2)" in panel
    assert "<code>stop(&#34;done&#34;)</code>" in panel and "<code>click(9)</code>" in panel and "0.800" in panel


def test_broken_tree_costs_only_its_section(tmp_path):
    run = make_run(tmp_path)
    (run / "trees" / "000003-mcts-dev-0002.json").write_text('{"nodes": [{"id": 0}, {"id": 1}], "edges": []}')
    data = load_run(run)
    ep = next(e for e in data.episodes if e.index == 3)
    assert ep.tree is None and "one root" in ep.tree_error
    html = write_html_report(run).read_text(encoding="utf-8")
    assert "trees/000003-mcts-dev-0002.json" in html and 'id="ep-1-tree"' in html


def test_cli_html_flag_writes_the_report(tmp_path):
    run = make_run(tmp_path)
    (run / "report.html").unlink(missing_ok=True)
    done = subprocess.run([sys.executable, "-m", "agentq.report", str(run), "--html", "--no-plots"], cwd=REPO,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (run / "report.html").is_file() and "HTML report:" in done.stdout
    assert "dev-0003" in (run / "report.html").read_text(encoding="utf-8")


def test_every_run_writes_report_html(tmp_path):
    cfg = config_from_dict({
        "name": "html_run", "seed": 1, "env": {"name": "agentq.testing.fake_worker:FakeWorker", "backend": "http",
        "options": {"n_tasks": 3}}, "tasks": {"split": "dev"},
        "agents": [{"name": "pure", "policy": {"name": "noisy_expert", "p": 0.5}},
                   {"name": "hybrid", "policy": {"name": "noisy_expert", "p": 0.7}, "critic": {"name": "noisy_expert"},
                    "judge": {"name": "env"}, "planner": {"simulations": 2}}],
        "output": {"plots": False, "save_trees": "first"},
    })  # fmt: skip
    out = run_experiment(cfg, tmp_path / "run", workers=1)
    html = (out.run_dir / "report.html").read_text(encoding="utf-8")
    assert all(f">t00{i}</a>" in html for i in range(3))
    assert 'id="ep-1-tree"' in html  # the fake worker's saved tree
