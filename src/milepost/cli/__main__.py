"""``python -m milepost.cli``: the command line."""

from milepost.cli.app import run

run()
