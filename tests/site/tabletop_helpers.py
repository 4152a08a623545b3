"""Test helpers for the TableTop site: a tiny form-driving client and markup checks (stdlib only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

from mock_sites.restaurant.state import SessionState

TOKEN = "test-sandbox-token"
GUEST = {
    "first_name": "Ana", "last_name": "López", "phone": "415-555-0134", "email": "ana@example.com",
    "seating": "outdoor", "occasion": "birthday", "special_request": "A quiet table, please",
}
VOID = {"input", "meta", "link", "br", "img", "hr"}


@dataclass
class Control:
    tag: str
    attrs: dict
    value: str = ""
    options: list[tuple[str, str, bool]] = field(default_factory=list)  # (value, text, selected)


@dataclass
class Form:
    attrs: dict
    controls: list[Control] = field(default_factory=list)
    buttons: list[tuple[str, dict]] = field(default_factory=list)  # (text, attrs)


class PageParser(HTMLParser):
    """Collects links, forms, labels, ids, error paragraphs and visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.forms: list[Form] = []
        self.elements: list[tuple[str, dict]] = []
        self.label_for: dict[str, str] = {}
        self.text_parts: list[str] = []
        self._capture: list[list] = []  # stacks of [tag, attrs, text parts]
        self._form: Form | None = None
        self._control: Control | None = None
        self._option: list | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        self.elements.append((tag, a))
        if tag in ("a", "button", "label", "textarea", "p", "h1", "h2", "h3", "title", "dt", "dd"):
            self._capture.append([tag, a, []])
        if tag == "form":
            self._form = Form(a)
            self.forms.append(self._form)
        elif tag in ("input", "select", "textarea") and self._form is not None:
            self._control = Control(tag, a, a.get("value", ""))
            if tag != "button":
                self._form.controls.append(self._control)
        elif tag == "option" and self._control is not None:
            self._option = [a.get("value", ""), [], "selected" in a]

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None and self._control is not None:
            self._control.options.append((self._option[0], "".join(self._option[1]).strip(), self._option[2]))
            self._option = None
        if tag == "form":
            self._form = None
        if tag in ("select", "textarea"):
            self._control = None
        if self._capture and self._capture[-1][0] == tag:
            name, attrs, parts = self._capture.pop()
            text = " ".join("".join(parts).split())
            if name == "a":
                self.links.append((text, attrs.get("href", "")))
            elif name == "button" and self._form is not None:
                self._form.buttons.append((text, attrs))
            elif name == "label":
                self.label_for[attrs.get("for", "")] = text
            elif name == "textarea" and self._form is not None and self._form.controls:
                self._form.controls[-1].value = "".join(parts)
            for outer in self._capture:
                outer[2].append("".join(parts))

    def handle_data(self, data):
        self.text_parts.append(data)
        if self._option is not None:
            self._option[1].append(data)
        if self._capture:
            self._capture[-1][2].append(data)

    @property
    def text(self) -> str:
        return " ".join("".join(self.text_parts).split())


def parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser


class Visitor:
    """A person with a browser without scripts: follows links, fills and submits forms."""

    def __init__(self, client) -> None:
        self.client = client
        self.url = "/"
        self.response = None
        self.page: PageParser | None = None

    @property
    def status(self) -> int:
        return self.response.status_code

    @property
    def html(self) -> str:
        return self.response.get_data(as_text=True)

    def _land(self, response) -> Visitor:
        self.response = response
        request = response.request
        query = request.query_string.decode()
        self.url = request.path + (f"?{query}" if query else "")
        self.page = parse(self.html)
        return self

    def get(self, url: str) -> Visitor:
        return self._land(self.client.get(url, follow_redirects=True))

    def click(self, text: str, nth: int = 0) -> Visitor:
        hrefs = [href for label, href in self.page.links if label == text]
        assert len(hrefs) > nth, f"no link {text!r} on {self.url}: {[t for t, _ in self.page.links]}"
        return self.get(urljoin("http://localhost" + self.url, hrefs[nth]).removeprefix("http://localhost"))

    def submit(self, button: str, **values: str) -> Visitor:
        """Press the button labelled `button`, after setting fields by name (selects by value)."""
        for form in self.page.forms:
            for text, battrs in form.buttons:
                if text != button:
                    continue
                pairs = []
                for c in form.controls:
                    name = c.attrs.get("name")
                    if not name:
                        continue
                    if name in values:
                        value = values[name]
                        if c.tag == "select":
                            assert value in [v for v, _, _ in c.options], f"{value!r} is not an option of {name}"
                    elif c.tag == "select":
                        chosen = [v for v, _, sel in c.options if sel] or [c.options[0][0]]
                        value = chosen[0]
                    else:
                        value = c.value
                    pairs.append((name, value))
                if battrs.get("name"):
                    pairs.append((battrs["name"], battrs.get("value", "")))
                action = form.attrs.get("action") or self.url
                body = urlencode(pairs)
                if form.attrs.get("method", "get").lower() == "post":
                    return self._land(self.client.post(action, data=body, follow_redirects=True,
                                                       content_type="application/x-www-form-urlencoded"))
                return self.get(f"{urlsplit(action).path}?{body}")
        raise AssertionError(f"no button {button!r} on {self.url}")

    def field(self, name: str) -> Control:
        for form in self.page.forms:
            for c in form.controls:
                if c.attrs.get("name") == name and c.attrs.get("type") != "hidden":
                    return c
        raise AssertionError(f"no field {name!r} on {self.url}")

    def error(self, name: str) -> str | None:
        """Text of <p class="error" id="NAME-error">, or None."""
        html = self.html
        marker = f'<p class="error" id="{name}-error">'
        start = html.find(marker)
        if start < 0:
            return None
        return parse(html[start:html.index("</p>", start) + 4]).text


