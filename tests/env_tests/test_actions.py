"""The action grammar: canonical formatting, parsing and readable errors."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from envs.actions import Action, ActionError, format_action, parse_action


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("click(12)", Action("click", element=12)),
        ("  click( 3 ) ", Action("click", element=3)),
        ("click([7])", Action("click", element=7)),
        ('click("4")', Action("click", element=4)),
        ('fill(2, "Ada Lovelace")', Action("fill", element=2, text="Ada Lovelace")),
        ("fill(2, 'single quotes')", Action("fill", element=2, text="single quotes")),
        ('select(5, "7:00 PM")', Action("select", element=5, text="7:00 PM")),
        ('goto("/reservations")', Action("goto", text="/reservations")),
        ("back()", Action("back")),
        ('ask_user("Where would you like to sit?")', Action("ask_user", text="Where would you like to sit?")),
        ('stop("Zoë says \\"hi\\"")', Action("stop", text='Zoë says "hi"')),
    ],
)
def test_parse_valid_actions(text: str, expected: Action) -> None:
    assert parse_action(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty action"),
        ("clack(3)", "unknown action 'clack'"),
        ("click()", "takes 1 argument"),
        ("click(0)", "ids start at 1"),
        ("click(True)", "expects an element id"),
        ("fill(3, 4)", "must be a quoted string"),
        ("fill(3)", "takes 2 argument"),
        ("click(x)", "must be a literal"),
        ("__import__('os').system('true')", "not an action call"),
        ("click(3", "cannot parse"),
        ("click(id=3)", "positional arguments only"),
        ("x" * 5000, "limit is"),
    ],
)
def test_parse_errors_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ActionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_action(text)


def test_non_string_action_is_an_error() -> None:
    with pytest.raises(ActionError, match="must be a string"):
        parse_action(12)  # type: ignore[arg-type]


@given(st.sampled_from(["click", "fill", "select", "goto", "back", "ask_user", "stop"]), st.integers(1, 500), st.text(max_size=40))
def test_format_then_parse_round_trips(kind: str, element: int, text: str) -> None:
    from envs.actions import SIGNATURES

    signature = SIGNATURES[kind]
    action = Action(kind, element=element if "id" in signature else None, text=text if "text" in signature else None)
    assert parse_action(format_action(action)) == action


@settings(max_examples=300)
@given(st.text(max_size=200))
def test_parser_only_raises_action_errors(text: str) -> None:
    try:
        parse_action(text)
    except ActionError as exc:
        assert str(exc)
