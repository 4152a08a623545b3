"""Serve the `miniwob` package's task pages on loopback (the flight tasks need http://, not file://)."""

from __future__ import annotations

from pathlib import Path

from werkzeug.exceptions import NotFound
from werkzeug.middleware.shared_data import SharedDataMiddleware

from envs.serving import SiteServer


def html_root() -> Path:
    """The folder of the package's pages (``miniwob/``, ``core/``, ``common/``, ``flight/``)."""
    try:
        import miniwob
    except ImportError as exc:  # pragma: no cover - the project pins the package
        raise RuntimeError("the MiniWoB++ pages come from the `miniwob` package: pip install miniwob==1.1.0") from exc
    root = Path(miniwob.__file__).resolve().parent / "html"
    if not (root / "miniwob").is_dir():
        raise RuntimeError(f"the miniwob package at {root.parent} has no html/miniwob folder")
    return root


def create_app():
    """A WSGI app serving only the package's static pages (404 for anything else)."""
    return SharedDataMiddleware(NotFound(), {"/": str(html_root())}, cache=False)


def start_server() -> SiteServer:
    """A started server on 127.0.0.1 with a free port; `stop()` it when done."""
    return SiteServer(create_app(), host="127.0.0.1", port=0).start()


def task_path(task: str) -> str:
    """The path of a task's page on the server."""
    return f"/miniwob/{task}.html"
