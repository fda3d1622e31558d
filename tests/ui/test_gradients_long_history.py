"""The gradient flow of a long history: it reads the history's norms where
they are, takes in only the steps new since the last refresh, and hands
pyqtgraph a few points a pixel column; a short run's curves are the
history's norms, step for step."""
import gc
import tracemalloc
from types import SimpleNamespace

import numpy as np
import pytest

from bpsim.engine import Settings, TrainState
from bpsim.session import History
from bpsim.ui.plots import gradients as gradients_module

LAYERS = ("h1, h2", "o")


def grow(h: History, count: int, rng) -> None:
    """``count`` steps of two layers' norms: falling, noisy, a spike here
    and there (a curve must not lose it), now and then a zero gradient (the
    log axis leaves it out)."""
    k = np.arange(h.length, h.length + count)
    norms = np.exp(-k / 50_000)[:, None] * [0.01, 1.0] * (1 + rng.random((count, 2)))
    norms[rng.integers(0, count, 3), 1] *= 1e3
    norms[rng.integers(0, count, max(1, count // 50)), 0] = 0.0
    h.extend(np.ones(count), [None] * count, [TrainState(np.zeros(2))] * count,
             list(norms), np.arange(count))


def history(n: int, rng) -> History:
    h = History()
    h.start(TrainState(np.zeros(2)), Settings())
    grow(h, n, rng)
    return h


def norms_of(h: History) -> np.ndarray:
    """The history's norms, read as plainly as possible: the reference."""
    return np.array(list(h.grad_norms), dtype=float).reshape(h.length, len(LAYERS))


@pytest.fixture
def plot(qtbot):
    window = SimpleNamespace(workspace=None)
    widget = gradients_module.GradientFlowPlot(window)
    qtbot.addWidget(widget)
    widget.resize(700, 300)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def follow(plot, h: History, iteration: int | None = None) -> None:
    """Point the plot's window at ``h`` (a session after ``iteration`` of its steps)."""
    session = SimpleNamespace(history=h, layer_names=list(LAYERS),
                              iteration=h.length if iteration is None else iteration)
    plot.window.workspace = SimpleNamespace(session=session, stepper=object())


def assert_curves_are_the_history(plot, h: History) -> None:
    norms = norms_of(h)
    steps = np.arange(1, h.length + 1, dtype=float)
    for k, curve in enumerate(plot.curves):
        ok = norms[:, k] > 0
        assert curve.xData.tobytes() == steps[ok].tobytes()
        assert curve.yData.tobytes() == norms[ok, k].tobytes()


def test_a_short_run_is_drawn_step_for_step(plot):
    """Every step with a norm above zero, as recorded; a rewound session
    (the slider moved back) still shows every step recorded; the status
    compares the first and last layers at the iteration shown."""
    rng = np.random.default_rng(0)
    h = history(3000, rng)
    follow(plot, h, iteration=1200)
    plot.refresh()
    assert (norms_of(h)[:, 0] == 0).any()           # zeros there, left out
    assert_curves_are_the_history(plot, h)
    shown = norms_of(h)[1200 - 1]
    assert plot.status.text() == f"iteration 1200: first layer / last layer = " \
        f"{shown[0] / shown[-1]:.3g}"
    for _ in range(5):                               # frames of a run
        grow(h, int(rng.integers(1, 400)), rng)
        plot.refresh()
        assert_curves_are_the_history(plot, h)
    h.truncate(1000)                                 # a step after going back
    grow(h, 10, rng)
    plot.refresh()
    assert h.length == 1010
    assert_curves_are_the_history(plot, h)


def test_a_new_history_leaves_nothing_of_the_old_run(plot):
    """After Reset the history starts again with no step: the curves are
    empty at once, not when the first new step comes.  Another history
    (a file opened) is read from its start, though its version number may
    be the one the last had and it may be longer by the next refresh."""
    rng = np.random.default_rng(1)
    h = history(500, rng)
    follow(plot, h)
    plot.refresh()
    assert all(len(curve.xData) for curve in plot.curves)
    h.start(TrainState(np.zeros(2)), Settings())
    plot.refresh()
    assert all(curve.xData is None or len(curve.xData) == 0 for curve in plot.curves)
    grow(h, 40, rng)
    plot.refresh()
    assert_curves_are_the_history(plot, h)
    other = History()
    while other.version < h.version:
        other.start(TrainState(np.zeros(2)), Settings())
    grow(other, 800, rng)
    follow(plot, other)
    plot.refresh()
    assert_curves_are_the_history(plot, other)


def test_a_long_history_reaches_pyqtgraph_as_a_few_points_a_column(plot, monkeypatch):
    rng = np.random.default_rng(2)
    h = history(300_000, rng)
    follow(plot, h)
    placed = []
    place = gradients_module.place_legend
    monkeypatch.setattr(gradients_module, "place_legend",
                        lambda p, legend, xs, ys, *rest: (placed.append((xs, ys)),
                                                          place(p, legend, xs, ys, *rest))[1])
    plot.refresh()
    columns = int(plot.plot.plotItem.vb.width())
    norms = norms_of(h)
    for k, curve in enumerate(plot.curves):
        assert 0 < len(curve.xData) <= 4 * columns + 3
        drawn = norms[norms[:, k] > 0, k]
        # the spikes and the lowest gradient drawn are kept
        assert curve.yData.max() == drawn.max() and curve.yData.min() == drawn.min()
    xs, ys = placed[-1]                 # the legend weighs the points drawn, not every step
    assert len(xs) <= 4 * columns + 3 and all(len(y) == len(xs) for y in ys)
    # a frame: the new steps reach the end of the curves, as few points as before
    grow(h, 500, rng)
    plot.refresh()
    for curve in plot.curves:
        assert 0 < len(curve.xData) <= 4 * columns + 3
        assert curve.xData[-1] == pytest.approx(h.length, abs=2 * 300_000 / columns)


def test_zooming_in_draws_every_step_in_view(plot):
    rng = np.random.default_rng(3)
    h = history(100_000, rng)
    follow(plot, h)
    plot.refresh()
    plot.plot.plotItem.vb.setRange(xRange=(40_000, 40_100), padding=0)
    x0, x1 = plot.plot.plotItem.vb.viewRange()[0]
    norms = norms_of(h)
    for k, curve in enumerate(plot.curves):
        steps = curve.xData
        assert steps[0] <= x0 and steps[-1] >= x1 and len(steps) < 200
        wanted = np.arange(int(steps[0]), int(steps[-1]) + 1)
        wanted = wanted[norms[wanted - 1, k] > 0]
        np.testing.assert_array_equal(steps, wanted)
        np.testing.assert_array_equal(curve.yData, norms[wanted - 1, k])


def test_the_plot_keeps_no_copy_of_the_norms(qtbot):
    """The history's norms take 16 bytes an iteration here, and a copy of
    them (with their steps) 24; the plot reads them where they are.  What
    it keeps of its own grows by the blocks of Peaks alone, a byte or so an
    iteration a layer; and a frame allocates what its new steps and the
    points drawn need, not a pass over the history."""
    def kept_by_a_plot(n: int) -> tuple[int, int]:
        """(bytes a plot keeps after reading a history of ``n`` steps, bytes
        a frame of 500 new steps allocates at most: the median of a few, as
        now and then the blocks of Peaks move to a larger array)."""
        rng = np.random.default_rng(n)
        h = history(n, rng)
        widget = gradients_module.GradientFlowPlot(SimpleNamespace(workspace=None))
        qtbot.addWidget(widget)
        widget.resize(700, 300)
        widget.show()
        qtbot.waitExposed(widget)
        follow(widget, h)
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            widget.refresh()
            gc.collect()
            kept = tracemalloc.get_traced_memory()[0] - before
            assert np.shares_memory(widget.norms, h.grad_norms.array())
            frames = []
            for _ in range(5):
                grow(h, 500, rng)
                before = tracemalloc.get_traced_memory()[0]
                tracemalloc.reset_peak()
                widget.refresh()
                frames.append(tracemalloc.get_traced_memory()[1] - before)
        finally:
            tracemalloc.stop()
        return kept, int(np.median(frames))
    small, _ = kept_by_a_plot(50_000)
    large, frame = kept_by_a_plot(250_000)
    per_iteration = (large - small) / 200_000
    assert per_iteration < 6, f"{per_iteration:.1f} bytes an iteration"
    assert frame < 1_000_000, f"a frame allocated {frame} bytes"
