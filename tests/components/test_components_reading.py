"""Reading observation texts, urls, action strings and instructions: the generic readers of
`agentq.components.obs_reading`, and the restaurant's own (its cards, slots and instructions)."""

from __future__ import annotations

import pytest

from agentq.components import obs_reading
from agentq.components.obs_reading import read_action, read_url, time_minutes
from mock_sites.restaurant.heuristics.page import read_page
from mock_sites.restaurant.heuristics.request import read_instruction, read_request
import component_pages as P


def test_element_lines_are_parsed():
    page = read_page(P.details(phone="(312) 555 0428", invalid=True))
    phone = page.by_id[8]
    assert (phone.role, phone.name, phone.value, phone.invalid) == ("textbox", "Phone", "(312) 555 0428", True)
    seating = page.by_id[10]
    assert seating.role == "combobox" and seating.value == "No preference"
    assert seating.options == ("No preference", "Indoor", "Outdoor patio", "Bar")
    assert page.by_id[12].multiline and not page.by_id[9].invalid
    assert page.h1 == "Your details" and page.title == "Your details | TableTop"
    assert "Enter the phone number as 415-555-0134" in page.texts
    assert page.by_id[6].group == page.by_id[13].group >= 0 and page.by_id[5].group == -1


def test_the_generic_reader_reads_the_same_records_and_knows_no_cards():
    for text in (P.details(phone="(312) 555 0428", invalid=True), P.confirmation(), P.restaurant_page([("5:00 PM", 9)])):
        generic, site = obs_reading.read_page(text), read_page(text)
        fields = ("title", "h1", "headings", "texts", "elements", "by_id", "flow", "dialogue")
        assert all(getattr(generic, f) == getattr(site, f) for f in fields)
        assert not hasattr(generic, "articles") and not hasattr(generic, "details")


def test_result_cards_know_their_slots():
    text = P.results("\n".join([
        P.card("Masala Garden", 13, []),
        P.card("Jaipur Palace", 14, [("8:30 PM", None), ("9:00 PM", 15), ("9:30 PM", None), ("10:00 PM", 16)]),
    ]))
    page = read_page(text)
    assert [c.title for c in page.articles] == ["Masala Garden", "Jaipur Palace"]
    first, second = page.articles
    assert first.no_tables and first.link == 13 and not first.available()
    assert second.link == 14 and second.available() == {"9:00 PM": 15, "10:00 PM": 16}
    assert second.sold_out() == {"8:30 PM", "9:30 PM"}
    assert page.by_id[15].article == page.by_id[14].article != page.by_id[13].article


def test_restaurant_page_slots_and_details_pairs():
    page = read_page(P.restaurant_page([("5:00 PM", None), ("5:30 PM", 9)]))
    assert page.page_slots.available() == {"5:30 PM": 9} and page.page_slots.sold_out() == {"5:00 PM"}
    pairs = read_page(P.confirmation()).details()
    assert pairs["Restaurant"] == "Jaipur Palace, Chicago"
    assert pairs["Time"] == "9:00 PM" and pairs["Special request"] == "Table by the window if possible"
    assert read_page(P.confirmation()).dialogue[0][1].startswith("Outside on the patio")


def test_urls_actions_and_times():
    assert read_url(P.RESULTS_URL).params["time"] == "21:30"
    assert read_action('fill(12, "Ada \\"A\\" Lovelace")').text == 'Ada "A" Lovelace'
    assert read_action("click(3)").element == 3
    assert read_action("back()").kind == "back"
    assert read_action("click(") is None and read_action("fly(3)") is None
    assert time_minutes("9:30 PM") == 21 * 60 + 30 and time_minutes("12:00 PM") == 12 * 60
    assert time_minutes("19:00") == 19 * 60 and time_minutes("Dec 4") is None


@pytest.mark.parametrize(
    "instruction, expected",
    [
        ("Book a table for 4 people at Bella Notte in Chicago on Friday, December 4 at 7:00 PM.",
         dict(restaurant="Bella Notte", city="Chicago", month=12, day=4, time=19 * 60, party=4)),
        ("I need a reservation at Oak & Ember in New York for 1 person, Dec 6 at 19:00.",
         dict(restaurant="Oak & Ember", city="New York", day=6, time=19 * 60, party=1)),
        ("Please reserve a table at Za'atar in San Francisco for a party of 5 on Sunday, December 6 at 6 pm.",
         dict(restaurant="Za'atar", city="San Francisco", time=18 * 60, party=5)),
        ("Could you get us a table at The Ghee Room (the one in Chicago) on December 2 (a Wednesday) at 8:30 PM? "
         "The table is for four of us.",
         dict(restaurant="The Ghee Room", city="Chicago", day=2, time=20 * 60 + 30, party=4)),
        ("Could you get us a table at Tinto in Denver on December 13 (a Sunday) at 6:30 PM? The table is for just me. "
         'Add the special request "One guest uses a wheelchair".',
         dict(party=1, quoted=("One guest uses a wheelchair",))),
    ],
)
def test_instruction_phrasings(instruction, expected):
    request = read_instruction(instruction)
    for key, value in expected.items():
        assert getattr(request, key) == value, key


def test_instruction_details_and_rules():
    request = read_instruction(P.GOAL)
    assert request.names == (("Noah", "O'Brien"),)
    assert request.phones_written == ("(312) 555 0428",) and request.phones == ("312-555-0428",)
    assert request.emails == ("noah.obrien13@example.com",)
    assert request.window == 60 and request.ask_seating and request.seating is None
    assert request.date_key == "Dec 14" and not request.signed_in and not request.unavailable_ok
    answered = read_request(P.GOAL, (("Where would you like to sit?", "Outside on the patio, please."),))
    assert answered.seating == "outdoor" and answered.seating_answered
    other = read_instruction(
        "Book a table for 2 people at Cielo in Miami on Saturday, December 5 at 9 pm. If they are fully booked "
        "that day, don't book anything else; just tell me it is not available. I'm signed in as Yuki Tanaka, so "
        "keep my saved details. We'd like to sit at the bar. It's our anniversary."
    )
    assert other.unavailable_ok and other.signed_in and other.seating == "bar" and other.occasion == "anniversary"
    assert other.time == 21 * 60 and other.window is None and other.phones == ()


def test_the_instruction_reader_recovers_every_frozen_task():
    """Checked against the hidden goals (this test may read them; the reader never does)."""
    from mock_sites.restaurant.formatting import fmt_date
    from mock_sites.restaurant.tasks import load_suite

    for split in ("train", "dev", "test"):
        for task in load_suite(split):
            request, goal = read_instruction(task.instruction), task.goal
            assert (request.restaurant, request.city, request.party) == (goal.restaurant_name, goal.city, goal.party)
            assert fmt_date(goal.date).endswith(" " + (request.date_key or "?")), task.id
            assert request.time == time_minutes(goal.time), task.id
            assert request.window == (60 if goal.slot_rule == "nearest_within_60" else None), task.id
            assert request.ask_seating == ("ask_seating" in task.obstacles), task.id
            assert request.seating == (goal.seating if "seating" in task.obstacles else None), task.id
            assert request.occasion == goal.occasion and request.signed_in == goal.signed_in, task.id
            assert request.quoted == ((goal.special_request,) if goal.special_request else ()), task.id
            if not goal.signed_in:
                assert request.names == ((goal.first_name, goal.last_name),), task.id
                assert request.phones == (goal.phone,) and request.emails == (goal.email,), task.id
            if goal.kind == "infeasible":
                assert request.unavailable_ok, task.id
