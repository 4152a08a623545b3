"""A scripted OpenAI-compatible chat-completions server on 127.0.0.1 for the llm component tests."""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

HANG_LIMIT_S = 10.0  # a hanging reply gives up after this (or when the server closes)


@dataclass
class Reply:
    """One scripted answer: a status, a JSON body (or raw bytes), headers, and optional hold time."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    hold_s: float = 0.0  # sleep this long before answering (HANG_LIMIT_S or more: hang)


def chat(content: str, prompt_tokens: int = 100, completion_tokens: int = 20) -> Reply:
    """A successful chat-completion reply with `content` and a usage block."""
    return Reply(200, {
        "id": "chatcmpl-test", "object": "chat.completion", "model": "scripted",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    })  # fmt: skip


@dataclass
class Seen:
    """One request the server received."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def prompt(self) -> str:
        """All message contents joined."""
        return "\n".join(m["content"] for m in self.body["messages"])


class ScriptedServer:
    """Answers with queued replies first, then with `default(request_body)`; records every request."""

    def __init__(self, default: Callable[[dict[str, Any]], Reply] | None = None) -> None:
        self.default = default or (lambda body: chat("ACTIONS:\nstop(\"done\")"))
        self.queue: deque[Reply] = deque()
        self.requests: list[Seen] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base_url(self) -> str:
        """The server's OpenAI-style base URL."""
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def script(self, *replies: Reply) -> None:
        """Queue replies for the next requests, in order."""
        self.queue.extend(replies)

    def start(self) -> ScriptedServer:
        self._thread.start()
        return self

    def close(self) -> None:
        self._closing.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def _answer(self, seen: Seen) -> Reply:
        with self._lock:
            self.requests.append(seen)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            reply = self.queue.popleft() if self.queue else None
        return reply if reply is not None else self.default(seen.body)

    def _done(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                seen = Seen(self.path, {k.lower(): v for k, v in self.headers.items()}, json.loads(raw))
                counted = self.path == "/v1/chat/completions"
                try:
                    reply = server._answer(seen) if self.path == "/v1/chat/completions" else Reply(404, {"error": "no"})
                    if reply.hold_s:
                        server._closing.wait(min(reply.hold_s, HANG_LIMIT_S))
                    data = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    if counted:  # no longer in flight before the client can see the reply and send the next
                        counted = False
                        server._done()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    if counted:
                        server._done()

        return Handler


@contextmanager
def scripted_server(default: Callable[[dict[str, Any]], Reply] | None = None) -> Iterator[ScriptedServer]:
    """A started ScriptedServer, closed on exit."""
    server = ScriptedServer(default).start()
    try:
        yield server
    finally:
        server.close()
