"""Parse a page's HTML into interactive elements and forms (shared by both backends).

Element ids are 1 + the element's position among all nodes matching `INTERACTIVE_SELECTOR`
in document order. The browser backend locates an element with the same selector and
`nth(id - 1)`, so ids are the same on both backends and across reloads of the same page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from selectolax.lexbor import LexborHTMLParser, LexborNode

INTERACTIVE_SELECTOR = 'a[href], button, input:not([type="hidden"]), select, textarea'
SKIPPED_TAGS = {"script", "style", "template", "noscript", "head", "-comment"}
BUTTON_INPUT_TYPES = {"submit", "image", "button", "reset"}


@dataclass
class Element:
    """One interactive element of a page."""

    id: int
    tag: str
    role: str  # link | button | textbox | combobox | checkbox | radio | other
    name: str  # accessible name
    field_name: str = ""  # the HTML name attribute
    input_type: str = ""
    href: str = ""
    value: str = ""  # value in the HTML (before anything is typed)
    options: list[tuple[str, str]] = field(default_factory=list)  # (value, label)
    form: int | None = None  # index into Page.forms
    disabled: bool = False
    hidden: bool = False  # inside a hidden subtree: not shown, not actionable
    invalid: bool = False
    multiline: bool = False
    checked: bool = False  # checkboxes and radio buttons

    @property
    def is_field(self) -> bool:
        return self.role in ("textbox", "combobox")

    def option_value(self, wanted: str) -> str | None:
        """The option value matching `wanted` by label or value (exact, then case-insensitive)."""
        for value, label in self.options:
            if wanted == label or wanted == value:
                return value
        folded = " ".join(wanted.split()).casefold()
        for value, label in self.options:
            if folded == " ".join(label.split()).casefold() or folded == value.casefold():
                return value
        return None

    def option_label(self, value: str) -> str:
        for option_value, label in self.options:
            if option_value == value:
                return label
        return value


@dataclass
class FormControl:
    """A successful-control candidate of a form, in document order."""

    name: str
    element: int | None  # element id, or None for hidden inputs
    value: str  # static value (hidden inputs, buttons)
    kind: str  # hidden | field | submit


@dataclass
class Form:
    method: str
    action: str
    controls: list[FormControl] = field(default_factory=list)


@dataclass
class Node:
    """A rendered node of the observation tree."""

    kind: str  # element | text | heading | container
    depth: int
    text: str = ""
    element: int | None = None
    level: int = 0


@dataclass
class Page:
    """A parsed page: title, elements by id, forms and the display tree."""

    title: str
    elements: dict[int, Element]
    forms: list[Form]
    nodes: list[Node]

    def element(self, element_id: int) -> Element | None:
        return self.elements.get(element_id)

    def visible_elements(self) -> list[Element]:
        return [e for e in self.elements.values() if not e.hidden]

    def defaults(self) -> dict[int, str]:
        """The value of every field as the HTML sets it."""
        return {e.id: e.value for e in self.elements.values() if e.is_field}


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _is_interactive(node: LexborNode) -> bool:
    tag = node.tag
    if tag == "a":
        return "href" in node.attributes
    if tag == "input":
        return (node.attributes.get("type") or "text").lower() != "hidden"
    return tag in ("button", "select", "textarea")


class _Parser:
    """One pass over the DOM collecting elements, forms and display nodes."""

    BLOCK_TAGS = {
        "p", "div", "section", "article", "header", "footer", "main", "nav", "form", "dialog", "ul", "ol",
        "li", "table", "tr", "td", "th", "thead", "tbody", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5",
        "h6", "fieldset", "legend", "aside", "figure", "figcaption", "blockquote", "br", "hr", "label",
        "body", "caption", "address", "details", "summary",
    }
    CONTAINERS = {
        "header": "banner", "nav": "navigation", "main": "main", "footer": "contentinfo", "form": "form",
        "dialog": "dialog", "ul": "list", "ol": "list", "li": "listitem", "article": "article",
        "table": "table", "tr": "row", "dl": "list", "aside": "complementary", "fieldset": "group",
    }

    def __init__(self, html: str) -> None:
        self.tree = LexborHTMLParser(html)
        self.by_id: dict[str, LexborNode] = {}
        self.labels_for: dict[str, str] = {}
        self.elements: dict[int, Element] = {}
        self.forms: list[Form] = []
        self.nodes: list[Node] = []
        self.counter = 0
        self.buffer: list[str] = []
        self.buffer_depth = 0

    # -- names -------------------------------------------------------------------------
    def index_ids_and_labels(self) -> None:
        for node in self.tree.css("[id]"):
            self.by_id.setdefault(node.attributes.get("id") or "", node)
        for label in self.tree.css("label[for]"):
            target = label.attributes.get("for") or ""
            self.labels_for.setdefault(target, _collapse(label.text(deep=True)))

    def accessible_name(self, node: LexborNode) -> str:
        attrs = node.attributes
        if attrs.get("aria-label"):
            return _collapse(attrs["aria-label"] or "")
        if attrs.get("aria-labelledby"):
            parts = [self.by_id[i].text(deep=True) for i in (attrs["aria-labelledby"] or "").split() if i in self.by_id]
            if parts:
                return _collapse(" ".join(parts))
        tag = node.tag
        if tag in ("a", "button"):
            return _collapse(node.text(deep=True))
        if tag == "input" and (attrs.get("type") or "").lower() in BUTTON_INPUT_TYPES:
            return _collapse(attrs.get("value") or "")
        own_id = attrs.get("id")
        if own_id and own_id in self.labels_for:
            return self.labels_for[own_id]
        parent = node.parent
        while parent is not None and parent.tag not in ("body", "form"):
            if parent.tag == "label":
                return _collapse(parent.text(deep=True))
            parent = parent.parent
        return _collapse(attrs.get("placeholder") or attrs.get("title") or attrs.get("name") or "")

    # -- walking -------------------------------------------------------------------------
    def flush(self) -> None:
        text = _collapse("".join(self.buffer))
        if text:
            self.nodes.append(Node("text", self.buffer_depth, text=text))
        self.buffer = []

    def walk(self, node: LexborNode, depth: int, hidden: bool, form: int | None) -> None:
        for child in node.iter(include_text=True):
            tag = child.tag
            if tag == "-text":
                if not hidden:
                    if not self.buffer:
                        self.buffer_depth = depth
                    self.buffer.append(child.text_content or "")
                continue
            if tag in SKIPPED_TAGS:
                continue
            attrs = child.attributes
            child_hidden = hidden or "hidden" in attrs or attrs.get("aria-hidden") == "true"
            if tag == "dialog" and "open" not in attrs:
                child_hidden = True
            if _is_interactive(child):
                self.flush()
                self.add_element(child, depth, child_hidden, form)
                continue
            if tag == "input":  # hidden input
                if form is not None and attrs.get("name") and "disabled" not in attrs:
                    self.forms[form].controls.append(FormControl(attrs["name"] or "", None, attrs.get("value") or "", "hidden"))
                continue
            if tag == "label" and (attrs.get("for") or child.css_first(INTERACTIVE_SELECTOR) is not None):
                # a field's label is shown as the field's name, not as separate text
                if child.css_first(INTERACTIVE_SELECTOR) is not None:
                    self.walk(child, depth, child_hidden, form)
                continue
            child_form = form
            if tag == "form":
                child_form = len(self.forms)
                self.forms.append(
                    Form(method=(attrs.get("method") or "get").lower(), action=attrs.get("action") or "")
                )
            is_block = tag in self.BLOCK_TAGS
            if is_block:
                self.flush()
            heading = tag in ("h1", "h2", "h3", "h4", "h5", "h6")
            if heading:
                if not child_hidden:
                    text = _collapse(child.text(deep=True))
                    if child.css_first(INTERACTIVE_SELECTOR) is None:
                        if text:
                            self.nodes.append(Node("heading", depth, text=text, level=int(tag[1])))
                        continue
                    self.nodes.append(Node("heading", depth, text=text, level=int(tag[1])))
                    self.walk(child, depth + 1, child_hidden, child_form)
                    self.flush()
                    continue
            role = attrs.get("role") or self.CONTAINERS.get(tag)
            if role and not child_hidden and tag not in ("tr",):
                label = self.container_label(child)
                self.nodes.append(Node("container", depth, text=f"{role} {label!r}" if label else role))
                self.walk(child, depth + 1, child_hidden, child_form)
            else:
                self.walk(child, depth, child_hidden, child_form)
            if is_block:
                self.flush()

    def container_label(self, node: LexborNode) -> str:
        attrs = node.attributes
        if attrs.get("aria-label") or attrs.get("aria-labelledby"):
            return self.accessible_name(node)
        return ""

    def add_element(self, node: LexborNode, depth: int, hidden: bool, form: int | None) -> None:
        self.counter += 1
        attrs = node.attributes
        tag = node.tag
        input_type = (attrs.get("type") or ("submit" if tag == "button" else "text")).lower() if tag in ("input", "button") else ""
        if tag == "a":
            role = "link"
        elif tag == "button" or input_type in BUTTON_INPUT_TYPES:
            role = "button"
        elif tag == "select":
            role = "combobox"
        elif tag == "textarea" or (tag == "input" and input_type not in ("checkbox", "radio", "file", "range", "color")):
            role = "textbox"
        elif input_type in ("checkbox", "radio"):
            role = input_type
        else:
            role = "other"
        form_attr = attrs.get("form")
        element = Element(
            id=self.counter,
            tag=tag,
            role=role,
            name=self.accessible_name(node),
            field_name=attrs.get("name") or "",
            input_type=input_type,
            href=(attrs.get("href") or "") if tag == "a" else "",
            form=form if not form_attr else None,
            disabled="disabled" in attrs,
            hidden=hidden,
            invalid=attrs.get("aria-invalid") == "true",
            multiline=tag == "textarea",
            checked=input_type in ("checkbox", "radio") and "checked" in attrs,
        )
        if tag == "select":
            options = [
                (o.attributes.get("value") if o.attributes.get("value") is not None else _collapse(o.text(deep=True)),
                 _collapse(o.text(deep=True)))
                for o in node.css("option")
            ]
            element.options = [(v or "", label) for v, label in options]
            selected = [o for o in node.css("option") if "selected" in o.attributes]
            chosen = selected[-1] if selected else (node.css_first("option"))
            if chosen is not None:
                value = chosen.attributes.get("value")
                element.value = value if value is not None else _collapse(chosen.text(deep=True))
        elif tag == "textarea":
            text = node.text(deep=True)
            element.value = text[1:] if text.startswith("\n") else text
        elif role == "textbox":
            element.value = attrs.get("value") or ""
        elif role == "button":
            element.value = attrs.get("value") or ""
        self.elements[element.id] = element
        if form is not None and element.field_name and not element.disabled:
            kind = "submit" if role == "button" else "field"
            if role == "button" and input_type not in ("submit", "image"):
                kind = "inert"
            self.forms[form].controls.append(FormControl(element.field_name, element.id, element.value, kind))
        if not hidden:
            self.nodes.append(Node("element", depth, element=element.id))

    def parse(self) -> Page:
        self.index_ids_and_labels()
        title_node = self.tree.css_first("title")
        title = _collapse(title_node.text(deep=True)) if title_node is not None else ""
        body = self.tree.body
        if body is not None:
            self.walk(body, 0, False, None)
            self.flush()
        return Page(title=title, elements=self.elements, forms=self.forms, nodes=self.nodes)


@lru_cache(maxsize=512)
def parse_page(html: str) -> Page:
    """Parse HTML into a :class:`Page` (memoised: the same HTML is parsed once).

    The returned page is shared between callers and must be treated as read-only.
    """
    return _Parser(html).parse()
