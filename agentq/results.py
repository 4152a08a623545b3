"""Run folder layout, crash-safe JSONL rows, atomic writes and the per-group summary."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agentq.config import canonical_json
from agentq.paired import paired_comparisons
from agentq.stats import mean, pair_progress, quality_measures, wilson_interval

SCHEMA_VERSION = 2  # summary.json: 1 was a bare list of groups; 2 adds schema_version, paired, quality

DIFFICULTY_ORDER = ("trivial", "easy", "medium", "hard", "expert")


class ResultsError(RuntimeError):
    """A run folder or its episodes file cannot be used."""


@dataclass(frozen=True)
class RunFolder:
    """Paths inside one run folder."""

    path: Path

    @property
    def config(self) -> Path:
        return self.path / "config.yaml"

    @property
    def episodes(self) -> Path:
        return self.path / "episodes.jsonl"

    @property
    def summary_json(self) -> Path:
        return self.path / "summary.json"

    @property
    def summary_md(self) -> Path:
        return self.path / "summary.md"

    @property
    def plots(self) -> Path:
        return self.path / "plots"

    @property
    def trees(self) -> Path:
        return self.path / "trees"


# ---------------------------------------------------------------------------- writing


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def tmp_path(path: Path) -> Path:
    """A temporary sibling of ``path`` for write-then-rename."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so readers see the old or the new file, never half of one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = tmp_path(path)
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(path.parent)


def atomic_write_text(path: Path, text: str) -> None:
    """UTF-8 text version of :func:`atomic_write_bytes`."""
    atomic_write_bytes(path, text.encode("utf-8"))


def _json_default(obj: Any) -> Any:
    if hasattr(obj, "item"):  # numpy scalars
        return obj.item()
    if hasattr(obj, "tolist"):
        return obj.tolist()
    if isinstance(obj, (set, frozenset, tuple)):
        return list(obj)
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"not JSON-serialisable: {type(obj).__name__}")


def row_line(row: dict[str, Any]) -> bytes:
    """One JSONL line (with its newline) for ``row``."""
    text = json.dumps(row, ensure_ascii=False, separators=(",", ":"), default=_json_default, allow_nan=False)
    if "\n" in text:  # cannot happen with json.dumps, but the file format depends on it
        raise ResultsError("row serialised to more than one line")
    return (text + "\n").encode("utf-8")


class JsonlAppender:
    """Appends whole lines, each flushed and fsynced before :meth:`append` returns."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._fh = open(self.path, "ab")

    def append(self, row: dict[str, Any]) -> None:
        self._fh.write(row_line(row))
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        if not self._fh.closed:
            self._fh.close()

    def __enter__(self) -> JsonlAppender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ---------------------------------------------------------------------------- reading


def _parse_lines(path: Path, data: bytes) -> list[dict[str, Any]]:
    rows = []
    for lineno, raw in enumerate(data.split(b"\n")[:-1], start=1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ResultsError(f"{path}:{lineno}: not a JSON line ({exc})") from None
        if not isinstance(row, dict) or not isinstance(row.get("index"), int):
            raise ResultsError(f"{path}:{lineno}: not an episode row (needs an integer 'index')")
        rows.append(row)
    return rows


def read_rows(path: Path) -> list[dict[str, Any]]:
    """Complete rows of an episodes file (a trailing partial line is ignored, not removed)."""
    path = Path(path)
    if not path.exists():
        return []
    return _parse_lines(path, path.read_bytes())


def repair_jsonl(path: Path) -> list[dict[str, Any]]:
    """Cut a trailing partial line (left by a killed run) off the file and return the complete rows."""
    path = Path(path)
    if not path.exists():
        return []
    data = path.read_bytes()
    cut = data.rfind(b"\n") + 1
    if cut < len(data):
        with open(path, "rb+") as fh:
            fh.truncate(cut)
            fh.flush()
            os.fsync(fh.fileno())
    return _parse_lines(path, data[:cut])


def unique_rows(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows sorted by index, the first row kept where an index repeats."""
    seen: dict[int, dict[str, Any]] = {}
    for row in rows:
        seen.setdefault(row["index"], row)
    return [seen[i] for i in sorted(seen)]


