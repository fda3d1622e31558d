"""The data view: the network's output over the input plane (the decision
boundary) or its fitted curve, with the data points."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from ...engine.landscape import outputs_over
from ...session.events import Watch
from .. import style
from ...session.numbers import number
from .views import clear, drawable, frame, image_item, plot_widget, set_titles

PLANE_POINTS = 100


def point_size(count: int) -> int:
    """A data point's size in px: the notes' four XOR points big, a few
    hundred small enough that the map shows between them."""
    return 11 if count <= 40 else 8 if count <= 150 else 5


class DataPlot(QWidget):
    """The network's output over the input plane (two inputs: a heatmap, the
    decision boundary), or its fitted curve (one input), with the data."""

    def __init__(self, window, parent=None):
        super().__init__(parent)
        self.window = window
        self.node = QComboBox()
        self.node.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        self.node.activated.connect(lambda _: self.refresh())
        self.plot = plot_widget(grid=False)
        self.image = image_item("CET-D1A")
        self.plot.addItem(self.image)
        self.curve = self.plot.plot(pen=pg.mkPen(style.FORWARD, width=2.5))
        # black and white points read on any colour of the map; test points hollow
        self.train_points = pg.ScatterPlotItem(size=11, pen=pg.mkPen("k", width=1.2))
        # orange rings: black ones were lost on the map's dark blue
        self.test_points = pg.ScatterPlotItem(size=11, brush=None,
                                              pen=pg.mkPen("#f39c12", width=2))
        self._colours = ""         # what the dots' colours mean (refresh)
        self.plot.addItem(self.train_points)
        self.plot.addItem(self.test_points)
        self.status = QLabel()
        frame(self, [QLabel(self.tr("output of:")), self.node], self.plot, self.status)
        self.hovered: str | None = None
        self.values: np.ndarray | None = None   # the output shown, over ``plane``
        self.plane: np.ndarray | None = None
        self._node = None          # whose output is drawn
        self._moved = Watch("iteration_changed", "rebuilt")   # the parameters moved
        self._new_data = Watch("rebuilt")                      # the points to draw again
        self._rect = None          # the input plane's rectangle the image is set to

    def _clear(self, why: str) -> None:
        """Nothing of another network's data (or of this one's before a
        change) stays on show."""
        self.image.setVisible(False)
        clear(self.curve)
        for points in (self.train_points, self.test_points):
            points.setData([], [])
        self.values = self.plane = None
        self._node = None
        self._new_data.mark()
        self.status.setText(why)

    def close_view(self) -> None:
        self._moved.close()
        self._new_data.close()

    def refresh(self) -> None:
        ws = self.window.workspace
        if ws is None or ws.stepper is None:
            self._clear(self.tr("The data view shows once the network is complete."))
            return
        session = ws.session
        doc = ws.document
        computing = [n.id for n in doc.nodes if n.kind in ("neuron", "op")]
        if [self.node.itemText(i) for i in range(self.node.count())] != computing:
            self.node.clear()
            self.node.addItems(computing)
            if doc.outputs:
                self.node.setCurrentText(doc.outputs[0])
        node = self.hovered if self.hovered in computing else self.node.currentText()
        if not self._moved.changed(ws.events) and node == self._node:
            return          # the parameters have not moved: within an iteration, say
        self._node = node
        ds = session.dataset
        inputs = len(ds.inputs)
        if inputs not in (1, 2) or not node:
            self._clear(self.tr("The data view needs data with one or two inputs."))
            return
        X, T = ds.X, ds.T
        theta = session.state.theta
        if inputs == 2:
            lo = X.min(axis=0) - 0.2 * np.ptp(X, axis=0) - 1e-9
            hi = X.max(axis=0) + 0.2 * np.ptp(X, axis=0) + 1e-9
            gx = np.linspace(lo[0], hi[0], PLANE_POINTS)
            gy = np.linspace(lo[1], hi[1], PLANE_POINTS)
            mx, my = np.meshgrid(gx, gy)
            self.plane = np.column_stack([mx.ravel(), my.ravel()])
            out = outputs_over(session.trainer, theta, self.plane,
                               [node])[node].reshape(PLANE_POINTS, PLANE_POINTS)
            self.values = out
            self.image.setImage(out.T, autoLevels=True)
            rect = pg.QtCore.QRectF(lo[0], lo[1], hi[0] - lo[0], hi[1] - lo[1])
            if rect != self._rect:     # a new rect: a new range, new axes
                self._rect = rect
                self.image.setRect(rect)
            self.image.setVisible(True)
            clear(self.curve)
            if self._new_data.changed(ws.events):
                # the data, its points and the axis names change only with the data set
                labels = T[:, 0] if T.shape[1] else np.zeros(len(X))
                middle = 0.5 * (labels.max() + labels.min())
                white, black = pg.mkBrush("w"), pg.mkBrush("k")
                brushes = [white if v > middle else black for v in labels]
                # what the dots' colours mean, said under the plot
                classes = np.unique(labels)
                if not T.shape[1]:
                    self._colours = self.tr("dots: the rows")
                elif len(classes) == 2:
                    self._colours = self.tr("white dots: target {0}, black: {1}").format(
                        number(classes[1], 4), number(classes[0], 4))
                else:
                    self._colours = self.tr("white dots: target above {0}").format(number(middle, 4))
                n = ds.n_train
                size = point_size(len(X))
                self.train_points.setData(X[:n, 0], X[:n, 1], brush=brushes[:n], size=size)
                self.test_points.setData(X[n:, 0], X[n:, 1], size=size)
                set_titles(self.plot, ds.inputs[0], ds.inputs[1])
                # the plane at its true shape (a circle of points is not an
                # ellipse), where its two inputs span comparable ranges
                span = np.ptp(X, axis=0)
                self.plot.setAspectLocked(bool(span.min() > 0 and span.max() / span.min() < 3))
        else:
            lo, hi = X[:, 0].min(), X[:, 0].max()
            pad = 0.1 * (hi - lo) + 1e-9
            xs = np.linspace(lo - pad, hi + pad, 200)
            out = outputs_over(session.trainer, theta, xs[:, None], [node])[node]
            self.values = out
            self.image.setVisible(False)
            self.curve.setData(xs, drawable(out))
            n = ds.n_train
            ys = T[:, 0] if T.shape[1] else np.zeros(len(X))
            self._new_data.mark()       # drawn here as a curve's points
            size = point_size(len(X))
            self.train_points.setData(X[:n, 0], drawable(ys[:n]), brush=pg.mkBrush(style.FORWARD),
                                      size=size)
            self.test_points.setData(X[n:, 0], drawable(ys[n:]), size=size)
            self.plot.setAspectLocked(False)
            set_titles(self.plot, ds.inputs[0], node)
            self._colours = self.tr("line: its output; dots: the rows")
        key = self._colours + (self.tr("; rings: test rows") if ds.n_train < len(X) else "")
        if len(ds.inputs) == 2:
            finite = self.values[np.isfinite(self.values)]
            if len(finite):
                key = self.tr("{0} (blue) to {1} (red); {2}").format(
                    number(float(finite.min()), 3), number(float(finite.max()), 3), key)
        self.status.setText(self.tr("{0}'s output at iteration {1}{2}: {3}").format(
            node, session.iteration, self.tr(" (hovered)") if node == self.hovered else "", key))
