"""The loss curve: the cost of every step, the mean of every epoch, the test
cost when the data is split; the current iteration marked."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from .. import style
from .views import add_legend, clear, place_legend, plot_widget


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


class LossPlot(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.plot = plot_widget()
        self.plot.setLabel("bottom", self.tr("iteration"))
        self.plot.setLabel("left", self.tr("cost"))
        self.legend = add_legend(self.plot)
        self.train = self.plot.plot(pen=pg.mkPen(style.FORWARD, width=1.5),
                                    name=self.tr("cost per step"))
        self.epoch = self.plot.plot(pen=pg.mkPen("#2c3e50", width=2.5),
                                    name=self.tr("epoch mean"))
        self.test = self.plot.plot(pen=pg.mkPen("#2c5aa0", width=2, style=pg.QtCore.Qt.DashLine),
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
        self.test.setSymbolBrush("#2c5aa0")
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
        # (MainWindow.watch_cost): a student alone sees the curve go up, not why.
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
        self._version = None
        self._shown = None       # what the last refresh showed: (history, version, ...)
        self._ranged = None
        self._x_hi = 0           # the iteration axis's end, kept while the curve fits
        self._y_range = None     # (low, high) of the cost axis, kept while it fits
        self._n = 0
        self.legend_corner: str | None = None     # where place_legend put it
        self._steps = np.zeros(0)     # the iteration of each cost, 1 to n
        self._costs = np.zeros(0)
        self._epochs = np.zeros(0, dtype=np.int64)
        self._tests = np.zeros(0)

    def refresh(self, session) -> None:
        if session is None:
            for curve in (self.train, self.epoch, self.test):
                curve.setData([], [])
            self._version = self._shown = None
            return
        h = session.history
        n = h.length
        # A micro-step within an iteration changes nothing here; the range fit
        # and the paint preparation below cost ~0.2 ms all the same.
        key = (id(h), h.version, n, session.iteration, self.log.isChecked())
        if key == self._shown:
            return
        self._shown = key
        if h.version != self._version or n < self._n:
            self._version, self._n = h.version, 0
            self._costs = np.zeros(0)
            self._epochs = np.zeros(0, dtype=np.int64)
            self._tests = np.zeros(0)
        if n > self._n:     # append only what is new: a long run stays cheap
            new = slice(self._n, n)
            self._costs = np.concatenate([self._costs, np.asarray(h.costs[new], dtype=float)])
            self._epochs = np.concatenate([self._epochs, np.asarray(h.epochs[new])])
            # None -> nan: np.array(..., dtype=float) converts it, one object at a
            # time (6 ms for 100 000 steps); without test rows every one is None
            tests = h.test_costs[new]
            added = np.full(len(tests), np.nan) if not session.trainer.dataset.test_count \
                else np.array(tests, dtype=float)
            self._tests = np.concatenate([self._tests, added])
            self._n = n
            steps = self._steps = np.arange(1, n + 1, dtype=float)
            dotted = n <= DOTS_UP_TO
            if dotted != self._dotted:     # the first steps as dots: one is not a line
                self._dotted = dotted
                self.train.setSymbol("o" if dotted else None)
                # the test cost too: its first point alone was no line, and
                # the legend named a curve that could not be seen
                self.test.setSymbol("d" if dotted else None)
            self.train.setData(steps, self._costs)
            ends, means = epoch_means(self._costs, self._epochs)
            per_epoch = len(ends) == n     # a step per epoch: the means are the steps' costs
            if per_epoch:
                clear(self.epoch)
            else:
                # the first epochs as dots too: one mean alone was no line at all
                few = len(ends) <= DOTS_UP_TO
                if few != self._epoch_dotted:
                    self._epoch_dotted = few
                    self.epoch.setSymbol("s" if few else None)
                self.epoch.setData(ends, means)
            has_test = bool(np.isfinite(self._tests).any())
            if has_test:
                self.test.setData(steps, self._tests)
            else:
                clear(self.test)
            self._sync_legend(not per_epoch, has_test)
            finite = self._costs[np.isfinite(self._costs) & (self._costs > 0)]
            if not self._user_chose and not self.log.isChecked() and len(finite) and \
                    finite.max() > 1e6 * max(finite.min(), 1e-300):
                self.log.setChecked(True)
        elif n == 0:
            for curve in (self.train, self.epoch, self.test):
                curve.setData([], [])
            self._sync_legend(False, False)
        self.marker.setValue(session.iteration)
        # the last iteration done: none yet, and a line on the axis looked broken
        self.marker.setVisible(session.iteration > 0)
        self._fit_range(n)
        self._place_legend()
        # fit the range now, not inside the paint (that asks for a second paint)
        self.plot.scene().prepareForPaint()

    def _place_legend(self) -> None:
        """Top right, where a falling cost leaves room; a climbing one ran
        behind it there."""
        self.legend_corner = place_legend(
            self.plot, self.legend, self._steps[:self._n], [self._costs],
            self.log.isChecked(), self.legend_corner)

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
        shown = np.concatenate([self._costs, self._tests])     # the test cost too
        finite = shown[np.isfinite(shown)]
        if not len(finite):
            return
        lo, hi = float(finite.min()), float(finite.max())
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
        """What is plotted (for export and tests)."""
        return {"costs": self._costs, "epochs": self._epochs, "test_costs": self._tests}

    def _on_mouse(self, event) -> None:
        pos = event[0]
        if not self.plot.sceneBoundingRect().contains(pos) or not self._n:
            return
        x = self.plot.plotItem.vb.mapSceneToView(pos).x()
        k = int(round(x))
        if 1 <= k <= self._n:
            text = self.tr("iteration {0}: cost {1:.6g}").format(k, self._costs[k - 1])
            if np.isfinite(self._tests[k - 1]):
                text += self.tr(", test {0:.6g}").format(self._tests[k - 1])
            self.readout.setText(text)
