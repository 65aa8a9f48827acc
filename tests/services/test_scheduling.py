"""The per-process single flight in front of the schedule cache."""

from __future__ import annotations

import threading
import time

from milepost.services.scheduling import SingleFlight


def test_callers_of_one_key_share_one_computation() -> None:
    flight = SingleFlight()
    calls = []
    started = threading.Event()

    def compute() -> bytes:
        calls.append(1)
        started.set()
        time.sleep(0.2)
        return b"body"

    results: list[bytes] = []
    first = threading.Thread(target=lambda: results.append(flight.get(("db", 1, 7), compute)))
    first.start()
    started.wait(5)
    others = [threading.Thread(target=lambda: results.append(flight.get(("db", 1, 7), compute))) for _ in range(5)]
    for t in others:
        t.start()
    for t in [first, *others]:
        t.join(5)
    assert results == [b"body"] * 6
    assert len(calls) == 1


def test_other_keys_compute_apart_and_bodies_expire() -> None:
    flight = SingleFlight(keep=2, seconds=600)  # long enough for a slow machine
    assert flight.get(("db", 1, 1), lambda: b"one") == b"one"
    assert flight.get(("db", 1, 2), lambda: b"two") == b"two"
    assert flight.get(("db", 1, 1), lambda: b"again") == b"one"  # kept
    assert flight.get(("db", 1, 3), lambda: b"three") == b"three"  # pushes out the oldest, revision 2
    assert flight.get(("db", 1, 2), lambda: b"two again") == b"two again"
    brief = SingleFlight(seconds=0.05)
    assert brief.get(("db", 1, 3), lambda: b"three") == b"three"
    time.sleep(0.06)
    assert brief.get(("db", 1, 3), lambda: b"fresh") == b"fresh"  # expired
