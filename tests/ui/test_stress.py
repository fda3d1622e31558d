"""2 000 random user actions, good and bad, with no exception, the window's
invariants checked after each, and every edit undone and redone exactly."""
import time

import pytest

from .stress import Walk

ACTIONS = 2000


@pytest.mark.parametrize("seed", [2026, 7])
def test_a_seeded_walk_of_random_user_actions(window, tmp_path, seed):
    walk = Walk(window, tmp_path, seed=seed)
    start = time.perf_counter()
    walk.run(ACTIONS)
    walk.undo_all_and_back()
    assert walk.checks >= ACTIONS
    # every kind of action was taken, many times
    assert len(walk.counts) == 22 and min(walk.counts.values()) >= 10, walk.counts
    print(f"{ACTIONS} actions in {time.perf_counter() - start:.1f} s: {walk.counts}")
