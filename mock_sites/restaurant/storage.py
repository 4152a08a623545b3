"""SQLite storage for sessions and bookings (one connection shared by all threads, behind a lock)."""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import threading
from collections.abc import Iterable, Mapping

from mock_sites.restaurant.state import BOOKING_COLUMNS, BookingRow, SessionState

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (sid TEXT PRIMARY KEY, state TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS bookings (
    sid TEXT NOT NULL, code TEXT NOT NULL, rid TEXT NOT NULL, restaurant_name TEXT NOT NULL,
    city TEXT NOT NULL, date TEXT NOT NULL, time TEXT NOT NULL, party INTEGER NOT NULL,
    first_name TEXT NOT NULL, last_name TEXT NOT NULL, phone TEXT NOT NULL, email TEXT NOT NULL,
    seating TEXT NOT NULL, occasion TEXT NOT NULL, special_request TEXT NOT NULL,
    status TEXT NOT NULL, seq INTEGER NOT NULL,
    PRIMARY KEY (sid, code)
);
"""
_CODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_COLS = ", ".join(BOOKING_COLUMNS)
_INSERT = f"INSERT INTO bookings (sid, {_COLS}) VALUES (?, {', '.join('?' * len(BOOKING_COLUMNS))})"
_SELECT = f"SELECT {_COLS} FROM bookings WHERE sid = ? ORDER BY seq, code"


def reservation_code(episode_seed: int, booking_counter: int, rid: str, date: str, time: str, party: int) -> str:
    """'TT-' + 6 characters from sha256 of the booking's inputs (deterministic, never random)."""
    digest = hashlib.sha256(f"{episode_seed}|{booking_counter}|{rid}|{date}|{time}|{party}".encode()).digest()
    number = int.from_bytes(digest[:8], "big")
    chars = []
    for _ in range(6):
        number, index = divmod(number, len(_CODE_ALPHABET))
        chars.append(_CODE_ALPHABET[index])
    return "TT-" + "".join(chars)


class SiteStore:
    """Sessions (sid -> SessionState JSON) and their bookings."""

    def __init__(self, db_path: str = ":memory:") -> None:
        self._conn = sqlite3.connect(db_path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            self._conn.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # -- sessions -----------------------------------------------------------------------
    def create_session(self, state: SessionState | None = None) -> str:
        """Store a new session and return its sid."""
        sid = secrets.token_urlsafe(16)
        payload = (state or SessionState()).model_dump_json()
        with self._lock:
            self._conn.execute("INSERT INTO sessions (sid, state) VALUES (?, ?)", (sid, payload))
        return sid

    def load(self, sid: str) -> SessionState | None:
        """The session's state, or None when the sid is unknown."""
        with self._lock:
            row = self._conn.execute("SELECT state FROM sessions WHERE sid = ?", (sid,)).fetchone()
        return None if row is None else SessionState.model_validate_json(row[0])

    def exists(self, sid: str) -> bool:
        with self._lock:
            return self._conn.execute("SELECT 1 FROM sessions WHERE sid = ?", (sid,)).fetchone() is not None

    def save(self, sid: str, state: SessionState) -> None:
        """Write (or create) the session's state."""
        payload = state.model_dump_json()
        with self._lock:
            self._conn.execute(
                "INSERT INTO sessions (sid, state) VALUES (?, ?) ON CONFLICT(sid) DO UPDATE SET state = excluded.state",
                (sid, payload),
            )

    def delete_session(self, sid: str) -> None:
        """Forget a session and its bookings."""
        with self._lock:
            self._conn.execute("BEGIN")
            self._conn.execute("DELETE FROM bookings WHERE sid = ?", (sid,))
            self._conn.execute("DELETE FROM sessions WHERE sid = ?", (sid,))
            self._conn.execute("COMMIT")

    # -- bookings -----------------------------------------------------------------------
    def bookings(self, sid: str) -> list[dict]:
        """The session's bookings ordered by seq: dicts of every column except sid."""
        with self._lock:
            rows = self._conn.execute(_SELECT, (sid,)).fetchall()
        return [dict(zip(BOOKING_COLUMNS, row)) for row in rows]

    def booking(self, sid: str, code: str) -> dict | None:
        """One of the session's bookings by code, or None."""
        with self._lock:
            row = self._conn.execute(
                f"SELECT {_COLS} FROM bookings WHERE sid = ? AND code = ?", (sid, code)
            ).fetchone()
        return None if row is None else dict(zip(BOOKING_COLUMNS, row))

    def add_booking(self, sid: str, row: Mapping) -> str:
        """Insert a booking and return its code.

        Without a `code` the code is derived from the stored session's episode_seed and
        booking_counter; without a `seq` the row goes after the session's other bookings.
        """
        values = dict(row)
        if not values.get("code"):
            state = self.load(sid) or SessionState()
            values["code"] = reservation_code(
                state.episode_seed, state.booking_counter,
                values["rid"], values["date"], values["time"], values["party"],
            )
        with self._lock:
            if not values.get("seq"):
                top = self._conn.execute("SELECT COALESCE(MAX(seq), 0) FROM bookings WHERE sid = ?", (sid,)).fetchone()
                values["seq"] = top[0] + 1
            record = BookingRow.model_validate(values)
            self._conn.execute(_INSERT, (sid, *record.model_dump().values()))
        return record.code

    def update_booking(self, sid: str, code: str, /, **fields: object) -> bool:
        """Change some columns of one booking; False when the session has no such booking."""
        unknown = set(fields) - set(BOOKING_COLUMNS) | ({"code", "seq"} & set(fields))
        if unknown:
            raise ValueError(f"cannot update {sorted(unknown)}")
        if not fields:
            return self.booking(sid, code) is not None
        assignments = ", ".join(f"{name} = ?" for name in fields)
        with self._lock:
            cursor = self._conn.execute(
                f"UPDATE bookings SET {assignments} WHERE sid = ? AND code = ?", (*fields.values(), sid, code)
            )
        return cursor.rowcount > 0

    def replace_bookings(self, sid: str, rows: Iterable[Mapping]) -> None:
        """Make `rows` the session's only bookings (a missing or zero seq becomes the position, from 1)."""
        records = []
        for position, row in enumerate(rows, start=1):
            values = dict(row)
            if not values.get("seq"):
                values["seq"] = position
            records.append(BookingRow.model_validate(values))
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                self._conn.execute("DELETE FROM bookings WHERE sid = ?", (sid,))
                self._conn.executemany(_INSERT, [(sid, *r.model_dump().values()) for r in records])
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
