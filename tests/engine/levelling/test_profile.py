"""The free capacity of a schedule being built: first fits, fits, taking room."""

from __future__ import annotations

from milepost.engine.levelling.profile import Profile


def profile() -> Profile:
    """Resource 0: 2 units, busy (1 left) in slots 2-3; resource 1: 1 unit, none in slot 5."""
    return Profile([[2, 2, 1, 1, 2, 2, 2, 2, 2, 2], [1, 1, 1, 1, 1, 0, 1, 1, 1, 1]], 10)


def test_the_first_fit_moves_past_every_slot_without_room() -> None:
    p = profile()
    assert p.first_fit([(0, 2)], 0, 2) == 0
    assert p.first_fit([(0, 2)], 1, 2) == 4
    assert p.first_fit([(0, 1)], 1, 2) == 1


def test_every_resource_must_agree_on_the_start() -> None:
    """Resource 0 allows 4, resource 1 then 6 (slot 5 has nothing), and resource 0 agrees."""
    p = profile()
    assert p.first_fit([(0, 2), (1, 1)], 1, 2) == 6
    assert p.first_fit([(1, 1), (0, 2)], 1, 2) == 6
    assert not p.fits([(0, 2), (1, 1)], 4, 2)
    assert p.fits([(0, 2), (1, 1)], 6, 2)


def test_no_room_before_the_horizon_gives_the_horizon() -> None:
    p = profile()
    assert p.first_fit([(1, 1)], 4, 5) == 10  # 6-9 is only 4 slots
    assert p.first_fit([], 8, 3) == 10
    assert not p.fits([], 8, 3)
    assert p.first_fit([(0, 9)], 0, 1) == 10


def test_a_zero_length_activity_starts_at_its_earliest_start_even_past_the_horizon() -> None:
    p = profile()
    assert p.first_fit([(1, 1)], 5, 0) == 5
    assert p.first_fit([(1, 1)], 12, 0) == 12
    assert p.fits([(1, 1)], 5, 0)


def test_occupying_takes_room_within_the_horizon_only() -> None:
    p = profile()
    p.occupy([(0, 1), (1, 1)], 7, 5)
    assert p.free == [[2, 2, 1, 1, 2, 2, 2, 1, 1, 1], [1, 1, 1, 1, 1, 0, 1, 0, 0, 0]]
    assert p.first_fit([(0, 2)], 5, 2) == 5
    assert p.first_fit([(0, 2)], 6, 2) == 10
    p.occupy([(0, 1)], 10, 3)
    assert len(p.free[0]) == 10


def test_profiles_are_independent_copies() -> None:
    capacity = [[1, 1, 1]]
    a, b = Profile(capacity, 3), Profile(capacity, 3)
    a.occupy([(0, 1)], 0, 3)
    assert b.free == [[1, 1, 1]]
    assert capacity == [[1, 1, 1]]


def test_a_long_busy_spell_and_scattered_busy_slots_are_crossed_to_the_first_window_with_room() -> None:
    row = [0] * 100 + [1] * 5 + [0] + [1] * 20 + [0] * 3 + [1] * 30
    p = Profile([row], len(row))
    assert p.first_fit([(0, 1)], 0, 10) == 106
    assert p.first_fit([(0, 1)], 0, 5) == 100
    assert p.first_fit([(0, 1)], 110, 20) == 129
    assert p.first_fit([(0, 1)], 110, 31) == len(row)
