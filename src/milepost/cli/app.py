"""The ``milepost`` command line: the app with every command registered."""

from __future__ import annotations

from importlib import import_module

from milepost.cli.base import app

# importing a command module registers its commands; this order is the order in --help
COMMAND_MODULES = (
    "milepost.cli.plan_commands",
    "milepost.cli.resource_commands",
    "milepost.cli.interop_commands",
    "milepost.cli.server_commands",
)
for _module in COMMAND_MODULES:
    import_module(_module)

__all__ = ["app", "run"]


def run() -> None:
    """Console-script entry point."""
    app()
