"""What resource levelling gives back: the levelled schedule and why each task moved."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from milepost.domain.schedule import Diagnostic, Schedule

Progress = Callable[[float, str], bool]
"""Told how far a long computation is (a fraction 0-1, never going back) and what it is
doing; it answers ``False`` to stop it (the best result found so far is kept)."""


class LevelMethod(StrEnum):
    """How the schedule was levelled."""

    HEURISTIC = "heuristic"
    OPTIMIZE = "optimize"


class LevelStatus(StrEnum):
    """``optimal`` only when CP-SAT proved that no shorter schedule exists."""

    FEASIBLE = "feasible"
    OPTIMAL = "optimal"


class Objective(StrEnum):
    """What ``--optimize`` minimises."""

    MAKESPAN = "makespan"
    LATENESS = "lateness"
    """Priority-weighted lateness against deadlines (then the makespan)."""


@dataclass(frozen=True, slots=True)
class LevelParams:
    """Options for levelling.

    Parameters
    ----------
    optimize:
        Improve the heuristic's schedule with CP-SAT.
    time_limit:
        Seconds an optimizing levelling may take in all: CP-SAT searches for what the
        heuristic's warm start leaves (at least a second).
    schedules:
        Budget of the heuristic, in schedules built; ``None`` (the default) is 1,000 for
        plans of up to 400 activities and 400,000 activity placements beyond (about 70
        schedules at 5,000 tasks), so that large plans level in seconds.
    seed:
        Everything random is reproducible with the same seed.
    within_float:
        Only delay tasks within their total float (never past their late start).
    objective:
        What CP-SAT minimises.
    """

    optimize: bool = False
    time_limit: float = 10.0
    schedules: int | None = None
    seed: int = 0
    within_float: bool = False
    objective: Objective = Objective.MAKESPAN


@dataclass(frozen=True, slots=True)
class Delay:
    """Why a task starts later than its logic alone allows.

    ``resource`` is the resource it waited for (``None`` when it only waited for a
    predecessor that was itself delayed); ``delayed_by`` the tasks that held that
    resource, or the delayed predecessors.  A resource with no task holding it means
    the task waited for the resource's working time (time off, holidays, availability).
    """

    task: str
    minutes: int
    resource: str | None
    delayed_by: tuple[str, ...]


@dataclass(frozen=True)
class LevelResult:
    """A levelled schedule with its explanation.

    Attributes
    ----------
    schedule:
        Levelled dates; floats and the critical flags account for resources (a task is
        critical when delaying it would delay the finish, through links or through the
        resources it shares).  Its project holds the people chosen for requests by role
        or skill as assignments.
    unlevelled:
        The critical-path schedule before levelling.
    resource_critical_path:
        The chain of links and resource hand-overs that drives the finish.
    lower_bound_minutes:
        A proven lower bound on the finish (critical path, or CP-SAT's bound).
    slot_minutes:
        The time grain levelling worked in (working minutes of the project calendar).
    objective:
        What the optimizer minimised (the heuristic always shortens the schedule).
    """

    schedule: Schedule
    unlevelled: Schedule
    method: LevelMethod
    status: LevelStatus
    makespan_minutes: int
    lower_bound_minutes: int
    delays: dict[str, Delay]
    resource_critical_path: tuple[str, ...]
    schedules: int
    seconds: float
    slot_minutes: int
    diagnostics: tuple[Diagnostic, ...] = field(default=())
    objective: Objective = Objective.MAKESPAN
