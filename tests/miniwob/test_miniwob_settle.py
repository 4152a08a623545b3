"""An observation shows the page after the work its action set off. jQuery UI's autocomplete, for
one, searches in a zero-delay timer; whether that timer had run when the page was read used to
depend on the machine's load, so the same actions could show different pages. The driver now lets
zero-delay timers run (twice over) after every action and after the episode's start."""

from __future__ import annotations

import pytest

from mock_sites.miniwob.driver import MiniWoBDriver
from mock_sites.miniwob.page_script import SETTLE_JS


class _Recorder:
    """A stand-in for Playwright's page and locators that logs what the driver asks of them."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def locator(self, selector: str) -> _Recorder:
        return self

    def evaluate(self, script: str, *args: object) -> object:
        self.calls.append("settle" if script == SETTLE_JS else "script")
        return False  # TOGGLE_OPTION_JS: not an option of a list box

    def click(self) -> None:
        self.calls.append("click")

    def fill(self, text: str) -> None:
        self.calls.append("fill")

    def select_option(self, value: str) -> None:
        self.calls.append("select")


@pytest.mark.parametrize(("act", "done"), [
    (lambda d: d.click(3), ["script", "click", "settle"]),
    (lambda d: d.fill(1, "Eq"), ["fill", "settle"]),
    (lambda d: d.select(2, "a"), ["select", "settle"]),
])  # fmt: skip
def test_every_action_lets_the_page_settle_before_it_is_read(act, done):
    driver = MiniWoBDriver("http://127.0.0.1:1")
    driver.page = _Recorder()
    act(driver)
    assert driver.page.calls == done


@pytest.mark.browser
def test_settling_waits_for_chained_zero_delay_timers(miniwob_env):
    miniwob_env.reset(seed=5, options={"task_id": "train-use-autocomplete-nodelay.2"})
    page = miniwob_env.unwrapped.driver.page
    page.evaluate("() => { window.__settled = 0; setTimeout(() => setTimeout(() => { window.__settled = 2; }, 0), 0); }")
    page.evaluate(SETTLE_JS)
    assert page.evaluate("() => window.__settled") == 2
