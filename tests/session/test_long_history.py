"""A long history keeps a few bytes an iteration, every value exact, and
rewinding and replaying it work as on a short one."""
import math
import tracemalloc

import numpy as np
import pytest

from bpsim.document import load
from bpsim.engine import Settings, TrainState
from bpsim.paths import examples_dir
from bpsim.session import History, Session
from bpsim.session import history
from bpsim.session.history import RISE_FACTOR, RISE_RUN, RISE_WALK


def session(name: str = "xor-2-2-1") -> Session:
    return Session.from_loaded(load(examples_dir() / f"{name}.bpsim.json"))


def test_a_grown_history_keeps_every_value_exactly():
    """Thousands of steps, past several growths of the columns: the costs,
    test costs and epochs are the trainer's own numbers, bit for bit."""
    s = session("circle-with-test-split")
    s.change_settings(batch=7)          # several steps an epoch
    start, settings = s.state, s.settings
    s.train(3000)
    run = s.trainer.run(start, settings, 3000)
    h = s.history
    assert h.length == 3000 and h.costs == run.costs and h.test_costs == run.test_costs
    assert h.costs.array().tobytes() == np.array(run.costs).tobytes()
    assert [type(c) for c in (h.costs[0], h.test_costs[-1], h.epochs[5])] == [float, float, int]
    epochs, state = [], start
    for _ in range(3000):
        epochs.append(state.position.epoch)
        state = s.trainer.step(state, settings).after
    assert h.epochs == epochs and h.epochs[-1] > 10
    rows = np.array(list(h.grad_norms))
    assert rows.shape == (3000, len(s.layer_names)) and np.isfinite(rows).all()


def test_rewind_and_replay_across_a_long_history():
    s = session()
    s.history = History(recent=50, every=20)
    s.rebuild()
    s.train(5000)
    costs, final = list(s.history.costs), s.parameters()
    snapshot = s.history.costs[:3000]           # a slice, as the status bar takes one
    s.goto(2345)                                # not a kept state: replayed from 2340
    s.train(5000 - 2345)
    assert s.history.costs == costs and s.parameters() == final          # bit for bit
    s.goto(1234)
    s.change_settings(learning_rate=5.0)        # the later history goes
    assert s.history.length == 1234
    s.train(100)
    assert s.history.costs[:1234] == costs[:1234] and s.history.costs[1300] != costs[1300]
    assert snapshot == costs[:3000]             # a slice taken before holds its values


def test_a_column_reads_as_the_list_it_replaces():
    c = history.Column(values=[1.5, 2.5])
    c.extend(np.array([3.5, 4.5]))
    c.append(5.5)
    assert c == [1.5, 2.5, 3.5, 4.5, 5.5] and list(c) == [1.5, 2.5, 3.5, 4.5, 5.5]
    assert c[-1] == 5.5 and c[1:3] == [2.5, 3.5] and c[::2] == [1.5, 3.5, 5.5]
    assert c and not history.Column() and not c[3:3] and c[4:] == [5.5]
    assert c != [1.5, 2.5] and c != [1.5, 2.5, 3.5, 4.5, 6.5]
    with pytest.raises(IndexError):
        c[5]
    with pytest.raises(TypeError):
        c[1:3].append(1.0)             # a slice is read only
    with pytest.raises(ValueError):
        c.array()[0] = 0.0             # and so is the array
    nan = history.Column(values=[math.nan])
    assert nan != nan                  # as [nan] == [float("nan")] is False


def test_nones_take_no_room_and_read_back_as_none():
    tests = history.Column()
    tests.extend([None] * 5000)
    tests.append(None)
    assert tests._data is None and tests[3] is None and not tests.any_value
    assert list(tests[:3]) == [None] * 3 and tests == [None] * 5001
    assert np.isnan(tests.array()).all() and len(tests.array()) == 5001
    mixed = history.Column(values=[None, 1.0, None, None, 2.0])
    mixed.extend([3.0, None])
    assert list(mixed) == [None, 1.0, None, None, 2.0, 3.0, None] and mixed.any_value
    assert mixed[2:6] == [None, None, 2.0, 3.0]
    assert mixed != [math.nan, 1.0, None, None, 2.0, 3.0, None]     # None is not NaN
    norms = history.Column()
    norms.extend([None, None])
    norms.append(np.array([1.0, 2.0]))
    norms.extend([np.array([3.0, 4.0]), None])
    assert norms[0] is None and norms[-1] is None
    np.testing.assert_array_equal(norms[2], [1.0, 2.0])
    np.testing.assert_array_equal(norms[3], [3.0, 4.0])
    with pytest.raises(ValueError):
        norms[2][0] = 0.0              # a row is read only


