"""TimeBudget plans epochs from laps of a fake clock: no training, no real time."""

from __future__ import annotations

from kdcore.train.budget import REPLAN_WINDOW, TimeBudget


class Clock:
    """A clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


def _laps(budget: TimeBudget, clock: Clock, seconds: list[float], *, planned: int = 100, most: int = 100) -> list[int]:
    """Run epochs of the given durations; the plan after each."""
    plans = []
    for done, lap in enumerate(seconds, start=1):
        clock.now += lap
        planned = budget.end_epoch(done=done, planned=planned, most=most)
        plans.append(planned)
    return plans


def test_it_keeps_the_plan_without_a_budget() -> None:
    clock = Clock()
    assert _laps(TimeBudget(0.0, clock=clock), clock, [100.0, 100.0, 100.0]) == [100, 100, 100]


def test_it_plans_after_the_second_epoch_from_that_epochs_lap() -> None:
    clock = Clock()
    budget = TimeBudget(100.0, clock=clock)
    # The slow first epoch (autotuning) is left out: 20 s spent, 5 s kept for the end, 75 s left for 15 more.
    assert _laps(budget, clock, [15.0, 5.0]) == [100, 17]
    assert budget.laps == [15.0, 5.0]
    assert budget.elapsed() == 20.0


def test_it_follows_epochs_that_begin_within_the_window_only() -> None:
    clock = Clock()
    budget = TimeBudget(100.0, clock=clock)
    assert REPLAN_WINDOW == 0.1  # of 100 s: the first 10 s
    # Epoch 3 begins at 2 s (re-planned after: 2 + 8 spent, 8 kept, 82 left), epoch 4 at 10 s (re-planned: 10
    # + 8 spent, 8 kept, 74 left), epoch 5 at 18 s, past the first 10 s: its slower lap changes nothing.
    assert _laps(budget, clock, [1.0, 1.0, 8.0, 8.0, 30.0]) == [100, 99, 13, 13, 13]


def test_it_plans_at_least_the_epochs_done_and_at_most_the_configs() -> None:
    clock = Clock()
    assert _laps(TimeBudget(10.0, clock=clock), clock, [1.0, 20.0]) == [100, 2]  # already over: stop now
    clock = Clock()
    assert _laps(TimeBudget(1e6, clock=clock), clock, [1.0, 1.0], planned=50, most=50) == [50, 50]


def test_a_frozen_budget_keeps_the_plan_it_resumed_with() -> None:
    clock = Clock()
    budget = TimeBudget(10.0, clock=clock)
    budget.frozen = True
    assert _laps(budget, clock, [5.0, 5.0, 5.0], planned=7) == [7, 7, 7]
