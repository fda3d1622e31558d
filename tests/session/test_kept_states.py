"""The kept states read from the newest back (``History.kept_from``) are the
kept states in the order of their iterations, whatever the history went
through; and those up to ``History.settled`` stay kept as it grows."""
import numpy as np

from bpsim.engine import Settings, TrainState
from bpsim.session import History


def grow(h: History, count: int, batch: bool) -> None:
    states = [TrainState(np.full(2, float(h.length + i + 1))) for i in range(count)]
    if batch:
        h.extend([1.0] * count, [None] * count, states, [None] * count, [0] * count)
    else:
        for state in states:
            h.append(1.0, None, state)


def assert_in_order(h: History) -> None:
    kept = sorted(h.kept_items(), key=lambda item: item[0])
    for k in (0, 1, kept[-1][0] // 2, kept[-1][0], kept[-1][0] + 1):
        assert h.kept_from(k) == [item for item in kept if item[0] >= k]
    assert all(h.has_state(k) for k, _ in kept) and not h.has_state(kept[-1][0] + 1)


def test_kept_from_reads_the_kept_states_in_order():
    rng = np.random.default_rng(0)
    h = History(recent=30, every=7)
    h.start(TrainState(np.zeros(2)), Settings())
    assert_in_order(h)
    for _ in range(60):
        grow(h, int(rng.integers(1, 40)), batch=bool(rng.integers(2)))
        assert_in_order(h)
        action = rng.integers(6)
        if action == 0:                   # back, and on from there
            h.truncate(int(rng.integers(0, h.length + 1)))
        elif action == 1:                 # a value set by hand at the end
            h.set_values(h.length, {0: 5.0}, TrainState(np.full(2, 5.0)))
        elif action == 2:                 # held by an undo step
            h.thin(int(rng.integers(2, 20)))
        assert_in_order(h)
    h.start(TrainState(np.zeros(2)), Settings())
    assert h.kept_from(0) == list(h.kept_items())


def test_states_up_to_settled_stay_as_the_history_grows():
    h = History(recent=30, every=7)
    h.start(TrainState(np.zeros(2)), Settings())
    grow(h, 200, batch=True)
    settled = {k: state for k, state in h.kept_items() if k <= h.settled()}
    assert h.settled() == 170 and len(settled) == 170 // 7 + 1
    for batch in (True, False, True):
        grow(h, 45, batch)
        assert {k: s for k, s in h.kept_items() if k <= 170} == settled
