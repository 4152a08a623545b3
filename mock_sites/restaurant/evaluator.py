"""Ground truth: judge an episode from the database rows it left, never from page text."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from mock_sites.restaurant.tasks import Task

INFEASIBLE_WORDS = (
    "not available", "unavailable", "no table", "no tables", "fully booked", "no availability",
    "sold out", "infeasible", "cannot book", "can't book", "nothing available", "booked up",
)


class Evaluation(BaseModel):
    """Success, the fraction of criteria met, and each criterion."""

    model_config = ConfigDict(frozen=True)

    success: bool
    partial: float
    criteria: dict[str, bool]


def reports_unavailable(answer: str | None) -> bool:
    """Whether a `stop` answer says that the request cannot be booked."""
    folded = (answer or "").casefold()
    return any(word in folded for word in INFEASIBLE_WORDS)


def evaluate(task: Task, bookings: list[dict], stop_answer: str | None) -> Evaluation:
    """Score an episode. `bookings` are the session's rows (any status)."""
    confirmed = [b for b in bookings if b.get("status") == "confirmed"]
    goal = task.goal
    if task.expected.kind == "infeasible":
        criteria = {"no_booking": not confirmed, "reported_unavailable": reports_unavailable(stop_answer)}
    else:
        booking = confirmed[0] if confirmed else {}
        criteria = {
            "completed": bool(confirmed),
            "restaurant": booking.get("rid") == goal.restaurant_id,
            "city": booking.get("city") == goal.city,
            "date": booking.get("date") == goal.date,
            "time": booking.get("time") == task.expected.time,
            "party": booking.get("party") == goal.party,
            "first_name": booking.get("first_name") == goal.first_name,
            "last_name": booking.get("last_name") == goal.last_name,
            "phone": booking.get("phone") == goal.phone,
            "email": booking.get("email") == goal.email,
        }
        if goal.seating is not None:
            criteria["seating"] = booking.get("seating") == goal.seating
        if goal.occasion is not None:
            criteria["occasion"] = booking.get("occasion") == goal.occasion
        if goal.special_request is not None:
            criteria["special_request"] = (booking.get("special_request") or "").strip() == goal.special_request
        criteria["no_other_booking"] = len(confirmed) <= 1
    met = sum(criteria.values())
    return Evaluation(success=all(criteria.values()), partial=met / len(criteria), criteria=criteria)
