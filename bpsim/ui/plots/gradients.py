"""The gradient flow: each layer's ‖∂C/∂W‖ over the iterations."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QWidget

from .views import add_legend, frame, place_legend, plot_widget


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
        self.plot.plotItem.vb.disableAutoRange()     # set in steps (_fit_range)
        self.legend = add_legend(self.plot)
        self.curves: list = []
        self._names: list[str] = []
        self.status = QLabel()
        frame(self, [], self.plot, self.status)
        self._version = None
        self._n = 0                    # history entries read so far
        self.legend_corner: str | None = None     # where place_legend put it
        self._ranged = None
        self.steps = np.zeros(0)       # the iteration of each row of norms
        self.norms = np.zeros((0, 0))

    def refresh(self) -> None:
        ws = self.window.workspace
        if ws is None or ws.stepper is None:
            # no network to follow (a new or incomplete one): nothing of the last shows
            self._set_layers([])
            self._version, self._n, self._ranged = None, 0, None
            self.steps, self.norms = np.zeros(0), np.zeros((0, 0))
            self.status.setText(self.tr("The gradient flow shows once the network is "
                                        "complete."))
            return
        session = ws.session
        h = session.history
        names = session.layer_names
        if names != self._names:
            self._set_layers(names)
            self._version = None
        self.legend.setVisible(bool(names))
        if not names:
            self.status.setText(self.tr("No neuron has weights here (a circuit of gates and "
                                        "params): the gradient flow is the ‖∂C/∂W‖ of layers "
                                        "of neurons."))
        n = h.length
        if h.version != self._version or n < self._n:
            self._version, self._n = h.version, 0
            self.steps, self.norms = np.zeros(0), np.zeros((0, len(names)))
        if n == self._n and self._ranged is not None:
            return
        if n > self._n:       # append only what is new: a long run stays cheap
            new = [(i + 1, g) for i, g in enumerate(h.grad_norms[self._n:n], self._n)
                   if g is not None]
            if new:
                self.steps = np.concatenate([self.steps, [i for i, _ in new]])
                self.norms = np.vstack([self.norms, np.array([g for _, g in new], dtype=float)
                                        .reshape(len(new), -1)])
            self._n = n
        for k, c in enumerate(self.curves):
            ys = self.norms[:, k] if len(self.norms) else np.zeros(0)
            ok = ys > 0          # log scale: a zero gradient is left out, not drawn at −∞
            c.setData(self.steps[ok], ys[ok])
        if len(self.norms):
            last = self.norms[-1]
            ratio = last[0] / last[-1] if last[-1] > 0 else np.inf
            self.status.setText(self.tr("last step: first layer / last layer = {0:.3g}").format(
                ratio))
        self._fit_range()
        # where the curves leave room: exploding gradients climbed behind it
        self.legend_corner = place_legend(
            self.plot, self.legend, self.steps,
            [self.norms[:, k] for k in range(self.norms.shape[1])], True,
            self.legend_corner)
        self.plot.scene().prepareForPaint()     # one paint, not two

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
            # two points per pixel column, as the loss curve: a long run
            # stays a few hundred segments a curve
            c.setDownsampling(auto=True, method="peak")
            c.opts["autoDownsampleFactor"] = 1.0
            c.setClipToView(True)
        self.legend.setVisible(bool(names))

    def _fit_range(self) -> None:
        """Whole decades, and room for half as many steps again: the range
        (and so the axes and the grid) changes now and then, not every frame."""
        values = self.norms[np.isfinite(self.norms) & (self.norms > 0)]
        if len(values):
            lo, hi = np.log10(values.min()), np.log10(values.max())
        else:
            lo, hi = -1.0, 1.0
        ranged = self._ranged
        last = self.steps[-1] if len(self.steps) else 0
        if ranged is None or last > ranged[0] or lo < ranged[1] or hi > ranged[2]:
            x_hi = max(10, int(last * 1.5))
            y_lo, y_hi = np.floor(lo), np.ceil(hi)
            if y_hi - y_lo < 1:
                y_lo, y_hi = y_lo - 0.5, y_hi + 0.5
            self._ranged = (x_hi, y_lo, y_hi)
            self.plot.plotItem.vb.setRange(xRange=(0, x_hi), yRange=(y_lo, y_hi), padding=0.02)
