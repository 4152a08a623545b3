"""Render a parsed page plus the current field values into the text tree agents read.

Example::

    page "Find a table — TableTop"
    banner
      [1] link "TableTop"
    main
      heading 1 "Find a table"
      form
        [4] combobox "City" value="San Francisco" options=["Austin", "Boston", ...]
        [8] textbox "Restaurant or cuisine (optional)" value=""
        [9] button "Search"
"""

from __future__ import annotations

import json

from envs.page import Element, Page

MAX_OPTIONS_SHOWN = 25


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def describe_element(element: Element, value: str | None) -> str:
    """One line for an interactive element, with its id, role, name and state."""
    parts = [f"[{element.id}]", element.role, _quote(element.name)]
    if element.role == "textbox":
        shown = value if value is not None else element.value
        if element.input_type == "password":
            shown = "•" * len(shown)
        parts.append(f"value={_quote(shown)}")
        if element.multiline:
            parts.append("multiline")
    elif element.role == "combobox":
        current = value if value is not None else element.value
        parts.append(f"value={_quote(element.option_label(current))}")
        labels = [label for _, label in element.options]
        if len(labels) > MAX_OPTIONS_SHOWN:
            labels = labels[:MAX_OPTIONS_SHOWN] + [f"... {len(element.options) - MAX_OPTIONS_SHOWN} more"]
        parts.append("options=[" + ", ".join(_quote(label) for label in labels) + "]")
    elif element.checked:
        parts.append("checked")
    if element.invalid:
        parts.append("invalid")
    if element.disabled:
        parts.append("disabled")
    return " ".join(parts)


def render_text(page: Page, values: dict[int, str] | None = None, dialogue: list[tuple[str, str]] | None = None) -> str:
    """The observation text: the page tree, then any conversation with the user."""
    values = values or {}
    lines = [f"page {_quote(page.title)}"]
    for node in page.nodes:
        indent = "  " * node.depth
        if node.kind == "element" and node.element is not None:
            element = page.elements[node.element]
            lines.append(indent + describe_element(element, values.get(element.id)))
        elif node.kind == "heading":
            lines.append(f"{indent}heading {node.level} {_quote(node.text)}")
        elif node.kind == "container":
            lines.append(indent + node.text)
        else:
            lines.append(f"{indent}text {_quote(node.text)}")
    for question, answer in dialogue or []:
        lines.append(f"you asked the user: {_quote(question)}")
        lines.append(f"the user answered: {_quote(answer)}")
    return "\n".join(lines)
