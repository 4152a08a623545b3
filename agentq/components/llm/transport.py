"""One HTTP POST of a JSON body with a deadline (standard library `http.client`, no proxies)."""

from __future__ import annotations

import http.client
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

CHUNK = 65536


class TransportError(Exception):
    """The request did not get a complete HTTP response (timeout, refused, reset, bad framing)."""


@dataclass(frozen=True)
class HTTPReply:
    """A complete HTTP response."""

    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes


def post(url: str, body: bytes, headers: dict[str, str], timeout_s: float) -> HTTPReply:
    """POST `body` to `url`; the whole exchange (connect to last byte) must finish within `timeout_s`."""
    parts = urlsplit(url)
    deadline = time.monotonic() + timeout_s
    conn_type = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = conn_type(parts.hostname or "", parts.port, timeout=timeout_s)
    path = parts.path or "/"
    try:
        conn.request("POST", path, body=body, headers=headers)
        _set_timeout(conn, deadline)
        response = conn.getresponse()
        chunks: list[bytes] = []
        while True:
            _set_timeout(conn, deadline)
            chunk = response.read(CHUNK)
            if not chunk:
                break
            chunks.append(chunk)
        return HTTPReply(response.status, {k.lower(): v for k, v in response.getheaders()}, b"".join(chunks))
    except (TimeoutError, socket.timeout):
        raise TransportError(f"timed out after {timeout_s:g} s") from None
    except (OSError, http.client.HTTPException) as exc:
        raise TransportError(f"{type(exc).__name__}: {exc}".rstrip(": ")) from None
    finally:
        conn.close()


def _set_timeout(conn: http.client.HTTPConnection, deadline: float) -> None:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError
    if conn.sock is not None:
        conn.sock.settimeout(remaining)
