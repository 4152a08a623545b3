"""Serving the site over real HTTP."""

from __future__ import annotations

import subprocess
import sys
import urllib.request
from pathlib import Path

from mock_sites.restaurant import create_app
from envs.serving import SiteServer


def test_site_server_serves_and_stops():
    with SiteServer(create_app()) as server:
        assert server.url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(server.url + "/search?city=Austin") as response:
            assert response.status == 200
            assert "10 restaurants in Austin" in response.read().decode()
            assert "tt_session=" in response.headers["Set-Cookie"]
    assert server._server is None


def test_cli_help():
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-m", "mock_sites.restaurant", "--help"], cwd=root, capture_output=True,
                         text=True, check=True)
    assert "--catalogue-seed" in out.stdout and "--port" in out.stdout
