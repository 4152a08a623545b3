"""Hand-written observation texts (trimmed copies of real pages) for the component tests."""

from __future__ import annotations

import json
import re

GOAL = (
    "Book a table for 3 people at Jaipur Palace (the one in Chicago) on Monday, December 14 at 9:30 PM. "
    "If that time is sold out, take the nearest available time within 60 minutes of it (if two are equally "
    "close, the earlier one). Put it under the name Noah O'Brien, phone (312) 555 0428, email "
    "noah.obrien13@example.com. Ask me where I'd like to sit before you book. "
    'Add the special request "Table by the window if possible".'
)
NAV = """banner
  [1] link "TableTop"
  navigation 'Main'
    [2] link "Search"
    [3] link "My reservations"
    [4] link "Sign in"
main"""
CITY_OPTIONS = '["San Francisco", "New York", "Chicago", "Boston", "Seattle", "Austin", "Denver", "Miami"]'
DATE_OPTIONS = json.dumps([f"{d}, Dec {n}" for n, d in zip(range(1, 15), ["Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Mon"] * 2)])
TIME_OPTIONS = json.dumps([f"{h}:{m:02d} PM" for h in range(5, 11) for m in (0, 30)][:-1])
PARTY_OPTIONS = json.dumps(["1 person"] + [f"{n} people" for n in range(2, 21)])

COOKIE = f'''page "We value your privacy | TableTop"
{NAV}
  dialog 'We value your privacy'
    heading 2 "We value your privacy"
    text "We use cookies to keep you signed in."
    form
      [5] button "Accept all"
      [6] button "Reject non-essential"'''


def home(city: str = "Seattle", date: str = "Tue, Dec 1", time: str = "7:00 PM", party: str = "2 people") -> str:
    return f'''page "Find a table | TableTop"
{NAV}
  heading 1 "Find a table"
  search
    [5] combobox "City" value="{city}" options={CITY_OPTIONS}
    [6] combobox "Date" value="{date}" options={DATE_OPTIONS}
    [7] combobox "Time" value="{time}" options={TIME_OPTIONS}
    [8] combobox "Party size" value="{party}" options={PARTY_OPTIONS}
    [9] textbox "Restaurant or cuisine (optional)" value=""
    [10] button "Search"'''


RESULTS_URL = "/search?city=Chicago&date=2026-12-14&time=21%3A30&party=3&q="


def results(cards: str, pager: str = '    text "Page 1 of 1"') -> str:
    return f'''page "Restaurants in Chicago | TableTop"
{NAV}
  heading 1 "Search results"
  search
    [5] combobox "City" value="Chicago" options={CITY_OPTIONS}
    [6] combobox "Date" value="Mon, Dec 14" options={DATE_OPTIONS}
    [7] combobox "Time" value="9:30 PM" options={TIME_OPTIONS}
    [8] combobox "Party size" value="3 people" options={PARTY_OPTIONS}
    [9] textbox "Restaurant or cuisine (optional)" value=""
    [10] button "Search"
  form 'Filters'
    [11] combobox "Cuisine" value="Any" options=["Any", "Indian", "Thai"]
    [12] button "Apply filters"
  heading 2 "10 restaurants in Chicago"
  list
{cards}
  navigation 'Results pages'
{pager}'''


def card(name: str, link: int, slots: list[tuple[str, int | None]]) -> str:
    lines = [
        "    listitem", "      article", f'        heading 3 "{name}"', f'          [{link}] link "{name}"',
        '        text "Indian · $$ · River North · ★ 3.4 (144 reviews)"',
    ]
    if not any(eid for _, eid in slots):
        lines.append('        text "No tables within an hour of 9:30 PM"')
    else:
        lines += ['        text "Times near 9:30 PM:"', "        list"]
        for label, eid in slots:
            lines.append("          listitem")
            lines.append(f'            [{eid}] link "{label}"' if eid else f'            text "{label} (sold out)"')
    return "\n".join(lines)


def details(phone: str = "", invalid: bool = False, seating: str = "No preference", dialogue: str = "",
            first: str = "Noah", last: str = "O'Brien", email: str = "noah.obrien13@example.com",
            special: str = "Table by the window if possible") -> str:
    flag = " invalid" if invalid else ""
    error = '\n    text "Enter the phone number as 415-555-0134"' if invalid else ""
    return f'''page "Your details | TableTop"
{NAV}
  heading 1 "Your details"
  text "Jaipur Palace, Chicago · Mon, Dec 14 · 9:00 PM · 3 people"
  [5] link "Change time"
  form
    [6] textbox "First name" value="{first}"
    [7] textbox "Last name" value="{last}"
    text "Format: 415-555-0134"
    [8] textbox "Phone" value="{phone}"{flag}{error}
    [9] textbox "Email" value="{email}"
    [10] combobox "Seating preference" value="{seating}" options=["No preference", "Indoor", "Outdoor patio", "Bar"]
    [11] combobox "Occasion" value="None" options=["None", "Birthday", "Anniversary", "Business meal", "Date night"]
    [12] textbox "Special request (optional)" value="{special}" multiline
    [13] button "Continue to review"''' + dialogue


