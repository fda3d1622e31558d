"""The loss curve: the cost of every step, the mean of every epoch, the test
cost when the data is split; the current iteration marked.

A frame of Run costs the same at any length of the history: the curve reads
the history's columns without copying them, takes in only the steps new
since the last frame, and gives pyqtgraph a few points a pixel column
(:class:`Peaks`), never the whole history.
"""
from __future__ import annotations

import itertools
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ...session.history import Column
from .. import style
from .views import (DRAW_LIMIT, LEGEND_CORNERS, add_legend, anchor_in_corner, clear,
                    corner_counts, legend_above, plot_widget)


def epoch_means(costs: np.ndarray, epochs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the step that ends each epoch, that epoch's mean cost)."""
    if not len(costs):
        return np.zeros(0), np.zeros(0)
    change = np.flatnonzero(np.diff(epochs)) + 1
    starts = np.concatenate([[0], change])
    sums = np.add.reduceat(costs, starts)
    counts = np.diff(np.concatenate([starts, [len(costs)]]))
    return np.concatenate([change, [len(costs)]]).astype(float), sums / counts


DOTS_UP_TO = 40     # steps drawn with a dot each
BLOCK = 32          # Peaks' smallest block; up to this many points a pixel column go as they are


class Peaks:
    """Peak-keeping downsampling of a curve that grows at its end, kept up to
    date with its new points only: the lowest and highest value of every
    block of BLOCK points, of every two such blocks, of every two of those,
    and so on (about a byte a point in all).  A stretch of the curve is then
    drawn from the blocks about a pixel column wide: a few points a column,
    as pyqtgraph's own "peak" downsampling draws it, without reading every
    point of the stretch at every paint as it does."""

    def __init__(self):
        self.levels: list[tuple[Column, Column]] = []    # blocks of BLOCK·2^k: lows, highs

    def take(self, values: np.ndarray) -> None:
        """Bring the blocks up to ``values``, the whole curve so far (the
        points taken before are unchanged)."""
        lows = highs = values
        width = BLOCK
        for k in itertools.count():
            if k == len(self.levels):
                if len(lows) < 2 * width:
                    return
                self.levels.append((Column(), Column()))
            level_lows, level_highs = self.levels[k]
            done, complete = len(level_lows), len(lows) // width
            if complete == done:
                return          # no new block here, so none above
            part = slice(done * width, complete * width)
            # fmin and fmax pass over a NaN (a test cost's): a block of NaN alone stays NaN
            level_lows.extend(np.fmin.reduce(lows[part].reshape(-1, width), axis=1))
            level_highs.extend(np.fmax.reduce(highs[part].reshape(-1, width), axis=1))
            lows, highs, width = level_lows.array(), level_highs.array(), 2

    def stretch(self, values: np.ndarray, start: int, stop: int,
                columns: int) -> tuple[np.ndarray, np.ndarray]:
        """What to draw of ``values[start:stop]`` across ``columns`` pixel
        columns: (indices into ``values``, values).  Every point while there
        are at most BLOCK a column; else the blocks of the widest level at
        most a column wide, from the one ``start`` is in to the last one
        that ends by ``stop``, each as its first point's index twice with
        its lowest and highest value, and the points after it up to ``stop``
        as one more."""
        count = stop - start
        level = int(math.log2(count / (columns * BLOCK))) if count > columns * BLOCK else -1
        level = min(level, len(self.levels) - 1)
        if level < 0:
            return np.arange(start, max(start, stop)), values[start:stop]
        size = BLOCK << level
        lows, highs = (column.array() for column in self.levels[level])
        first, last = start // size, min(len(lows), stop // size)
        at = np.arange(first, last) * size
        low, high = lows[first:last], highs[first:last]
        if last * size < stop:          # the points after the last whole block
            rest = values[last * size:stop]
            at = np.append(at, last * size)
            low, high = np.append(low, np.fmin.reduce(rest)), np.append(high, np.fmax.reduce(rest))
        return np.repeat(at, 2), np.column_stack([low, high]).ravel()


class LossPlot(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.plot = plot_widget()
        self.plot.setLabel("bottom", self.tr("iteration"))
        self.plot.setLabel("left", self.tr("cost"))
        self.legend = add_legend(self.plot)
        # where the legend is: a corner of LEGEND_CORNERS, or "above" the view
        self.legend_corner: str | None = None
        self.train = self.plot.plot(pen=pg.mkPen(style.FORWARD, width=1.5),
                                    name=self.tr("cost per step"))
        self.epoch = self.plot.plot(pen=pg.mkPen("#2c3e50", width=2.5),
                                    name=self.tr("epoch mean"))
        self.test = self.plot.plot(pen=pg.mkPen(style.TEST_COST, width=2, style=pg.QtCore.Qt.DashLine),
                                   name=self.tr("test cost"))
        for curve in (self.train, self.epoch, self.test):
            # 100 000 steps stay smooth: peaks kept, points outside the view
            # skipped, two points per pixel column (pyqtgraph's default of
            # ten draws five times the lines for the same picture)
            curve.setDownsampling(auto=True, method="peak")
            curve.opts["autoDownsampleFactor"] = 1.0
            curve.setClipToView(True)
            # a slowly falling cost is a staircase of one-pixel steps without
            # it (seen on a real display); at a point or two per pixel column
            # it costs ~1.5 ms a repaint here
            curve.opts["antialias"] = True
        # the legend names the curves drawn: an empty "test cost" or an "epoch
        # mean" equal to every step covered a third of a small plot
        self._legend_shows = (True, True)
        self._sync_legend(False, False)
        self.train.setSymbolPen(None)
        self.train.setSymbolBrush(style.FORWARD)
        self.train.setSymbolSize(6)
        self._dotted = False
        self._epoch_dotted = False
        self.epoch.setSymbolPen(None)
        self.epoch.setSymbolBrush("#2c3e50")
        self.epoch.setSymbolSize(7)
        self.test.setSymbolPen(None)
        self.test.setSymbolBrush(style.TEST_COST)
        self.test.setSymbolSize(6)
        self.marker = pg.InfiniteLine(angle=90, pen=pg.mkPen(style.CURRENT, width=2))
        self.plot.addItem(self.marker)
        self.log = QCheckBox(self.tr("log scale"))
        self.log.toggled.connect(lambda on: self.plot.setLogMode(y=on))
        # A cost that explodes is unreadable on a linear axis: switch to log
        # once, unless the user has chosen.
        self.log.clicked.connect(lambda: setattr(self, "_user_chose", True))
        self._user_chose = False
        self.readout = QLabel()
        # A cost climbing towards overflow, said in words under the curve
        # (StatusLine.watch_cost): a student alone sees the curve go up, not why.
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color:#a04000; font-weight:bold")
        self.warning.hide()
        row = QHBoxLayout()
        row.addWidget(self.log)
        row.addWidget(self.readout, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.plot)
        layout.addWidget(self.warning)
        layout.addLayout(row)
        self._proxy = pg.SignalProxy(self.plot.scene().sigMouseMoved, rateLimit=30,
                                     slot=self._on_mouse)
        self._shown = None       # what the last refresh showed: (version, length, ...)
        self._ranged = None
        self._x_hi = 0           # the iteration axis's end, kept while the curve fits
        self._y_range = None     # (low, high) of the cost axis, kept while it fits
        vb = self.plot.plotItem.vb
        # Past BLOCK points a pixel column the curves hold the stretch in view
        # only: a new view or width draws them again.
        vb.sigXRangeChanged.connect(self._on_view_changed)
        vb.sigResized.connect(self._on_view_changed)
        # a view the user zooms or pans has its legend placed for it
        vb.sigRangeChangedManually.connect(lambda *_: self._place_legend())
        self._fitting = False
        self._forget(None)

    def _forget(self, history) -> None:
        """Start reading ``history`` from its first step."""
        self._history = history
        self._version = None if history is None else history.version
        self._n = 0
        self._costs = np.zeros(0)          # the history's own arrays, as of the last refresh
        self._epochs = np.zeros(0, dtype=np.int64)
        self._tests: np.ndarray | None = None      # None: no test cost at all
        self._cost_peaks, self._test_peaks, self._mean_peaks = Peaks(), Peaks(), Peaks()
        self._ends, self._means = Column(), Column()    # whole epochs: last step, mean
        self._epoch_start = 0              # where the epoch under way starts
        self._partial = 0.0                # its mean so far
        self._lo = self._hi = math.nan     # the finite costs and test costs: lowest, highest
        self._positive = (math.inf, -math.inf)      # the positive finite costs: lowest, highest
        self._has_test = False
        self._peaked = False               # the last draw depended on the view
        # what each curve was given: (steps, values)
        self._train_shown = self._epoch_shown = self._test_shown = (np.zeros(0), np.zeros(0))
        if self.legend_corner == "above":     # a new run: back into a corner if one is free
            self.legend_corner = None

    def refresh(self, session) -> None:
        if session is None:
            for curve in (self.train, self.epoch, self.test):
                curve.setData([], [])
            self._forget(None)
            self._shown = None
            return
        h = session.history
        n = h.length
        # A micro-step within an iteration changes nothing here; the range fit
        # and the paint preparation below cost ~0.2 ms all the same.
        key = (h.version, n, session.iteration, self.log.isChecked())
        if h is self._history and key == self._shown:
            return
        self._shown = key
        if h is not self._history or h.version != self._version or n < self._n:
            self._forget(h)
        grew = n > self._n
        if grew:     # take in only what is new: a long run stays cheap
            self._take(h, n)
            dotted = n <= DOTS_UP_TO
            if dotted != self._dotted:     # the first steps as dots: one is not a line
                self._dotted = dotted
                self.train.setSymbol("o" if dotted else None)
                # the test cost too: its first point alone was no line, and
                # the legend named a curve that could not be seen
                self.test.setSymbol("d" if dotted else None)
            # the first epochs as dots too: one mean alone was no line at all
            few = len(self._ends) + 1 <= DOTS_UP_TO
            if few != self._epoch_dotted:
                self._epoch_dotted = few
                self.epoch.setSymbol("s" if few else None)
            low, high = self._positive
            if not self._user_chose and not self.log.isChecked() and high > 1e6 * max(low, 1e-300):
                self.log.setChecked(True)
        elif n == 0:
            for curve in (self.train, self.epoch, self.test):
                curve.setData([], [])
            self._sync_legend(False, False)
        self.marker.setValue(session.iteration)
        # the last iteration done: none yet, and a line on the axis looked broken
        self.marker.setVisible(session.iteration > 0)
        self._fitting = True         # drawn below, once, for the range fitted
        try:
            self._fit_range(n)
        finally:
            self._fitting = False
        if grew or (n and self._peaked):
            self._draw()
        # fit the range now, not inside the paint (that asks for a second
        # paint), and before the legend is placed in it: a log axis's own
        # range follows the curve only now
        self.plot.scene().prepareForPaint()
        self._place_legend()

    def _take(self, h, n: int) -> None:
        """Read the history's steps from ``self._n`` to ``n``: the arrays
        themselves, the blocks of Peaks, the epochs ended, the ranges."""
        new = slice(self._n, n)
        self._costs, self._epochs = h.costs.array(), h.epochs.array()
        self._cost_peaks.take(self._costs)
        if h.test_costs.any_value:
            self._tests = h.test_costs.array()
            self._test_peaks.take(self._tests)
            self._has_test = self._has_test or bool(np.isfinite(self._tests[new]).any())
        # the epochs ended since, and the mean so far of the one under way
        start = self._epoch_start
        ends, means = epoch_means(self._costs[start:n], self._epochs[start:n])
        if len(ends) > 1:
            self._ends.extend(ends[:-1] + start)
            self._means.extend(means[:-1])
            self._mean_peaks.take(self._means.array())
            self._epoch_start = start + int(ends[-2])
        self._partial = float(means[-1])
        costs = self._costs[new]
        shown = costs if self._tests is None else np.concatenate([costs, self._tests[new]])
        finite = shown[np.isfinite(shown)]      # the test cost is kept in the range too
        if len(finite):
            self._lo = float(np.fmin(self._lo, finite.min()))
            self._hi = float(np.fmax(self._hi, finite.max()))
        positive = costs[np.isfinite(costs) & (costs > 0)]
        if len(positive):
            self._positive = (min(self._positive[0], float(positive.min())),
                              max(self._positive[1], float(positive.max())))
        self._n = n

    def _columns(self) -> int:
        """The view's width in pixel columns (a plot not laid out yet: some)."""
        return max(int(self.plot.plotItem.vb.width()), 100)

    def _visible(self, n: int) -> tuple[int, int]:
        """The steps (indices) in view, a step beyond each edge included, so
        the line runs to the edge; all of them while the view follows the
        curve (log scale: pyqtgraph's auto range)."""
        vb = self.plot.plotItem.vb
        if vb.autoRangeEnabled()[0]:
            return 0, n
        x0, x1 = vb.viewRange()[0]
        return (min(n, max(0, math.floor(x0) - 2)), min(n, max(0, math.ceil(x1) + 1)))

    def _draw(self) -> None:
        """Give each curve what to draw: every point while there are at most
        BLOCK a pixel column, else the blocks of Peaks for the stretch in view."""
        n, columns = self._n, self._columns()
        whole = n <= BLOCK * columns
        self._peaked = not whole
        start, stop = (0, n) if whole else self._visible(n)
        at, costs = self._cost_peaks.stretch(self._costs, start, stop, columns)
        steps = at + 1.0
        self._train_shown = (steps, costs)
        self.train.setData(steps, costs)
        # the epoch means: the whole epochs' in view, then the one under way
        ends, means = self._ends.array(), self._means.array()
        per_epoch = len(ends) + 1 == n     # a step per epoch: the means are the steps' costs
        if per_epoch:
            clear(self.epoch)
            self._epoch_shown = (np.zeros(0), np.zeros(0))
        else:
            first = max(0, int(np.searchsorted(ends, steps[0] if len(steps) else 0)) - 1)
            last = min(len(ends), int(np.searchsorted(ends, steps[-1] if len(steps) else 0)) + 1)
            if whole:
                first, last = 0, len(ends)
            at, shown = self._mean_peaks.stretch(means, first, last, columns)
            self._epoch_shown = (np.append(ends[at], n), np.append(shown, self._partial))
            self.epoch.setData(*self._epoch_shown)
        if self._has_test:
            at, tests = self._test_peaks.stretch(self._tests, start, stop, columns)
            self._test_shown = (at + 1.0, tests)
            self.test.setData(*self._test_shown)
        else:
            clear(self.test)
            self._test_shown = (np.zeros(0), np.zeros(0))
        self._sync_legend(not per_epoch, self._has_test)

    def _on_view_changed(self, *_) -> None:
        if self._peaked and not self._fitting:
            self._draw()
        if self.legend_corner == "above":        # as many entries a row as the width holds
            legend_above(self.plot, self.legend)

    def _place_legend(self) -> None:
        """In a corner no curve passes through, the top right first (a
        falling cost leaves it free, a climbing one the top left); when no
        corner is free (a noisy cost fills them all), in a row above the
        view, and there for the rest of the run: a legend moving in and out
        of the view as the curve grows would resize the plot again and
        again, each time redrawing its axes.

        A corner is free when none of the points drawn (not every step) is
        in it, nor a line into it from a point beside it."""
        if self.legend_corner == "above":
            return
        curves = (self._train_shown, self._epoch_shown, self._test_shown)
        counts = corner_counts(self.plot, self.legend, curves, self.log.isChecked(), lines=True)
        corner = next((name for name in LEGEND_CORNERS if not counts[name]), "above")
        if corner == self.legend_corner:
            return
        self.legend_corner = corner
        if corner == "above":
            legend_above(self.plot, self.legend)
        else:
            anchor_in_corner(self.plot, self.legend, corner)

    def _sync_legend(self, epoch: bool, test: bool) -> None:
        if (epoch, test) == self._legend_shows:
            return
        self._legend_shows = (epoch, test)
        for curve in (self.epoch, self.test):
            self.legend.removeItem(curve)
        if epoch:
            self.legend.addItem(self.epoch, self.tr("epoch mean"))
        if test:
            self.legend.addItem(self.test, self.tr("test cost"))
        if self.legend_corner == "above":        # a row of other entries: its room anew
            legend_above(self.plot, self.legend)

    def _fit_range(self, n: int) -> None:
        """Change the range in steps, not every frame: a new range redraws the
        axes and the grid (several ms), a new curve alone does not."""
        vb = self.plot.plotItem.vb
        if not n:
            self._y_range = None
            if self._ranged != "empty":      # room for the first steps, not ±500
                self._ranged = "empty"
                vb.setRange(xRange=(0, 10), yRange=(0, 1), padding=0)
            return
        if self.log.isChecked():
            vb.enableAutoRange()
            self._ranged = self._y_range = None
            return
        lo, hi = self._lo, self._hi          # the test cost's too
        if math.isnan(lo):
            return
        # a cost near the float limit (a weight typed as 1e308) has no range
        # around it that stays finite: the axis stops short of it
        lo, hi = max(lo, -DRAW_LIMIT), min(hi, DRAW_LIMIT)
        x_hi = self._x_hi
        if n > x_hi or n < x_hi / 4:
            x_hi = self._x_hi = max(10, int(n * 1.5))
        y = self._y_range
        # The y range sticks while the curve stays inside it and fills a fair
        # part of it; a falling cost then moves it a few times, not every step.
        if y is None or lo < y[0] or hi > y[1] or (hi - lo) < 0.2 * (y[1] - y[0]):
            # a flat curve (one step, or converged) sits in a readable range,
            # not in one of 1e-9 whose labels run to eleven digits
            span = max(hi - lo, 0.05 * abs(hi), 1e-12)
            step = 10 ** np.floor(np.log10(span)) / 2
            self._y_range = y = (np.floor((lo - 0.5 * span) / step) * step,
                                 np.ceil((hi + 0.05 * span) / step) * step)
            if lo >= 0:
                self._y_range = y = (max(y[0], 0.0), y[1])   # a cost is never below 0
        wanted = (x_hi, *y)
        if wanted != self._ranged:
            self._ranged = wanted
            vb.setRange(xRange=(0, wanted[0]), yRange=wanted[1:], padding=0.02)

    def arrays(self) -> dict[str, np.ndarray]:
        """What is plotted, every step (for export and tests; NaN: no test cost)."""
        return {"costs": self._costs, "epochs": self._epochs,
                "test_costs": np.full(self._n, np.nan) if self._tests is None else self._tests}

    def _on_mouse(self, event) -> None:
        pos = event[0]
        if not self.plot.sceneBoundingRect().contains(pos) or not self._n:
            return
        x = self.plot.plotItem.vb.mapSceneToView(pos).x()
        k = int(round(x))
        if 1 <= k <= self._n:
            text = self.tr("iteration {0}: cost {1:.6g}").format(k, self._costs[k - 1])
            if self._tests is not None and np.isfinite(self._tests[k - 1]):
                text += self.tr(", test {0:.6g}").format(self._tests[k - 1])
            self.readout.setText(text)
