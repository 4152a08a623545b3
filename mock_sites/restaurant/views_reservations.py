"""The visitor's own reservations: confirmation, list, cancel, modify."""

from __future__ import annotations

from flask import Flask, abort, request

from mock_sites.restaurant.forms import Checked, check_slot_fields
from mock_sites.restaurant.formatting import fmt_date, fmt_party, fmt_time
from mock_sites.restaurant.web import message, page, see_other, session_id, site


def _own(code: str) -> dict:
    booking = site().store.booking(session_id(), code)
    if booking is None:
        abort(404)
    return booking


def _not_confirmed(booking: dict):
    text = f"Reservation {booking['code']} at {booking['restaurant_name']} was cancelled and cannot be changed."
    return message(409, "This reservation is cancelled", text, (("My reservations", "/reservations"),))


def reservation(code: str):
    booking = _own(code)
    return page("reservation.html", b=booking)


def reservations():
    return page("reservations.html", bookings=site().store.bookings(session_id()))


def cancel(code: str):
    booking = _own(code)
    if booking["status"] != "confirmed":
        return _not_confirmed(booking)
    site().store.update_booking(session_id(), code, status="cancelled")
    return see_other("/reservations")


def _modify_page(status: int, booking: dict, checked: Checked):
    r = site().catalogue.get(booking["rid"])
    open_times = None
    if r is not None and "date" not in checked.errors and "party" not in checked.errors:
        open_times = [t for t, ok in site().catalogue.slots(r.id, checked.raw["date"], checked.party) if ok]
    return page("modify.html", status, b=booking, form=checked.raw, errors=checked.errors, open_times=open_times,
                party=checked.party)


def modify(code: str):
    booking = _own(code)
    if booking["status"] != "confirmed":
        return _not_confirmed(booking)
    checked = Checked()
    check_slot_fields({"date": booking["date"], "time": booking["time"], "party": str(booking["party"])}, checked)
    return _modify_page(200, booking, checked)


def modify_post(code: str):
    booking = _own(code)
    if booking["status"] != "confirmed":
        return _not_confirmed(booking)
    checked = Checked()
    check_slot_fields(request.form, checked)
    if checked.errors:
        return _modify_page(422, booking, checked)
    date_iso, time, party = checked.raw["date"], checked.raw["time"], checked.party
    if not site().catalogue.is_available(booking["rid"], date_iso, time, party):
        checked.errors["time"] = (
            f"No table for {fmt_party(party)} at {fmt_time(time)} on {fmt_date(date_iso)}. Choose another time."
        )
        return _modify_page(409, booking, checked)
    site().store.update_booking(session_id(), code, date=date_iso, time=time, party=party)
    return see_other(f"/reservations/{code}")


def register(app: Flask) -> None:
    app.add_url_rule("/reservations", "reservations", reservations)
    app.add_url_rule("/reservations/<code>", "reservation", reservation)
    app.add_url_rule("/reservations/<code>/cancel", "cancel", cancel, methods=["POST"])
    app.add_url_rule("/reservations/<code>/modify", "modify", modify)
    app.add_url_rule("/reservations/<code>/modify", "modify_post", modify_post, methods=["POST"])
