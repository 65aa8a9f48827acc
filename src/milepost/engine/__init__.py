"""Scheduling engines: pure functions from a project to results."""

from milepost.engine.scheduler import ScheduleParams, schedule

__all__ = ["ScheduleParams", "schedule"]
