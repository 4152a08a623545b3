"""On-disk response cache: one JSON file per key under a two-level hash folder, written atomically.

Keys are sha256 digests of the request's identity (base URL, model, messages, sampling settings and
sample index; never the API key). Writers put a temporary file beside the target and `os.replace`
it, so concurrent processes never see a partial file, and the last of two identical writes wins
with the same content.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any


def request_key(identity: dict[str, Any]) -> str:
    """The sha256 hex digest of a request identity (canonical JSON)."""
    return hashlib.sha256(canonical_json(identity).encode("utf-8")).hexdigest()


def canonical_json(value: Any) -> str:
    """Sorted-key, compact JSON: the same value always gives the same text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class ResponseCache:
    """Replies stored by request identity in `root`."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        """Where the reply for `key` lives."""
        return self.root / key[:2] / key[2:4] / f"{key}.json"

    def get(self, identity: dict[str, Any]) -> dict[str, Any] | None:
        """The stored reply for this identity, or None (a missing, unreadable or foreign file is a miss)."""
        try:
            with open(self.path(request_key(identity)), encoding="utf-8") as fh:
                record = json.load(fh)
        except (OSError, ValueError):
            return None
        if not isinstance(record, dict) or record.get("request") != identity or not isinstance(record.get("reply"), dict):
            return None
        return record["reply"]

    def put(self, identity: dict[str, Any], reply: dict[str, Any]) -> None:
        """Store a reply atomically (temporary file in the same folder, then os.replace)."""
        target = self.path(request_key(identity))
        target.parent.mkdir(parents=True, exist_ok=True)
        data = canonical_json({"request": identity, "reply": reply}).encode("utf-8")
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, target)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
