"""The workspace's database: open it, bring its schema up to date, the first admin, the
demo projects, backups."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import milepost
from milepost.config import Settings
from milepost.errors import InvalidInputError, Problem
from milepost.services import accounts
from milepost.services.access import Role
from milepost.storage import backup, mappers, migrate
from milepost.storage import repository as repo
from milepost.storage.db import Engine, SessionFactory, make_engine, ping, session_factory, transaction
from milepost.storage.models import MembershipRecord, ProjectRecord

DEMO_PLANS = ("web-launch.yaml", "datacentre-migration.yaml", "hardware-product.yaml")


@dataclass
class Database:
    """An open database: its engine and a factory of sessions."""

    engine: Engine
    sessions: SessionFactory

    @classmethod
    def open(cls, settings: Settings) -> Database:
        """Connect to the configured database (nothing is created yet)."""
        engine = make_engine(settings.database_url)
        ping(engine)
        return cls(engine, session_factory(engine))


def upgrade(db: Database) -> tuple[str | None, str]:
    """Bring the schema to the latest revision; returns the revisions before and after."""
    before = migrate.current(db.engine)
    migrate.upgrade(db.engine)
    return before, migrate.head()


def current(db: Database) -> tuple[str | None, str]:
    """The schema revision of the database, and the latest one Milepost knows."""
    return migrate.current(db.engine), migrate.head()


def first_run(db: Database) -> tuple[str, str] | None:
    """Create the admin when there are no users yet: its e-mail and one-time password."""
    with transaction(db.sessions) as session:
        return accounts.ensure_first_admin(session)


def examples_folder() -> Path | None:
    """Where the example plans are: in the installed package, or beside the sources."""
    here = Path(milepost.__file__).resolve().parent
    for folder in (here / "examples", here.parents[1] / "examples"):
        if (folder / DEMO_PLANS[0]).is_file():
            return folder
    return None


def load_demo(db: Database) -> list[str]:
    """Load the example plans into the workspace (once), owned by every admin; returns
    the names of the projects added."""
    from milepost.io.planfile import read_plan

    folder = examples_folder()
    if folder is None:
        raise InvalidInputError(
            Problem("no_examples", "the example plans are not installed with this copy of Milepost")
        )
    added = []
    with transaction(db.sessions) as session:
        admins = [u for u in repo.all_users(session) if u.is_admin]
        existing = {p.name for p in repo.rows(session, ProjectRecord)}
        workspace = repo.default_workspace(session)
        for name in DEMO_PLANS:
            project = read_plan(folder / name)
            if project.name in existing:
                continue
            record = mappers.store(session, project, workspace.id)
            for admin in admins:
                repo.add(session, MembershipRecord(project_id=record.id, user_id=admin.id, role=Role.OWNER.value))
            added.append(project.name)
    return added


def backup_to(db: Database, path: Path) -> dict[str, int]:
    """Write a backup of the whole workspace (consistent while the server runs)."""
    return backup.write_backup(db.engine, path)


def restore_from(db: Database, path: Path, *, force: bool = False) -> dict[str, int]:
    """Replace the workspace with a backup (the schema is brought up to date first)."""
    if not path.is_file():
        raise InvalidInputError(Problem("not_found", f"{path} does not exist", file=str(path)))
    backup.read_header(path)
    migrate.upgrade(db.engine)
    return backup.restore_backup(db.engine, path, force=force)


def create_user(db: Database, email: str, password: str, *, name: str = "", admin: bool = False) -> int:
    """A new account from the command line; returns its id."""
    with transaction(db.sessions) as session:
        return accounts.add_user(session, email, password, name=name, is_admin=admin).id


def reset_password(db: Database, email: str, password: str) -> None:
    """Set a user's password from the command line (and re-activate them)."""
    with transaction(db.sessions) as session:
        accounts.set_password(session, email, password)
