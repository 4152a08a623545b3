"""The per-session server-side state and the booking record, as pydantic models."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

DRAFT_FIELDS: tuple[str, ...] = (
    "first_name", "last_name", "phone", "email", "seating", "occasion", "special_request",
)


class Slot(BaseModel):
    """The table the visitor is booking."""

    model_config = ConfigDict(extra="forbid")

    rid: str
    date: str
    time: str
    party: int


class SessionState(BaseModel):
    """Everything the site remembers about one visitor (JSON-serialisable)."""

    model_config = ConfigDict(extra="forbid")

    default_city: str = "San Francisco"
    cookie_banner_pending: bool = False
    promo_pending: bool = False
    identity: str | None = None  # "guest" or an account email
    slot: Slot | None = None
    draft: dict[str, str] = Field(default_factory=dict)
    errors: dict[str, str] = Field(default_factory=dict)
    last_booking: str | None = None
    booking_counter: int = 0
    episode_seed: int = 0


class BookingRow(BaseModel):
    """One row of the bookings table as the sandbox reads and writes it (sid excluded)."""

    model_config = ConfigDict(extra="forbid")

    code: str
    rid: str
    restaurant_name: str
    city: str
    date: str
    time: str
    party: int
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    email: str = ""
    seating: str = ""
    occasion: str = ""
    special_request: str = ""
    status: Literal["confirmed", "cancelled"] = "confirmed"
    seq: int = 0


BOOKING_COLUMNS: tuple[str, ...] = tuple(BookingRow.model_fields)
