"""The expert: from any page state, the next correct action for a task (privileged).

It reads the hidden goal, the session record and the page; it never needs the history of the
episode, so it recovers from wrong moves made before it was asked.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from envs import actions as act
from envs.page import Element, Page
from envs.site import ExpertView
from mock_sites.restaurant.tasks import Task

SEATING_QUESTION = "Where would you like to sit: inside, outside on the patio, or at the bar?"
UNAVAILABLE_ANSWER = "No table is available for this request, so I did not book anything."
SEARCH_FIELDS = ("city", "date", "time", "party")


def _query(url: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(url)
    return parts.path, {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}


def _find(page: Page, role: str, name: str | None = None, field: str | None = None) -> Element | None:
    for element in page.visible_elements():
        if element.role != role or element.disabled:
            continue
        if name is not None and element.name.casefold() != name.casefold():
            continue
        if field is not None and element.field_name != field:
            continue
        return element
    return None


def _value(view: ExpertView, element: Element) -> str:
    return view.values.get(element.id, element.value)


def _set_field(view: ExpertView, element: Element, wanted: str) -> str | None:
    """The action that puts `wanted` into a field, or None when it is already there."""
    if _value(view, element) == wanted:
        return None
    if element.role == "combobox":
        return act.select(element.id, element.option_label(wanted))
    return act.fill(element.id, wanted)


def _slot_link(page: Page, rid: str, day: str, time: str, party: int) -> Element | None:
    for element in page.visible_elements():
        if element.role != "link":
            continue
        path, params = _query(element.href)
        if path == "/book" and params.get("rid") == rid and params.get("date") == day and params.get("time") == time and params.get("party") == str(party):
            return element
    return None


def _search(view: ExpertView, target: dict[str, str]) -> str:
    """Fill the search form one field at a time, then submit it; or go to where the form is."""
    page = view.page
    city = _find(page, "combobox", field="city")
    if city is None:
        home = _find(page, "link", name="Search") or _find(page, "link", name="TableTop")
        return act.click(home.id) if home is not None else act.goto("/")
    form = city.form
    for name in (*SEARCH_FIELDS, "q"):
        element = next((e for e in page.visible_elements() if e.form == form and e.field_name == name), None)
        if element is not None:
            action = _set_field(view, element, target.get(name, ""))
            if action is not None:
                return action
    button = next(e for e in page.visible_elements() if e.form == form and e.role == "button")
    return act.click(button.id)


def _wanted_details(task: Task) -> dict[str, str]:
    """The booking form's fields as the task wants them (optional ones only where it has them)."""
    goal = task.goal
    wanted = {"first_name": goal.first_name, "last_name": goal.last_name, "phone": goal.phone, "email": goal.email}
    optional = {"seating": goal.seating, "occasion": goal.occasion, "special_request": goal.special_request}
    wanted.update({name: value for name, value in optional.items() if value is not None})
    return wanted


def _booking_details(view: ExpertView, task: Task) -> str:
    page = view.page
    guest = _find(page, "button", name="Continue as guest")
    if guest is not None:
        return act.click(guest.id)
    for name, value in _wanted_details(task).items():
        element = _find(page, "combobox" if name in ("seating", "occasion") else "textbox", field=name)
        if element is None:
            continue
        if name == "seating" and "ask_seating" in task.obstacles and not any("sit" in q.casefold() for q, _ in view.dialogue):
            if _value(view, element) != value:
                return act.ask_user(SEATING_QUESTION)
        action = _set_field(view, element, value)
        if action is not None:
            return action
    submit = _find(page, "button", name="Continue to review")
    if submit is not None:
        return act.click(submit.id)
    return act.goto("/book/details")


def _draft_matches(view: ExpertView, task: Task) -> bool:
    draft = view.session.get("draft") or {}
    return all(draft.get(k, "") == v for k, v in _wanted_details(task).items())


def next_action(view: ExpertView) -> str:
    """The next action of an optimal agent from this state."""
    task: Task = view.task
    goal = task.goal
    page = view.page
    for blocker in ("Accept all", "No thanks"):
        button = _find(page, "button", name=blocker)
        if button is not None:
            return act.click(button.id)
    path, params = _query(view.url)
    target_search = {"city": goal.city, "date": goal.date, "time": goal.time, "party": str(goal.party), "q": ""}
    right_search = path == "/search" and all(params.get(k) == v for k, v in target_search.items() if k != "q")

    if task.expected.kind == "infeasible":
        if path == f"/restaurant/{goal.restaurant_id}" and params.get("date") == goal.date and params.get("party") == str(goal.party):
            return act.stop(UNAVAILABLE_ANSWER)
        if right_search:
            link = next((e for e in page.visible_elements() if e.role == "link" and urlsplit(e.href).path == f"/restaurant/{goal.restaurant_id}"), None)
            if link is not None:
                return act.click(link.id)
            following = _find(page, "link", name="Next page")
            if following is not None:
                return act.click(following.id)
        return _search(view, target_search)

    slot = view.session.get("slot") or {}
    wanted_slot = {"rid": goal.restaurant_id, "date": goal.date, "time": task.expected.time, "party": goal.party}
    if slot == wanted_slot:
        if path == "/book/details":
            return _booking_details(view, task)
        if path == "/book/review":
            if _draft_matches(view, task):
                complete = _find(page, "button", name="Complete reservation")
                if complete is not None:
                    return act.click(complete.id)
            edit = _find(page, "link", name="Edit details")
            return act.click(edit.id) if edit is not None else act.goto("/book/details")
        return act.goto("/book/details")

    link = _slot_link(page, goal.restaurant_id, goal.date, task.expected.time or goal.time, goal.party)
    if link is not None:
        return act.click(link.id)
    if right_search:
        following = _find(page, "link", name="Next page")
        if following is not None:
            return act.click(following.id)
    return _search(view, target_search)
