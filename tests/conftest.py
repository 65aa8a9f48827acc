"""Fixtures shared across the test packages, and Hypothesis's settings.

In CI, Hypothesis runs derandomized (the same examples every run, from the test's own
seed), so a CI run never fails on an example a previous run did not meet; on a
developer's machine it explores new examples each run and keeps the failing ones in
``.hypothesis/`` to replay them.
"""

from hypothesis import settings

from tests.workspace import client, database_url, db, in_ci, quick_password_hashing

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if in_ci():
    settings.load_profile("ci")

__all__ = ["client", "database_url", "db", "quick_password_hashing"]
