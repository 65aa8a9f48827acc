"""Scheduling engines: pure functions from a project to results."""

from milepost.engine.scheduler import ScheduleParams, reschedule, schedule

__all__ = ["ScheduleParams", "reschedule", "schedule"]
