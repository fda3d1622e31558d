"""The data view: the network's output over the input plane (the decision
boundary) or its fitted curve, with the data points."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QSizePolicy, QWidget

from ...engine.landscape import outputs_over
from ...session.events import Watch
from .. import style
from ...session.numbers import number
from .views import clear, drawable, image_item, plot_widget, set_titles, status_line

PLANE_POINTS = 100
SIDE_CHARS = 16     # the least width, in characters, of the column beside a map
UNBOUNDED = 16777215    # Qt's QWIDGETSIZE_MAX: no limit to a widget's size


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
        self.caption = QLabel(self.tr("output of:"))
        self.status = status_line(QLabel())
        self._status_height = self.status.maximumHeight()     # its two lines under the plot
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(2, 2, 2, 2)
        self._beside: bool | None = None     # the node and the status beside the plot
        self._arrange(False)
        self.hovered: str | None = None
        self.values: np.ndarray | None = None   # the output shown, over ``plane``
        self.plane: np.ndarray | None = None
        self._node = None          # whose output is drawn
        self._moved = Watch("iteration_changed", "rebuilt")   # the parameters moved
        self._new_data = Watch("rebuilt")                      # the points to draw again
        self._rect = None          # the input plane's rectangle the image is set to
        # the map's width over its height while it keeps its shape (None: it does not)
        self._shape: float | None = None
        self._margins = self.plot.plotItem.layout.getContentsMargins()
        # a map reaches the view's right edge: room beside it for half of the
        # last number under it (a horizontal axis writes its numbers centred
        # on their ticks)
        self._map_right = max(self._margins[2],
                              self.fontMetrics().horizontalAdvance("−0.5") / 2 + 2)
        # a new size of the plot, or of its axes (their numbers' width)
        self.plot.installEventFilter(self)
        self.plot.plotItem.vb.sigResized.connect(self._fit_view)

    def _arrange(self, beside: bool) -> None:
        """The node chosen above the plot and the status under it, or both
        in a column beside it: a map keeps its shape, so in a wide, low dock
        the plot's height is the map's size, and a row above and two lines
        under it take a third of that at 1024x768."""
        if beside == self._beside:
            return
        self._beside = beside
        grid = self._grid
        for widget in (self.caption, self.node, self.plot, self.status):
            grid.removeWidget(widget)
        for k in range(3):
            grid.setRowStretch(k, 0)
            grid.setColumnStretch(k, 0)
        if beside:
            grid.addWidget(self.plot, 0, 0, 3, 1)
            grid.addWidget(self.caption, 0, 1)
            grid.addWidget(self.node, 1, 1, Qt.AlignLeft)
            grid.addWidget(self.status, 2, 1)
            grid.setColumnStretch(0, 1)
            grid.setRowStretch(2, 1)
            # as many lines as it says, and no new text resizes the plot
            self.status.setMinimumHeight(0)
            self.status.setMaximumHeight(UNBOUNDED)
            self.status.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Ignored)
        else:
            grid.addWidget(self.caption, 0, 0)
            grid.addWidget(self.node, 0, 1)
            grid.addWidget(self.plot, 1, 0, 1, 3)
            grid.addWidget(self.status, 2, 0, 1, 3)
            grid.setColumnStretch(2, 1)
            grid.setRowStretch(1, 1)
            self.status.setMinimumWidth(0)
            self.status.setMaximumWidth(UNBOUNDED)
            self.status.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Preferred)
            status_line(self.status)

    def _map_height(self, beside: bool) -> float:
        """The map's height in px were the node and the status ``beside``
        the plot (in a column of the least width) or not, from the plot's
        axes and margins as they are."""
        spacing = self._grid.spacing()
        width, height = self._view_size(self.width() - 4, self.height() - 4)
        if beside:
            width -= self.fontMetrics().averageCharWidth() * SIDE_CHARS + spacing
        else:
            height -= self.node.sizeHint().height() + self._status_height + 2 * spacing
        return min(width / self._shape, height)

    def _choose_arrangement(self) -> None:
        """Beside when that draws the map larger (a map that keeps its shape
        only; a curve uses a wide plot); beside, the column takes what the
        map leaves of the width, the more lines of the status a row."""
        beside = self._shape is not None and \
            self._map_height(True) > max(0.0, self._map_height(False))
        self._arrange(beside)
        if beside:
            view_width, _ = self._view_size(self.width() - 4, 0)
            map_width = self._map_height(True) * self._shape
            self.status.setFixedWidth(int(view_width - map_width) - self._grid.spacing())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._choose_arrangement()

    def eventFilter(self, watched, event) -> bool:
        if watched is self.plot and event.type() == QEvent.Resize:
            self._fit_view()
        return False

    def _plot_margins(self) -> tuple[float, float, float, float]:
        """The plot's margins around its axes and view box, before any room
        ``_fit_view`` adds: a map's, or a curve's."""
        left, top, right, bottom = self._margins
        return left, top, self._map_right if self._rect is not None else right, bottom

    def _view_size(self, width: float, height: float) -> tuple[float, float]:
        """The room for the view box in a plot ``width`` by ``height`` px:
        less its axes (as wide as their numbers and titles are now) and the
        plot's own margins."""
        left, top, right, bottom = self._plot_margins()
        return (width - left - right - self.plot.getAxis("left").minimumWidth(),
                height - top - bottom - self.plot.getAxis("bottom").minimumHeight())

    def _fit_view(self, *_) -> None:
        """The view box at the map's shape, as large as the plot holds, in
        its middle; the rest of the plot left white.  With its aspect locked,
        a view box of another shape draws the map small in the middle of a
        long axis (a wide, low dock at 1024x768).  Measured from the plot
        widget's size, not the view box's nor the plot item's (room made for
        a larger plot holds the item larger than a plot shrunk since): the
        view box then resized finds the same room again, and nothing is laid
        out anew."""
        item = self.plot.plotItem
        size = self.plot.size()         # the plot item's size to be (GraphicsView.resizeEvent)
        width, height = self._view_size(size.width(), size.height())
        room = (0.0, 0.0)
        if self._shape is not None and width > 0 and height > 0:
            if width > height * self._shape:
                room = ((width - height * self._shape) / 2, 0.0)
            else:
                room = (0.0, (height - width / self._shape) / 2)
        left, top, right, bottom = self._plot_margins()
        margins = (left + room[0], top + room[1], right + room[0], bottom + room[1])
        if max(abs(a - b) for a, b in zip(margins, item.layout.getContentsMargins())) < 0.01:
            return
        item.layout.setContentsMargins(*margins)

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
                # the view is the map: no padding around it, nor room for the
                # points' size (pyqtgraph's auto range leaves both)
                self.plot.getViewBox().setRange(rect, padding=0)
                self._fit_view()
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
                locked = bool(span.min() > 0 and span.max() / span.min() < 3)
                self.plot.setAspectLocked(locked)
                self._shape = rect.width() / rect.height() if locked else None
                self._choose_arrangement()
                self._fit_view()
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
            self._shape = None
            if self._rect is not None:      # after a map: the range follows the curve again
                self._rect = None
                self.plot.getViewBox().enableAutoRange()
            self._arrange(False)
            self._fit_view()
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
