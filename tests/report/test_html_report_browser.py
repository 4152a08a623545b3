"""report.html in Chromium (Playwright, file://): axe-core WCAG 2 A/AA, filtering, an episode, a tree node."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_fixtures import make_run

from agentq.html_report import write_html_report
from envs.backends.chromium import CHROMIUM_ARGS, find_chromium

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]

AXE = Path(__file__).resolve().parent / "axe.min.js"
BLOCKING = ("critical", "serious")


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    from envs.backends.chromium_session import PLAYWRIGHT

    run = make_run(tmp_path_factory.mktemp("html"))
    report = write_html_report(run)
    pw = PLAYWRIGHT.acquire()  # this thread's driver, shared with any env another test left open
    try:
        try:
            default = pw.chromium.executable_path
        except Exception:
            default = None
        browser = pw.chromium.launch(executable_path=find_chromium(None, default), headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(offline=True)  # the page must need no network at all
        requests: list[str] = []
        context.on("request", lambda r: requests.append(r.url))
        pg = context.new_page()
        pg.goto(report.as_uri())
        yield pg
        browser.close()
    finally:
        PLAYWRIGHT.release()
    assert all(u.startswith(("file:", "data:")) for u in requests), requests


def axe_violations(pg) -> list[dict]:
    """Run axe-core's WCAG 2 A and AA rules on the page as it is now."""
    if not pg.evaluate("typeof window.axe !== 'undefined'"):
        pg.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = pg.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})"
    )
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def _describe(violations: list[dict]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes'][:3]]}"
                     for v in violations)  # fmt: skip


def test_report_passes_axe_and_filters_opens_and_expands(page):
    pg = page
    assert pg.title().startswith("html_fixture")
    bad = axe_violations(pg)
    assert not bad, _describe(bad)

    rows = pg.locator("#episode-table tbody tr")
    assert rows.count() == 5
    pg.select_option("#filter-agent", "mcts")
    assert pg.locator("#episode-table tbody tr:not([hidden])").count() == 2
    assert pg.locator("#filter-status").inner_text() == "Showing 2 of 5 episodes"
    pg.fill("#filter-text", "dev-0002")
    visible = pg.locator("#episode-table tbody tr:not([hidden])")
    assert visible.count() == 1 and "dev-0002" in visible.inner_text()
    pg.click("#filter-reset")
    assert pg.locator("#episode-table tbody tr:not([hidden])").count() == 5

    panel = pg.locator("#ep-1")
    assert not panel.is_visible()
    pg.get_by_role("link", name="dev-0001").nth(1).click()  # episode 1: dev-0001 with mcts
    assert panel.is_visible()
    assert "Book a table for dev-0001" in panel.inner_text()
    assert pg.locator("#ep-1 figure img").first.get_attribute("src").startswith("data:image/png;base64,")

    step = panel.locator("ol.steps > li details").first
    step.locator("summary").click()
    assert step.locator("pre").is_visible() and '<script>alert("x")</script>' in step.locator("pre").inner_text()

    # the chosen path is open; the most visited branch (click(2)) starts closed: expand it
    branch = pg.locator("xpath=//ul[@id='ep-1-tree']//details[summary/span[@class='act' and text()='click(2)']]")
    assert branch.get_attribute("open") is None
    leaf = branch.locator("css=.leaf")
    assert not leaf.is_visible()
    branch.locator("xpath=summary").click()
    assert branch.get_attribute("open") == "" and leaf.is_visible()
    pg.get_by_role("button", name="Collapse all").first.click()
    assert not leaf.is_visible()

    bad = axe_violations(pg)  # the open panel, its steps and tree, too
    assert not bad, _describe(bad)
