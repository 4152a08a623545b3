"""Finding and launching a Chromium for Playwright on machines where Playwright cannot download one."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

CHROMIUM_ENV_VAR = "AGENTQ_CHROMIUM"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--no-proxy-server",
]
SYSTEM_CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]


class BrowserNotFound(RuntimeError):
    """No Chromium could be found; the message says how to install one."""


def find_chromium(explicit: str | None = None, playwright_default: str | None = None) -> str:
    """Locate a Chromium executable.

    Order: `explicit` (a setting), the `AGENTQ_CHROMIUM` environment variable, Playwright's own
    downloaded browser (`playwright_default`), then the system's Chromium.
    """
    for source, candidate in (("setting", explicit), (CHROMIUM_ENV_VAR, os.environ.get(CHROMIUM_ENV_VAR))):
        if candidate:
            if Path(candidate).is_file() and os.access(candidate, os.X_OK):
                return candidate
            raise BrowserNotFound(f"the Chromium given by {source} ({candidate}) is not an executable file")
    if playwright_default and Path(playwright_default).is_file():
        return playwright_default
    for candidate in SYSTEM_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    raise BrowserNotFound(
        "no Chromium found. Install one with `apt-get install chromium` (Debian/Ubuntu) or "
        "`playwright install chromium`, or point the AGENTQ_CHROMIUM environment variable "
        "(or the env's `chromium_path` setting) at a Chromium executable."
    )