def sid_of(client) -> str:
    cookie = client.get_cookie("tt_session")
    assert cookie is not None, "no session cookie"
    return cookie.value


def store_of(app):
    return app.extensions["tabletop"].store


def state_of(app, client) -> SessionState:
    return store_of(app).load(sid_of(client))


def set_state(app, client, **changes) -> SessionState:
    """Give the client a session (visiting / if needed) and change fields of its state."""
    if client.get_cookie("tt_session") is None:
        client.get("/")
    store = store_of(app)
    sid = sid_of(client)
    state = SessionState.model_validate({**store.load(sid).model_dump(), **changes})
    store.save(sid, state)
    return state


def open_slot(catalogue, city: str = "Chicago", party: int = 4, *, start: int = 0) -> tuple[str, str, str]:
    """Some (rid, date, time) with a table for `party` in `city`."""
    for r in catalogue.search(city)[start:] + catalogue.search(city)[:start]:
        for d in catalogue.dates:
            for t, ok in catalogue.slots(r.id, d, party):
                if ok:
                    return r.id, d, t
    raise AssertionError("no open slot")


def sold_out_slot(catalogue, party: int = 2) -> tuple[str, str, str]:
    for r in catalogue.restaurants:
        for d in catalogue.dates:
            for t, ok in catalogue.slots(r.id, d, party):
                if not ok and party <= r.max_party:
                    return r.id, d, t
    raise AssertionError("no sold-out slot")


def book_as_guest(client, rid: str, date: str, time: str, party: int, details: dict | None = None) -> str:
    """Run the booking flow with direct requests; return the reservation code."""
    r = client.get(f"/book?rid={rid}&date={date}&time={time}&party={party}")
    assert r.status_code == 303, r.status_code
    assert client.post("/book/guest").status_code == 303
    r = client.post("/book/details", data=details or GUEST)
    assert r.status_code == 303, r.get_data(as_text=True)
    r = client.post("/book/complete")
    assert r.status_code == 303
    return r.headers["Location"].rsplit("/", 1)[-1]


def check_markup(html: str) -> None:
    """The page rules every TableTop page follows."""
    page = parse(html)
    tags = [t for t, _ in page.elements]
    assert '<html lang="en">' in html
    assert "title" in tags and page.text
    assert "<script" not in html.lower() and "javascript:" not in html.lower()
    assert "maxlength" not in html and " required" not in html
    header = [a for t, a in page.elements if t == "nav" and a.get("aria-label") == "Main"]
    assert header, "no main navigation"
    assert "main" in tags and "header" in tags
    ids = [a["id"] for _, a in page.elements if "id" in a]
    assert len(ids) == len(set(ids)), f"duplicate ids: {sorted(i for i in ids if ids.count(i) > 1)}"
    for tag, attrs in page.elements:
        if tag == "form":
            assert "novalidate" in attrs, "form without novalidate"
        if tag in ("input", "select", "textarea") and attrs.get("type") != "hidden":
            assert attrs.get("type", "text") in ("text", "password", "hidden") or tag != "input"
            assert attrs.get("id") in page.label_for, f"field {attrs.get('name')} has no label"
            if attrs.get("aria-invalid") == "true":
                described = attrs.get("aria-describedby", "").split()
                assert f"{attrs['id']}-error" in described
                assert f"{attrs['id']}-error" in ids
