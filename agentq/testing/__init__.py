"""Test helpers that spawned worker processes can import (e.g. the fake episode worker)."""
