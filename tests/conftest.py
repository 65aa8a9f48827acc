"""Fixtures shared across the test packages."""

from tests.workspace import client, database_url, db, quick_password_hashing

__all__ = ["client", "database_url", "db", "quick_password_hashing"]
