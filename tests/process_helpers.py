"""Process checks that tolerate the race of a process being reaped while it is looked at."""

from __future__ import annotations

import psutil


def is_running(pid: int) -> bool:
    """True while `pid` is a live process (a zombie, or one already reaped, is not)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def kill_and_wait(pid: int, timeout: float = 10) -> None:
    """SIGKILL `pid` and wait until it is gone; a process that is already gone is fine."""
    try:
        process = psutil.Process(pid)
        process.kill()
        process.wait(timeout=timeout)
    except psutil.NoSuchProcess:
        pass
