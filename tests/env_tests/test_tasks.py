"""Task suites, the generator and the evaluator."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest

from mock_sites.restaurant import evaluator, tasks
from mock_sites.restaurant.catalogue import build_catalogue


@pytest.mark.parametrize("split", ["train", "dev", "test"])
def test_frozen_suites_regenerate_byte_for_byte(split: str) -> None:
    path = tasks.SUITES_DIR / f"{split}.jsonl"
    assert path.read_text(encoding="utf-8") == tasks.suite_lines(split)


def test_suite_sizes_and_difficulties() -> None:
    sizes = {split: len(tasks.load_suite(split)) for split in ("train", "dev", "test")}
    assert sizes == {"train": 500, "dev": 100, "test": 200}
    for split in sizes:
        levels = collections.Counter(t.difficulty for t in tasks.load_suite(split))
        assert set(levels) == {"easy", "medium", "hard"}
    ids = [t.id for split in sizes for t in tasks.load_suite(split)]
    assert len(ids) == len(set(ids))


def test_every_obstacle_appears_in_the_dev_suite() -> None:
    seen = collections.Counter(o for t in tasks.load_suite("dev") for o in t.obstacles)
    for obstacle in ("cookie_banner", "promo_modal", "other_city", "sold_out_slot", "ambiguous_name",
                     "later_page", "phone_format", "ask_seating", "infeasible"):
        assert seen[obstacle] > 0, obstacle


def test_generate_is_deterministic_and_respects_difficulty() -> None:
    first = tasks.generate(7, 12, difficulty="hard")
    assert first == tasks.generate(7, 12, difficulty="hard")
    assert {t.difficulty for t in first} == {"hard"}
    assert tasks.generate(8, 12, difficulty="hard") != first
    with pytest.raises(ValueError, match="difficulty"):
        tasks.generate(1, 1, difficulty="impossible")  # type: ignore[arg-type]


def test_task_facts_match_the_catalogue() -> None:
    catalogue = build_catalogue(0)
    for task in tasks.load_suite("dev"):
        goal = task.goal
        restaurant = catalogue.get(goal.restaurant_id)
        assert restaurant is not None and restaurant.city == goal.city and restaurant.name == goal.restaurant_name
        assert restaurant.name in task.instruction and goal.city in task.instruction
        if task.expected.kind == "infeasible":
            assert catalogue.fully_booked(goal.restaurant_id, goal.date, goal.party)
        elif goal.slot_rule == "exact":
            assert task.expected.time == goal.time
            assert catalogue.is_available(goal.restaurant_id, goal.date, goal.time, goal.party)
        else:
            assert not catalogue.is_available(goal.restaurant_id, goal.date, goal.time, goal.party)
            assert task.expected.time == tasks.nearest_available(catalogue, goal.restaurant_id, goal.date, goal.time, goal.party)


def test_nearest_available_prefers_the_earlier_slot_on_a_tie() -> None:
    class FakeCatalogue:
        def slots(self, rid, day, party):
            return [("18:30", True), ("19:00", False), ("19:30", True), ("20:30", True)]

    assert tasks.nearest_available(FakeCatalogue(), "r", "d", "19:00", 2) == "18:30"  # type: ignore[arg-type]
    assert tasks.nearest_available(FakeCatalogue(), "r", "d", "20:00", 2) == "19:30"  # type: ignore[arg-type]


def _row(task: tasks.Task, **changes) -> dict:
    goal = task.goal
    row = {
        "code": "TT-AAAAAA", "rid": goal.restaurant_id, "restaurant_name": goal.restaurant_name, "city": goal.city,
        "date": goal.date, "time": task.expected.time, "party": goal.party, "first_name": goal.first_name,
        "last_name": goal.last_name, "phone": goal.phone, "email": goal.email, "seating": goal.seating or "",
        "occasion": goal.occasion or "", "special_request": goal.special_request or "", "status": "confirmed", "seq": 1,
    }
    return row | changes


def test_evaluator_success_partial_and_extra_bookings() -> None:
    task = next(t for t in tasks.load_suite("dev") if t.expected.kind == "booking")
    assert evaluator.evaluate(task, [_row(task)], None).success
    wrong_party = evaluator.evaluate(task, [_row(task, party=task.goal.party + 1)], None)
    assert not wrong_party.success and not wrong_party.criteria["party"]
    assert 0.8 < wrong_party.partial < 1.0
    two = evaluator.evaluate(task, [_row(task), _row(task, code="TT-BBBBBB")], None)
    assert not two.success and not two.criteria["no_other_booking"]
    cancelled = evaluator.evaluate(task, [_row(task, status="cancelled")], None)
    assert not cancelled.success and not cancelled.criteria["completed"]
    nothing = evaluator.evaluate(task, [], "done")
    assert not nothing.success and nothing.partial < 0.2


def test_evaluator_infeasible_needs_a_stop_that_says_so_and_no_booking() -> None:
    task = next(t for t in tasks.load_suite("dev") if t.expected.kind == "infeasible")
    assert evaluator.evaluate(task, [], "Sorry, no table is available that day.").success
    assert not evaluator.evaluate(task, [], "Done!").success
    assert not evaluator.evaluate(task, [_row(task)], "They are fully booked").success


def test_public_reading_finds_contact_details_and_nothing_else() -> None:
    from mock_sites.restaurant.reading import candidates_for_field, read_request

    text = (
        'Book a table at Tapas Bar Sevilla in Chicago for two. Name: Zoë O\'Brien. Phone: (312) 555 0707, '
        'email zoe.obrien@example.com. Add the special request "call Ada Lovelace at 415-555-0000".'
    )
    request = read_request(text)
    assert request.names == [("Zoë", "O'Brien")]  # not "Bar Sevilla" (from "Tapas"), nothing from the quote
    assert request.phones_as_written == ["(312) 555 0707"] and request.phones == ["312-555-0707"]
    assert request.emails == ["zoe.obrien@example.com"]
    assert candidates_for_field("Phone", request) == ["(312) 555 0707", "312-555-0707"]
    assert candidates_for_field("Special request (optional)", request) == ["call Ada Lovelace at 415-555-0000"]
    assert candidates_for_field("Password", request) == []
