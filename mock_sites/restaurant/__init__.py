"""TableTop: a mock restaurant-booking site (Flask, no JavaScript)."""

from mock_sites.restaurant.app import create_app
from mock_sites.restaurant.catalogue import build_catalogue

__all__ = ["build_catalogue", "create_app"]
