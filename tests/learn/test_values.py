"""Typed values: two spellings of one value compare equal, a different value does not."""

from __future__ import annotations

from agentq.learn.features import Featuriser, found_values, page_values
from agentq.learn.values import extract


def test_times_in_12_and_24_hour_spellings_normalise_to_one_key():
    assert extract("at 19:00").time == extract("7:00 PM").time == extract("7 pm").time == {"19:00"}
    assert extract("6:30 PM").time == {"18:30"} and extract("12:15 am").time == {"00:15"}
    assert extract("Party of 4 at 7:00 PM").number == {"4"}  # the time's digits are not read as numbers


def test_dates_in_several_spellings_normalise_to_month_day():
    for text in ("Friday, December 11", "Dec 11", "11 December", "2026-12-11", "Fri, Dec 11"):
        assert extract(text).date == {"12-11"}, text
    assert extract("Dec 12").date != extract("Dec 11").date


def test_phones_emails_and_number_words():
    phones = ["(415) 555-0110", "415.555.0110", "+1 415 555 0110", "415-555-0110"]
    assert {next(iter(extract(p).phone)) for p in phones} == {"4155550110"}
    assert extract("mail anna.b@example.com").email == {"anna.b@example.com"}
    assert extract("The table is for four of us.").number == {"4"}


def test_names_are_capitalised_words_not_starting_a_sentence():
    names = extract("Book a table at Il Forno in Seattle. I'm Anna-Lena Schmidt.").name
    assert {"il", "forno", "seattle", "anna", "lena", "schmidt"} <= names
    assert "book" not in names and "i'm" not in names
    assert found_values("name", frozenset({"friday"}), frozenset({"fri"})) == {"friday"}  # an abbreviation matches
    assert not found_values("name", frozenset({"forno"}), frozenset({"fornaio"}))


def _confirmation(time: str) -> str:
    return "\n".join([
        'page "Reservation | Site"', "main", '  heading 1 "Reservation confirmed"', "  list",
        '    text "Restaurant"', '    [4] link "Il Forno"', '    text ", Seattle"', '    text "Time"', f'    text "{time}"',
        '    text "Party size"', '    text "4 people"',
    ])  # fmt: skip


def test_outcome_features_tell_a_right_time_from_a_wrong_one_across_spellings():
    goal = "Book Il Forno in Seattle for 4 people at 19:00."
    f = Featuriser()
    right = set(f.outcome_names(goal, ["click(4)"], {"text": _confirmation("7:00 PM"), "url": "/r/1"}))
    wrong = set(f.outcome_names(goal, ["click(4)"], {"text": _confirmation("6:30 PM"), "url": "/r/1"}))
    assert {"vk:time:all", "lb:time:time:hit", "vall:all"} <= right
    assert {"vk:time:none", "lb:time:time:miss", "vx:time:1"} <= wrong and "vall:all" not in wrong
    assert page_values(_confirmation("7:00 PM")).time == {"19:00"}


def test_candidate_features_mark_the_argument_that_is_the_requested_value():
    goal = "Reserve for 4 people on Dec 11 at 7 pm."
    page = 'page "Find"\nmain\n  [5] combobox "Date" value="Thu, Dec 10"\n  [7] button "7:00 PM"\n  [8] button "6:30 PM"'
    f = Featuriser()
    info = f.state_info({"goal": goal, "text": page, "url": "/"})
    assert "vselect:av:date:hit" in f.candidate_names('select(5, "Fri, Dec 11")', info)
    assert "vselect:av:date:miss" in f.candidate_names('select(5, "Sat, Dec 12")', info)
    assert "vclick:lv:time:hit" in f.candidate_names("click(7)", info)
    assert "vclick:lv:time:miss" in f.candidate_names("click(8)", info)


def test_outcome_features_say_whether_the_requested_value_was_offered_on_the_way():
    goal = "Book Il Forno in Seattle for 4 people at 19:00; if sold out, the nearest time within 60 minutes."
    offered = 'page "Times"\nmain\n  [7] link "7:00 PM"\n  [8] link "7:30 PM"'
    sold_out = 'page "Times"\nmain\n  text "7:00 PM (sold out)"\n  [8] link "7:30 PM"'
    final = {"text": _confirmation("7:30 PM"), "url": "/r/1"}
    f = Featuriser()
    passed_over = set(f.outcome_names(goal, ["click(8)"], final, [offered]))
    no_choice = set(f.outcome_names(goal, ["click(8)"], final, [sold_out]))
    assert "vo:time:none:offered" in passed_over and "vo:time:none:not" in no_choice
    assert {"vd:time:30", "vdo:time:30:not"} <= no_choice
    far = set(f.outcome_names(goal, ["click(8)"], {"text": _confirmation("4:00 PM"), "url": "/r/1"}, [sold_out]))
    assert "vd:time:more" in far
    right = set(f.outcome_names(goal, ["click(7)"], {"text": _confirmation("7:00 PM"), "url": "/r/1"}, [offered]))
    assert {"vo:time:all:offered", "vd:time:0"} <= right
    assert f.outcome_names(goal, ["click(8)"], final) == f.outcome_names(goal, ["click(8)"], final, [])
