"""The Typer application object and what its commands share."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

import milepost
from milepost.cli.render import out

app = typer.Typer(
    name="milepost",
    help="Milepost: plans as text, scheduled like MS Project, faster than any desktop tool.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

PlanArg = Annotated[Path, typer.Argument(help="Plan file (.yaml) or MS Project XML (.xml).", show_default=False)]


def _version(value: bool) -> None:
    if value:
        out.print(f"milepost {milepost.__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Milepost command line."""