SEATING_DIALOGUE = '''
you asked the user: "Where would you like to sit: inside, outside on the patio, or at the bar?"
the user answered: "Outside on the patio, please (Outdoor patio)."'''


def summary_list(time: str = "9:00 PM", seating: str = "Outdoor patio", phone: str = "312-555-0428") -> str:
    return f'''  list
    text "Restaurant"
    text "Jaipur Palace, Chicago"
    text "Date"
    text "Mon, Dec 14"
    text "Time"
    text "{time}"
    text "Party size"
    text "3 people"
    text "Name"
    text "Noah O'Brien"
    text "Phone"
    text "{phone}"
    text "Email"
    text "noah.obrien13@example.com"
    text "Seating preference"
    text "{seating}"
    text "Occasion"
    text "None"
    text "Special request"
    text "Table by the window if possible"'''


def review(**kwargs: str) -> str:
    return f'''page "Review your reservation | TableTop"
{NAV}
  heading 1 "Review your reservation"
{summary_list(**kwargs)}
  form
    [5] button "Complete reservation"
  [6] link "Edit details"''' + SEATING_DIALOGUE


def confirmation(**kwargs: str) -> str:
    body = summary_list(**kwargs).replace('    text "Jaipur Palace, Chicago"', '    [5] link "Jaipur Palace"\n    text ", Chicago"')
    return f'''page "Reservation TT-UBVS6B | TableTop"
{NAV}
  heading 1 "Reservation confirmed"
  text "Confirmation code: TT-UBVS6B"
{body}
  [6] link "Modify reservation"
  [7] link "My reservations"''' + SEATING_DIALOGUE


def restaurant_page(slots: list[tuple[str, int | None]], name: str = "Jaipur Palace", city: str = "Chicago") -> str:
    items = "\n".join(
        f'    listitem\n      [{eid}] link "{label}"' if eid else f'    listitem\n      text "{label} (sold out)"'
        for label, eid in slots
    )
    return f'''page "{name}, {city} | TableTop"
{NAV}
  heading 1 "{name}"
  text "Indian · $$ · River North, {city} · ★ 3.4 (144 reviews)"
  heading 2 "Book a table"
  form
    [5] combobox "Date" value="Mon, Dec 14" options={DATE_OPTIONS}
    [6] combobox "Time" value="9:30 PM" options={TIME_OPTIONS}
    [7] combobox "Party size" value="3 people" options={PARTY_OPTIONS}
    [8] button "Find a time"
  heading 3 "Available times for 3 people on Mon, Dec 14"
  list
{items}'''


RESTAURANT_URL = "/restaurant/chicago-jaipur-palace?date=2026-12-14&time=21:30&party=3"
_ELEMENT = re.compile(r"\[(\d+)\] (\w+) (\".*?\")(?: value=(\".*?\"))?(?: options=(\[.*?\]))?")
STOP = 'stop("No table is available for this request, so I did not book anything.")'
ASK = 'ask_user("Where would you like to sit: inside, outside on the patio, or at the bar?")'


def legal(text: str, fills: dict[int, list[str]] | None = None, extra: tuple[str, ...] = (STOP,)) -> list[str]:
    """Candidate actions like the env lists them: clicks, every other option, given fills, back, stop."""
    out: list[str] = []
    for match in _ELEMENT.finditer(text):
        eid, role = int(match.group(1)), match.group(2)
        if role in ("link", "button"):
            out.append(f"click({eid})")
        elif role == "combobox":
            value = json.loads(match.group(4))
            out += [f"select({eid}, {json.dumps(o, ensure_ascii=False)})" for o in json.loads(match.group(5)) if o != value]
        elif role == "textbox":
            value = json.loads(match.group(4))
            out += [f"fill({eid}, {json.dumps(t, ensure_ascii=False)})" for t in (fills or {}).get(eid, []) if t != value]
    return out + ["back()", *extra]


def obs(text: str, url: str, goal: str = GOAL, actions: list[str] | None = None) -> dict:
    return {"text": text, "url": url, "goal": goal, "last_action": "", "last_action_error": "",
            "legal_actions": actions if actions is not None else legal(text)}