def test_truncating_keeps_what_a_slice_or_array_holds():
    c = history.Column(values=np.arange(3000.0))
    held, array = c[:2000], c.array()
    c.truncate(1000)
    c.extend(np.full(2000, -1.0))
    assert held == list(np.arange(2000.0)) and array[1500] == 1500.0
    assert c[999] == 999.0 and c[1000] == -1.0 and len(c) == 3000
    free = history.Column(values=np.arange(3000.0))
    free.truncate(10)                  # nothing holds it: truncated in place
    assert len(free._data) == 3000 and len(free) == 10
    nones = history.Column(values=[1.0, None, None, None])
    nones.truncate(2)
    nones.append(2.0)
    assert list(nones) == [1.0, None, 2.0]


def _states(count: int, params: int) -> list:
    return [TrainState(np.full(params, float(k))) for k in range(count)]


def test_memory_per_iteration_is_a_few_bytes():
    """Each iteration's cost, test cost, epoch and two layers' gradient
    norms: 40 bytes as numbers, and the columns' room to grow (as Python
    floats in lists, and an array a step, they take some 200)."""
    steps, budget = 60_000, 80           # bytes an iteration
    h = History(recent=100, every=100)
    h.start(TrainState(np.zeros(9)), Settings())
    states = _states(steps, 9)
    rng = np.random.default_rng(1)
    costs, tests = rng.random(steps).tolist(), rng.random(steps).tolist()
    norms = list(rng.random((steps, 2)))
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for k in range(steps):
            h.append(costs[k], tests[k], states[k], norms[k].copy(), k // 3 + 1000)
        del states, norms
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert h.length == steps and h.kept() <= 100 + steps // 100 + 1
    assert grown / steps < budget, f"{grown / steps:.0f} bytes an iteration"


def _rise_reference(costs: list, epochs: list, upto: int):
    """History.rise written out plainly over lists: the reference."""
    tail = epochs[max(0, upto - 3):upto]
    per_epoch = len(set(tail)) < len(tail)
    lo = max(0, upto - RISE_WALK)
    if per_epoch:
        means, end = [], upto
        while end > lo and epochs[end - 1] == epochs[upto - 1]:
            end -= 1
        while end > lo:
            start = end
            while start > lo and epochs[start - 1] == epochs[end - 1]:
                start -= 1
            if start == lo and lo > 0:
                break
            means.append(math.fsum(costs[start:end]) / (end - start))
            end = start
        values = iter(means)
    else:
        values = (costs[k] for k in range(upto - 1, lo - 1, -1))
    last = base = next(values, None)
    run = 0
    for value in values:
        if not (math.isfinite(base) and value < base):
            break
        base, run = value, run + 1
    if run < RISE_RUN or not (base > 0 and last >= RISE_FACTOR * base):
        return None
    return run, last / base, per_epoch


@pytest.mark.parametrize("per_epoch", [1, 3])
def test_a_climb_in_a_long_history_is_told_as_the_plain_walk_tells_it(per_epoch):
    """A long climb (past the walk's limit) and many short ones, step by
    step and by epoch means: the same answers as the list-based walk."""
    rng = np.random.default_rng(per_epoch)
    n = 3 * RISE_WALK
    costs = np.exp(np.cumsum(rng.normal(0, 0.3, n))).tolist()
    costs[RISE_WALK:RISE_WALK + 12_000] = np.geomspace(1e-3, 1e3, 12_000).tolist()
    epochs = [k // per_epoch for k in range(n)]
    h = History()
    h.costs, h.epochs = costs, epochs
    found = 0
    for upto in [0, 1, 2, 7, *rng.integers(0, n, 300).tolist(), RISE_WALK + 11_999, n]:
        rise = h.rise(upto)
        expected = _rise_reference(costs, epochs, upto)
        assert (rise if rise is None else (rise.run, rise.factor, rise.per_epoch)) == expected
        found += rise is not None
    assert found
