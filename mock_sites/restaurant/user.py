"""The simulated user: answers `ask_user` questions from the task's hidden profile."""

from __future__ import annotations

from mock_sites.restaurant.tasks import Task

SEATING_ANSWERS = {
    "indoor": "Inside, please (Indoor).",
    "outdoor": "Outside on the patio, please (Outdoor patio).",
    "bar": "At the bar, please (Bar).",
    None: "No preference.",
}
OCCASION_ANSWERS = {
    "birthday": "It's a birthday.",
    "anniversary": "It's our anniversary.",
    "business": "It's a business meal.",
    "date": "It's a date night.",
    None: "No special occasion.",
}
TOPICS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("seating", ("seat", "sit", "patio", "indoor", "outdoor", "inside", "outside", "bar", "table preference")),
    ("occasion", ("occasion", "celebrat", "birthday", "anniversary")),
    ("phone", ("phone", "number", "call", "mobile")),
    ("email", ("email", "e-mail", "mail")),
    ("name", ("name", "who")),
)


def answer(task: Task, question: str) -> str:
    """The user's answer to `question` (keyword matching on the question's topic)."""
    folded = question.casefold()
    profile = task.profile
    for topic, words in TOPICS:
        if any(word in folded for word in words):
            if topic == "seating":
                return SEATING_ANSWERS.get(profile.seating_preference, SEATING_ANSWERS[None])
            if topic == "occasion":
                return OCCASION_ANSWERS.get(profile.occasion, OCCASION_ANSWERS[None])
            if topic == "phone":
                return f"My phone number is {profile.phone}."
            if topic == "email":
                return f"My email is {profile.email}."
            return f"The booking is for {profile.first_name} {profile.last_name}."
    return "Sorry, I'm not sure what you mean. Everything else is in my request."
