"""Commands of the team workspace: serve, db, backup, restore, user."""

from __future__ import annotations

import getpass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from milepost.cli.base import app
from milepost.cli.render import err, handles_errors, out
from milepost.errors import InvalidInputError, Problem

if TYPE_CHECKING:
    from milepost.services.workspace import Database

db_app = typer.Typer(help="The workspace database: schema migrations.", no_args_is_help=True)
user_app = typer.Typer(help="Workspace accounts.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")


def _database() -> Database:
    from milepost.config import get_settings
    from milepost.services.workspace import Database

    return Database.open(get_settings())


@app.command()
@handles_errors
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on (0.0.0.0: every interface).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
    demo: Annotated[bool, typer.Option("--demo", help="Load the example projects into the workspace.")] = False,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="Server processes.")] = 1,
) -> None:
    """Run the team workspace: migrate the database, then serve the API (and web pages)."""
    import uvicorn

    from milepost.services import workspace

    db = _database()
    before, after = workspace.upgrade(db)
    if before != after:
        err.print(f"database schema: {before or 'new'} → {after}")
    admin = workspace.first_run(db)
    if admin is not None:
        email, password = admin
        out.print(Text("First run: an admin account was created.", style="bold green"))
        out.print(f"  e-mail:   {email}\n  password: {password}   (one-time: you will be asked to change it)")
    else:
        out.print("Sign in with your account (a forgotten password: milepost user password EMAIL).")
    if demo:
        added = workspace.load_demo(db)
        if added:
            out.print(f"demo workspace: loaded {', '.join(added)}")
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
    out.print(f"Milepost is at http://{shown}:{port}/  (API docs: http://{shown}:{port}/api/v1/docs)")
    db.engine.dispose()
    uvicorn.run("milepost.server:serve_app", factory=True, host=host, port=port, workers=workers, log_level="info")


@db_app.command("upgrade")
@handles_errors
def db_upgrade() -> None:
    """Bring the database schema up to date (safe to run any time)."""
    from milepost.services import workspace

    before, after = workspace.upgrade(_database())
    out.print(f"schema {before or 'none'} → {after}" if before != after else f"schema {after}: already up to date")


@db_app.command("current")
@handles_errors
def db_current() -> None:
    """Show the database schema revision (exit 1 when it needs an upgrade)."""
    from milepost.services import workspace

    now, head = workspace.current(_database())
    if now == head:
        out.print(f"schema {now} (up to date)")
        return
    out.print(f"schema {now or 'none'}; the latest is {head}: run  milepost db upgrade")
    raise typer.Exit(1)


@app.command()
@handles_errors
def backup(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Backup file (default: milepost-backup-DATE.jsonl.gz).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite the output file if it exists.")] = False,
) -> None:
    """Back up the whole workspace to one file (consistent while the server runs)."""
    from milepost.services import workspace

    target = output or Path(f"milepost-backup-{datetime.now():%Y%m%d-%H%M%S}.jsonl.gz")
    if target.exists() and not force:
        raise InvalidInputError(Problem("output_exists", f"{target} exists; use --force to overwrite it"))
    counts = workspace.backup_to(_database(), target)
    out.print(Text(f"✓ wrote {target}: {_rows(counts)}", style="green"))


@app.command()
@handles_errors
def restore(
    source: Annotated[Path, typer.Argument(help="A backup written by  milepost backup.", show_default=False)],
    force: Annotated[bool, typer.Option("--force", help="Replace a workspace that already holds data.")] = False,
) -> None:
    """Restore the workspace from a backup (refuses to overwrite data without --force)."""
    from milepost.services import workspace

    counts = workspace.restore_from(_database(), source, force=force)
    out.print(Text(f"✓ restored {source}: {_rows(counts)}", style="green"))


def _rows(counts: dict[str, int]) -> str:
    shown = {k: v for k, v in counts.items() if k in ("users", "projects", "tasks", "dependencies", "resources")}
    return ", ".join(f"{v} {k}" for k, v in shown.items())


def _password(given: str | None) -> str:
    if given is not None:
        return given
    first = getpass.getpass("password: ")
    if first != getpass.getpass("again: "):
        raise InvalidInputError(Problem("password_mismatch", "the two passwords differ"))
    return first


@user_app.command("create")
@handles_errors
def user_create(
    email: Annotated[str, typer.Argument(help="E-mail address (the sign-in name).", show_default=False)],
    name: Annotated[str, typer.Option("--name", help="Full name.")] = "",
    admin: Annotated[bool, typer.Option("--admin", help="A workspace admin.")] = False,
    password: Annotated[
        str | None,
        typer.Option("--password", help="The password (asked for when not given).", envvar="MILEPOST_PASSWORD"),
    ] = None,
) -> None:
    """Create a local account."""
    from milepost.services import workspace

    ident = workspace.create_user(_database(), email, _password(password), name=name, admin=admin)
    out.print(Text(f"✓ user {ident}: {email.strip().lower()}{' (admin)' if admin else ''}", style="green"))


@user_app.command("password")
@handles_errors
def user_password(
    email: Annotated[str, typer.Argument(help="The user's e-mail address.", show_default=False)],
    password: Annotated[
        str | None,
        typer.Option("--password", help="The new password (asked for when not given).", envvar="MILEPOST_PASSWORD"),
    ] = None,
) -> None:
    """Set a user's password (for an admin who is locked out)."""
    from milepost.services import workspace

    workspace.reset_password(_database(), email, _password(password))
    out.print(Text(f"✓ password of {email} set", style="green"))
