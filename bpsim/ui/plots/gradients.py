"""The gradient flow: each layer's ‖∂C/∂W‖ over the iterations.

A refresh costs the same at any length of the history: the plot reads the
history's column of norms without copying it, takes in only the steps new
since the last refresh, and gives pyqtgraph a few points a pixel column
(the loss curve's :class:`Peaks`, one a layer), never the whole history.
"""
from __future__ import annotations

import math
import weakref

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QWidget

from .loss import BLOCK, Peaks
from .views import add_legend, clear, frame, place_legend, plot_widget


class _Drawn:
    """A layer's norms as :class:`Peaks` reads them: a norm not above zero
    is NaN, so that a block's lowest value is the lowest one the log axis
    draws (a zero gradient is left out, not drawn at −∞).  Only the part
    asked for is converted: the new steps, or the stretch drawn."""

    def __init__(self, values: np.ndarray):
        self.values = values

    def __len__(self) -> int:
        return len(self.values)

    def __getitem__(self, part: slice) -> np.ndarray:
        values = self.values[part]
        return np.where(values > 0, values, np.nan)


class GradientFlowPlot(QWidget):
    """‖∂C/∂W‖ of each layer over the iterations: vanishing and exploding
    gradients in one picture (log scale)."""

    COLORS = ("#c0392b", "#2c5aa0", "#1e8449", "#8e44ad", "#d35400", "#16a085", "#7f8c8d")

    def __init__(self, window, parent=None):
        super().__init__(parent)
        self.window = window
        self.plot = plot_widget()
        self.plot.setLogMode(y=True)
        self.plot.setLabel("bottom", self.tr("iteration"))
        self.plot.setLabel("left", self.tr("‖∂C/∂W‖ per layer"))
        vb = self.plot.plotItem.vb
        vb.disableAutoRange()     # set in steps (_fit_range)
        self.legend = add_legend(self.plot)
        self.curves: list = []
        self._names: list[str] = []
        self.status = QLabel()
        frame(self, [], self.plot, self.status)
        self.legend_corner: str | None = None     # where place_legend put it
        self._ranged = None
        # Past BLOCK points a pixel column the curves hold the stretch in view
        # only: a new view or width draws them again.
        vb.sigXRangeChanged.connect(self._on_view_changed)
        vb.sigResized.connect(self._on_view_changed)
        self._fitting = False
        self._forget(None)

    def _forget(self, history) -> None:
        """Start reading ``history`` from its first step.  It is held weakly,
        and its array is asked for when drawn: a plot out of sight (not
        refreshed) keeps no run and no outgrown array of one alive."""
        self._history = None if history is None else weakref.ref(history)
        self._version = None if history is None else history.version
        self._n = 0                        # history entries read so far
        self._peaks: list[Peaks] = []      # a layer each, once there are norms
        self._lo, self._hi = math.inf, -math.inf    # the finite positive norms: lowest, highest
        self._peaked = False               # the last draw depended on the view

    def _read(self) -> np.ndarray | None:
        """The norms taken in so far, a row a step: the history's own array,
        not a copy.  None without norms, or when the history has changed
        since (the next refresh reads it again)."""
        h = None if self._history is None else self._history()
        if not self._peaks or h is None or h.version != self._version or h.length < self._n:
            return None
        return h.grad_norms.array()[:self._n]

    @property
    def norms(self) -> np.ndarray:
        """The norms plotted, a row a step: the history's own array, not a copy."""
        norms = self._read()
        return np.zeros((0, 0)) if norms is None else norms

    def refresh(self) -> None:
        ws = self.window.workspace
        if ws is None or ws.stepper is None:
            # no network to follow (a new or incomplete one): nothing of the last shows
            self._set_layers([])
            self._ranged = None
            self._forget(None)
            self.status.setText(self.tr("The gradient flow shows once the network is "
                                        "complete."))
            return
        session = ws.session
        h = session.history
        names = session.layer_names
        if names != self._names:
            self._set_layers(names)
            self._forget(None)
        self.legend.setVisible(bool(names))
        if not names:
            self.status.setText(self.tr("No neuron has weights here (a circuit of gates and "
                                        "params): the gradient flow is the ‖∂C/∂W‖ of layers "
                                        "of neurons."))
        n = h.length
        read = None if self._history is None else self._history()
        if read is not h or h.version != self._version or n < self._n:
            # another history, or steps forgotten: the curves start again (and
            # show nothing of the old run, even before a first new step)
            self._forget(h)
        elif n == self._n and self._ranged is not None:
            self._say_ratio(session.iteration)       # a rewind moves only the readout
            return
        if n > self._n:       # take in only what is new: a long run stays cheap
            # a circuit's history has no norms at all: its column is no array of rows
            if names and h.grad_norms.any_value:
                self._take(h.grad_norms.array(), n)
            self._n = n
        norms = self._read()
        self._say_ratio(session.iteration)
        self._fitting = True         # drawn below, once, for the range fitted
        try:
            self._fit_range()
        finally:
            self._fitting = False
        steps, shown = self._draw(norms)
        # where the curves leave room (the points drawn, not every step):
        # exploding gradients climbed behind it
        self.legend_corner = place_legend(self.plot, self.legend, steps, shown, True,
                                          self.legend_corner)
        self.plot.scene().prepareForPaint()     # one paint, not two

    def _say_ratio(self, iteration: int) -> None:
        """How the first layer's gradient compares with the last's at the
        iteration shown (its update's step; rewound, an earlier one)."""
        norms = self._read()
        if norms is None or not len(norms):
            return
        if iteration < 1:
            self.status.setText("")      # rewound to the start: no step shown yet
            return
        row = norms[min(iteration, len(norms)) - 1]
        ratio = row[0] / row[-1] if row[-1] > 0 else np.inf
        self.status.setText(self.tr("iteration {0}: first layer / last layer = {1:.3g}").format(
            min(iteration, len(norms)), ratio))

    def _take(self, norms: np.ndarray, n: int) -> None:
        """Read the steps from ``self._n`` to ``n`` of ``norms`` (the
        history's array): the blocks of Peaks and the range of the values."""
        norms = norms[:n]
        new = norms[self._n:]
        positive = new[np.isfinite(new) & (new > 0)]
        if len(positive):
            self._lo = min(self._lo, float(positive.min()))
            self._hi = max(self._hi, float(positive.max()))
        if len(self._peaks) != norms.shape[1]:
            self._peaks = [Peaks() for _ in range(norms.shape[1])]
        for k, peaks in enumerate(self._peaks):
            peaks.take(_Drawn(norms[:, k]))

    def _columns(self) -> int:
        """The view's width in pixel columns (a plot not laid out yet: some)."""
        return max(int(self.plot.plotItem.vb.width()), 100)

    def _visible(self, n: int) -> tuple[int, int]:
        """The steps (indices) in view, a step beyond each edge included, so
        the lines run to the edges."""
        x0, x1 = self.plot.plotItem.vb.viewRange()[0]
        return (min(n, max(0, math.floor(x0) - 2)), min(n, max(0, math.ceil(x1) + 1)))

    def _draw(self, norms: np.ndarray | None) -> tuple[np.ndarray, list[np.ndarray]]:
        """Give each curve what to draw of ``norms`` (``_read``): every step
        while there are at most BLOCK a pixel column, else the blocks of its
        Peaks for the stretch in view; the norms not above zero left out
        (log scale).  The steps drawn, and each layer's norms there (NaN:
        left out)."""
        n, columns = (0 if norms is None else len(norms)), self._columns()
        whole = n <= BLOCK * columns
        self._peaked = not whole
        start, stop = (0, n) if whole else self._visible(n)
        steps, shown = np.zeros(0), []
        if norms is not None:
            for k, (curve, peaks) in enumerate(zip(self.curves, self._peaks)):
                at, values = peaks.stretch(_Drawn(norms[:, k]), start, stop, columns)
                steps = at + 1.0           # the same steps for every layer
                ok = values > 0            # NaN is not
                curve.setData(steps[ok], values[ok])
                shown.append(values)
        for curve in self.curves[len(shown):]:      # no norms (yet)
            clear(curve)
        return steps, shown

    def _on_view_changed(self, *_) -> None:
        if self._peaked and not self._fitting:
            norms = self._read()
            if norms is not None:       # else the history moved on: the next refresh draws
                self._draw(norms)

    def _set_layers(self, names: list[str]) -> None:
        """A curve per layer, named in the legend (a layer renamed or deleted
        leaves no name behind)."""
        if names == self._names:
            return
        for c in self.curves:
            self.plot.removeItem(c)
        self.legend.clear()
        self._names = list(names)
        self.curves = [self.plot.plot(pen=pg.mkPen(self.COLORS[k % len(self.COLORS)], width=2),
                                      name=f"layer {k + 1}: {n}")
                       for k, n in enumerate(names)]
        for c in self.curves:
            # two points per pixel column, as the loss curve: what Peaks
            # hands over stays a few hundred segments a curve
            c.setDownsampling(auto=True, method="peak")
            c.opts["autoDownsampleFactor"] = 1.0
            c.setClipToView(True)
        self.legend.setVisible(bool(names))

    def _fit_range(self) -> None:
        """Whole decades, and room for half as many steps again: the range
        (and so the axes and the grid) changes now and then, not every frame."""
        if self._lo <= self._hi:
            lo, hi = np.log10(self._lo), np.log10(self._hi)
        else:
            lo, hi = -1.0, 1.0
        ranged = self._ranged
        last = self._n if self._peaks else 0
        if ranged is None or last > ranged[0] or lo < ranged[1] or hi > ranged[2]:
            x_hi = max(10, int(last * 1.5))
            y_lo, y_hi = np.floor(lo), np.ceil(hi)
            if y_hi - y_lo < 1:
                y_lo, y_hi = y_lo - 0.5, y_hi + 0.5
            self._ranged = (x_hi, y_lo, y_hi)
            self.plot.plotItem.vb.setRange(xRange=(0, x_hi), yRange=(y_lo, y_hi), padding=0.02)
