"""The table of sites by env name, and what a site offers, without importing any agent machinery
(the config models and the learning code read it)."""

from __future__ import annotations

import importlib
from typing import Any

SITES: dict[str, str] = {
    "restaurant": "mock_sites.restaurant.adapter:RestaurantSite",
    "miniwob": "mock_sites.miniwob.adapter:MiniWoBSite",
}


def load_site(name: str) -> Any:
    """The site adapter registered under `name`."""
    if name not in SITES:
        raise KeyError(f"no site adapter for env {name!r}; known: {', '.join(sorted(SITES))}")
    module, _, cls = SITES[name].partition(":")
    return getattr(importlib.import_module(module), cls)()


def site_backends(name: str) -> tuple[tuple[str, ...], str] | None:
    """The backends the site `name` offers (first: the default search backend) and why it lacks
    the others; None for a site that offers both (or is not registered here)."""
    if name not in SITES:
        return None
    site = load_site(name)
    backends = tuple(getattr(site, "backends", ("http", "browser")))
    return None if set(backends) >= {"http", "browser"} else (backends, str(getattr(site, "backend_note", "")))
