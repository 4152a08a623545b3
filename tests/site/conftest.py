"""Fixtures for the TableTop site tests."""

from __future__ import annotations

import pytest

from mock_sites.restaurant import create_app
from tabletop_helpers import TOKEN


@pytest.fixture
def app():
    return create_app(sandbox_token=TOKEN)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def catalogue(app):
    return app.extensions["tabletop"].catalogue