def rewrite_sorted(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    """Atomically rewrite an episodes file with its rows in index order."""
    atomic_write_bytes(Path(path), b"".join(row_line(r) for r in unique_rows(rows)))


# ---------------------------------------------------------------------------- summary


def _difficulty_key(d: str) -> tuple[int, str]:
    return (DIFFICULTY_ORDER.index(d) if d in DIFFICULTY_ORDER else len(DIFFICULTY_ORDER), d)


def is_error(row: dict[str, Any]) -> bool:
    """Whether a row records a failed episode run (exception, dead worker, bad result)."""
    return bool(row.get("error"))


def is_success(row: dict[str, Any]) -> bool:
    """Whether a row counts as a success (errors never do)."""
    return bool(row.get("success")) and not is_error(row)


def _rate(rows: list[dict[str, Any]]) -> dict[str, Any]:
    k, n = sum(is_success(r) for r in rows), len(rows)
    lo, hi = wilson_interval(k, n)
    return {"episodes": n, "successes": k, "success_rate": k / n if n else 0.0, "ci_low": lo, "ci_high": hi}


def _mean_of(rows: list[dict[str, Any]], key: str) -> float | None:
    return mean(r[key] for r in rows if isinstance(r.get(key), (int, float)))


def summarize(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One summary group per (agent, sweep point), ordered by the group's first episode index.

    Success counts every row (error rows count as failures); means are over rows without error.
    """
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in unique_rows(rows):
        key = (str(row.get("agent")), canonical_json(row.get("sweep_point") or {}))
        groups.setdefault(key, []).append(row)
    out = []
    for (agent, _), grows in groups.items():
        ok = [r for r in grows if not is_error(r)]
        by_diff: dict[str, list[dict[str, Any]]] = {}
        for r in grows:
            by_diff.setdefault(str(r.get("difficulty") or "unknown"), []).append(r)
        described = next((r for r in grows if r.get("components")), grows[0])
        rate = _rate(grows)
        out.append(
            {
                "agent": agent,
                "sweep_point": grows[0].get("sweep_point") or {},
                **rate,
                "errors": len(grows) - len(ok),
                "mean_partial": _mean_of(ok, "partial"),
                "mean_steps": _mean_of(ok, "steps"),
                "mean_env_steps": _mean_of(ok, "env_steps"),
                "mean_simulations": _mean_of(ok, "simulations"),
                "mean_model_calls": _mean_calls(ok),
                "mean_wall_s": mean(
                    r["timings"]["wall_s"]
                    for r in ok
                    if isinstance(r.get("timings"), dict) and isinstance(r["timings"].get("wall_s"), (int, float))
                ),
                "by_difficulty": {d: _rate(by_diff[d]) for d in sorted(by_diff, key=_difficulty_key)},
                "components": described.get("components") or {},
                "privileged": described.get("privileged") or {},
                "quality": quality_measures(r["quality_counts"] for r in ok if isinstance(r.get("quality_counts"), dict)),
                "llm": _usage_totals(ok),
                "pair_progress": pair_progress(r["pair_progress"] for r in ok
                                               if isinstance(r.get("pair_progress"), dict)),  # fmt: skip
            }
        )
    return out


def _mean_calls(rows: list[dict[str, Any]]) -> dict[str, float] | None:
    """Mean model calls per episode (policy samples, critic and judge calls, ...); None without any."""
    counted = [r["model_calls"] for r in rows if isinstance(r.get("model_calls"), dict)]
    if not counted:
        return None
    return {key: sum(c.get(key, 0) for c in counted) / len(counted) for key in counted[0]}


def _usage_totals(rows: list[dict[str, Any]]) -> dict[str, float] | None:
    """Summed model usage (calls, tokens, ...) of rows that report one; None when none does."""
    totals: dict[str, float] = {}
    for row in rows:
        for key, value in (row.get("llm") or {}).items():
            if isinstance(value, (int, float)):
                totals[key] = totals.get(key, 0) + value
    return totals or None


def paired_section(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """McNemar comparisons between the agents that ran on the same tasks (see :mod:`agentq.paired`)."""
    groups: dict[tuple[str, str], tuple[str, dict[str, Any], dict[str, bool]]] = {}
    for row in unique_rows(rows):
        point = row.get("sweep_point") or {}
        key = (str(row.get("agent")), canonical_json(point))
        groups.setdefault(key, (str(row.get("agent")), point, {}))[2][str(row.get("task_id"))] = is_success(row)
    return paired_comparisons(groups.values())


def summary_document(rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """What ``summary.json`` holds: the schema version, the groups, the paired comparisons."""
    rows = list(rows)
    return {"schema_version": SCHEMA_VERSION, "groups": summarize(rows), "paired": paired_section(rows)}


def summary_json(document: dict[str, Any]) -> str:
    """The exact text of ``summary.json``."""
    return json.dumps(document, indent=2, ensure_ascii=False, default=_json_default) + "\n"
