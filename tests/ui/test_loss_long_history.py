"""The loss curve of a long history: a few points a pixel column reach
pyqtgraph, every block's lowest and highest cost among them, and a frame
reads only the steps new since the last."""
from types import SimpleNamespace

import numpy as np
import pytest

from bpsim.engine import Settings, TrainState
from bpsim.session import History
from bpsim.ui.plots import loss as loss_module


def history(n: int, rng, epoch_lengths=(4,), tests: bool = True) -> History:
    h = History()
    h.start(TrainState(np.zeros(2)), Settings())
    grow(h, n, rng, epoch_lengths, tests)
    return h


def grow(h: History, count: int, rng, epoch_lengths=(4,), tests: bool = True) -> None:
    start = h.length
    k = np.arange(start, start + count)
    costs = 1.0 / (1.0 + 1e-4 * k) + 0.05 * rng.random(count)
    costs[rng.integers(0, count, 3)] += 5.0             # spikes a curve must not lose
    lengths = np.resize(np.asarray(epoch_lengths), count)
    first = h.epochs[-1] + 1 if start else 0
    epochs = first + np.repeat(np.arange(count), lengths)[:count]
    h.extend(costs, costs + 0.1 if tests else [None] * count,
             [TrainState(np.zeros(2))] * count, [None] * count, epochs)


def session_of(h: History):
    return SimpleNamespace(history=h, iteration=h.length,
                           trainer=SimpleNamespace(dataset=SimpleNamespace(test_count=1)))


@pytest.fixture
def plot(qtbot):
    widget = loss_module.LossPlot()
    qtbot.addWidget(widget)
    widget.resize(700, 300)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_peaks_keep_each_blocks_lowest_and_highest():
    rng = np.random.default_rng(0)
    values = np.cumsum(rng.normal(size=200_003))
    values[[17, 150_001]] = [1e3, -1e3]
    grown, whole = loss_module.Peaks(), loss_module.Peaks()
    end = 0
    while end < len(values):              # taken as a run brings them, a few at a time
        end = min(len(values), end + int(rng.integers(1, 5000)))
        grown.take(values[:end])
    whole.take(values)
    for (lows, highs), (lows2, highs2) in zip(grown.levels, whole.levels, strict=True):
        assert lows == lows2 and highs == highs2
    for start, stop in [(0, len(values)), (12_345, 98_765), (150_000, 150_002 + 40_000)]:
        at, shown = grown.stretch(values, start, stop, columns=500)
        assert len(shown) <= 4 * 500 + 2 and at[0] <= start and (at[1::2] == at[::2]).all()
        ends = np.append(at[2::2], stop)
        for first, last, low, high in zip(at[::2], ends, shown[::2], shown[1::2]):
            assert low == values[first:last].min() and high == values[first:last].max()
    at, shown = grown.stretch(values, 1000, 1000 + 500 * loss_module.BLOCK, columns=500)
    np.testing.assert_array_equal(at, np.arange(1000, 1000 + 500 * loss_module.BLOCK))
    np.testing.assert_array_equal(shown, values[at])          # few enough: every point


def test_a_long_history_reaches_pyqtgraph_as_a_few_points_a_column(plot, monkeypatch):
    rng = np.random.default_rng(1)
    h = history(300_000, rng)
    plot.refresh(session_of(h))
    columns = int(plot.plot.plotItem.vb.width())
    costs, tests = np.array(list(h.costs)), np.array(list(h.test_costs))
    for curve in (plot.train, plot.test, plot.epoch):
        assert 0 < len(curve.xData) <= 4 * columns + 3
    assert plot.train.yData.max() == costs.max() and plot.train.yData.min() == costs.min()
    assert plot.test.yData.max() == tests.max()
    (_, _), (y0, y1) = plot.plot.plotItem.vb.viewRange()
    assert y0 <= costs.min() and tests.max() <= y1
    shown = plot.arrays()           # the history's own array, not a copy
    assert np.shares_memory(shown["costs"], h.costs.array())
    assert shown["costs"].tobytes() == costs.tobytes()
    # a frame: the new steps and the epoch under way are read, not the history
    read = []
    means = loss_module.epoch_means
    monkeypatch.setattr(loss_module, "epoch_means",
                        lambda c, e: (read.append(len(c)), means(c, e))[1])
    grow(h, 500, rng)
    plot.refresh(session_of(h))
    assert read and max(read) <= 500 + 4
    assert plot.train.xData[-1] == pytest.approx(h.length, abs=2 * 300_000 / columns)
    assert plot.epoch.xData[-1] == h.length and len(plot.train.xData) <= 4 * columns + 3


def test_zooming_in_draws_every_step_in_view(plot):
    rng = np.random.default_rng(2)
    h = history(100_000, rng)
    plot.refresh(session_of(h))
    plot.plot.plotItem.vb.setRange(xRange=(40_000, 40_100), padding=0)
    x0, x1 = plot.plot.plotItem.vb.viewRange()[0]
    steps = plot.train.xData
    assert steps[0] <= x0 and steps[-1] >= x1 and len(steps) < 200
    np.testing.assert_array_equal(plot.train.yData, np.array(list(h.costs))[steps.astype(int) - 1])


def test_epoch_means_taken_a_frame_at_a_time_are_the_whole_computation(plot):
    """Bit for bit, with epochs long enough for NumPy's pairwise sums."""
    rng = np.random.default_rng(3)
    lengths = (1, 3, 200, 7, 130, 2, 1000)
    h = history(10, rng, lengths, tests=False)
    while h.length < 15_000:
        plot.refresh(session_of(h))
        grow(h, int(rng.integers(1, 700)), rng, lengths, tests=False)
    plot.refresh(session_of(h))
    ends, means = loss_module.epoch_means(np.array(list(h.costs)), np.array(list(h.epochs)))
    assert len(ends) > 40
    np.testing.assert_array_equal(plot.epoch.xData, ends)
    assert plot.epoch.yData.tobytes() == means.tobytes()
    assert plot.test.xData is None           # no test rows: no test curve
