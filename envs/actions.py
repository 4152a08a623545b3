"""The action grammar: parsing agent strings into `Action` records and formatting them back.

Actions are calls with literal arguments::

    click(12)   fill(12, "Ada")   select(7, "7:00 PM")   goto("/reservations")
    back()      ask_user("Where would you like to sit?")   stop("Booked, code TT-ABC123")

Parsing never evaluates code: the string is parsed with :mod:`ast` and only literal
arguments are accepted. Every problem raises :class:`ActionError` with a message that says
what was wrong, which the environment turns into ``last_action_error``.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass

MAX_ACTION_CHARS = 4000

# name -> argument kinds, in order ("id" is an element id, "text" a string)
SIGNATURES: dict[str, tuple[str, ...]] = {
    "click": ("id",),
    "fill": ("id", "text"),
    "select": ("id", "text"),
    "goto": ("text",),
    "back": (),
    "ask_user": ("text",),
    "stop": ("text",),
}


class ActionError(ValueError):
    """An action string that cannot be parsed or executed; the message is shown to the agent."""


@dataclass(frozen=True)
class Action:
    """A parsed action. `element` is set for click/fill/select, `text` for the others that take one."""

    kind: str
    element: int | None = None
    text: str | None = None

    def __str__(self) -> str:
        return format_action(self)


def format_action(action: Action) -> str:
    """The canonical string of an action; `parse_action(format_action(a)) == a`."""
    args: list[str] = []
    for kind in SIGNATURES[action.kind]:
        if kind == "id":
            args.append(str(action.element))
        else:
            args.append(json.dumps(action.text, ensure_ascii=False))
    return f"{action.kind}({', '.join(args)})"


def click(element: int) -> str:
    """Canonical `click(id)` string."""
    return format_action(Action("click", element=element))


def fill(element: int, text: str) -> str:
    """Canonical `fill(id, "text")` string."""
    return format_action(Action("fill", element=element, text=text))


def select(element: int, option: str) -> str:
    """Canonical `select(id, "option")` string."""
    return format_action(Action("select", element=element, text=option))


def goto(path: str) -> str:
    """Canonical `goto("/path")` string."""
    return format_action(Action("goto", text=path))


def back() -> str:
    """Canonical `back()` string."""
    return "back()"


def ask_user(question: str) -> str:
    """Canonical `ask_user("question")` string."""
    return format_action(Action("ask_user", text=question))


def stop(answer: str) -> str:
    """Canonical `stop("answer")` string."""
    return format_action(Action("stop", text=answer))


def _literal(node: ast.expr, position: int, name: str) -> object:
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError) as exc:
        raise ActionError(f"argument {position} of {name}() must be a literal, got {ast.unparse(node)!r}") from exc


def _element_id(value: object, name: str) -> int:
    if isinstance(value, list) and len(value) == 1:  # tolerate click([12])
        value = value[0]
    if isinstance(value, str) and value.strip().lstrip("[").rstrip("]").isdigit():
        value = int(value.strip().lstrip("[").rstrip("]"))
    if isinstance(value, bool) or not isinstance(value, int):
        raise ActionError(f"{name}() expects an element id (a number such as 12) as its first argument, got {value!r}")
    if value < 1:
        raise ActionError(f"element ids start at 1, got {value}")
    return value


def parse_action(text: object) -> Action:
    """Parse an action string. Raises :class:`ActionError` with a readable reason."""
    if not isinstance(text, str):
        raise ActionError(f"an action must be a string, got {type(text).__name__}")
    source = text.strip()
    if not source:
        raise ActionError("empty action; expected e.g. click(12) or stop(\"answer\")")
    if len(source) > MAX_ACTION_CHARS:
        raise ActionError(f"action is {len(source)} characters long; the limit is {MAX_ACTION_CHARS}")
    try:
        tree = ast.parse(source, mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        raise ActionError(f"cannot parse {_clip(source)!r}; expected name(arguments), e.g. fill(3, \"Ada\")") from None
    call = tree.body
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
        raise ActionError(f"{_clip(source)!r} is not an action call; expected one of {', '.join(SIGNATURES)}")
    name = call.func.id
    if name not in SIGNATURES:
        raise ActionError(f"unknown action {name!r}; known actions: {', '.join(SIGNATURES)}")
    if call.keywords:
        raise ActionError(f"{name}() takes positional arguments only")
    expected = SIGNATURES[name]
    if len(call.args) != len(expected):
        raise ActionError(f"{name}() takes {len(expected)} argument(s) ({', '.join(expected) or 'none'}), got {len(call.args)}")
    element: int | None = None
    argument: str | None = None
    for position, (kind, node) in enumerate(zip(expected, call.args), start=1):
        value = _literal(node, position, name)
        if kind == "id":
            element = _element_id(value, name)
        else:
            if not isinstance(value, str):
                raise ActionError(f"argument {position} of {name}() must be a quoted string, got {value!r}")
            argument = value
    return Action(name, element=element, text=argument)


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
