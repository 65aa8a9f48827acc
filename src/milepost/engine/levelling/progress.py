"""Progress of a long levelling, told to the caller, who may stop it.

A :data:`~milepost.domain.levelling.Progress` callback gets a fraction from 0 to 1 and
a sentence.  The phases of :func:`~milepost.engine.levelling.level.level` each own a
part of the range (:meth:`Reporter.part`), so the fraction only ever grows.  Once the
callback has answered ``False`` every later call answers ``False`` without asking it
again: each phase stops at its next check and keeps the best schedule it has.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from milepost.domain.levelling import Progress


@dataclass
class _State:
    callback: Progress | None
    reached: float = 0.0
    stopped: bool = False


@dataclass
class Reporter:
    """Reports to ``callback`` within the part ``[low, high]`` of the whole."""

    callback: Progress | None = None
    low: float = 0.0
    high: float = 1.0
    _state: _State = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._state = _State(self.callback)

    def __call__(self, fraction: float, message: str) -> bool:
        """Tell the caller (``fraction`` of this part done); ``False`` once asked to stop."""
        state = self._state
        if state.stopped:
            return False
        if state.callback is None:
            return True
        done = self.low + (self.high - self.low) * min(max(float(fraction), 0.0), 1.0)
        state.reached = max(state.reached, done)
        if not state.callback(state.reached, message):
            state.stopped = True
        return not state.stopped

    @property
    def stopped(self) -> bool:
        """Whether the caller asked to stop."""
        return self._state.stopped

    def part(self, low: float, high: float) -> Reporter:
        """A reporter for the part ``[low, high]`` of this one's range (sharing its state)."""
        span = self.high - self.low
        sub = Reporter(self.callback, self.low + span * low, self.low + span * high)
        sub._state = self._state
        return sub
