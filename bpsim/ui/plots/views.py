"""The tangent view, the data view and the gradient flow."""
from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QGraphicsEllipseItem, QGraphicsItem, QHBoxLayout, QLabel,
                               QVBoxLayout, QWidget)

from ...engine.landscape import landscape, outputs_over
from ...engine.network import Network
from .. import style
from ..canvas.items import fmt

CURVE_POINTS = 61       # a smooth curve at any plot width; its cost grows with this
RUN_CURVE_POINTS = 25   # while training runs: a frame's budget, the curve moves on anyway
PLANE_POINTS = 100


class Marker(QGraphicsEllipseItem):
    """A round marker of a fixed size on screen, moved with setPos: the
    current point, which moves at every frame of a run (a ScatterPlotItem's
    setData costs ~0.6 ms for one point)."""

    def __init__(self, size: float, color, outline: float = 1.5):
        super().__init__(-size / 2, -size / 2, size, size)
        self.setFlag(QGraphicsItem.ItemIgnoresTransformations)
        self.setBrush(pg.mkBrush(color))
        self.setPen(pg.mkPen("k", width=outline))
        self.setZValue(10)

    def move_to(self, x: float, y: float) -> None:
        self.setPos(float(x), float(y))

    def position(self) -> tuple[float, float]:
        return self.pos().x(), self.pos().y()


def status_line(label: QLabel) -> QLabel:
    """A plot's status: wrapped, so a long one does not widen its dock, and
    two lines high whatever it says, so a new text never resizes the plot
    above it (a resized plot redraws its axes, several ms)."""
    label.setWordWrap(True)
    label.setFixedHeight(2 * label.fontMetrics().lineSpacing() + 2)
    label.setAlignment(Qt.AlignLeft | Qt.AlignTop)
    return label


class _Axis(pg.AxisItem):
    """An axis whose numbers have a minus sign, as the canvas, the formulas
    and the tables write them (pyqtgraph writes a hyphen)."""

    def tickStrings(self, values, scale, spacing):
        return [text.replace("-", "−") for text in super().tickStrings(values, scale, spacing)]


def plot_widget(grid: bool = True) -> pg.PlotWidget:
    """A plot as every view draws it: white, dark axis text, the numbers on
    the axes as they are (pyqtgraph's automatic "(x0.001)" scale makes a
    class read 179 for a cost of 0.179)."""
    plot = pg.PlotWidget(background="w",
                         axisItems={name: _Axis(name) for name in ("left", "bottom")})
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.enableAutoSIPrefix(False)
        axis.setTextPen(style.TEXT)
        axis.setPen(style.MUTED)
        axis.labelStyle = {"color": style.TEXT.name()}
    # room above the view box for half of the top tick's number (a vertical
    # axis writes its numbers centred on their ticks)
    left, _, right, bottom = plot.getPlotItem().layout.getContentsMargins()
    plot.getPlotItem().layout.setContentsMargins(left, 9, right, bottom)
    if grid:    # a GridItem: the axes' own grid costs ~8 ms a paint
        plot.addItem(pg.GridItem(pen=pg.mkPen((0, 0, 0, 40)), textPen=None))
    return plot


def image_item(colormap: str) -> pg.ImageItem:
    """A heatmap, drawn from a pixmap of itself until its image or the view's
    range changes: scaling the image at every paint (the point or the path
    moves on it each step) was over half of its plot's repaint."""
    image = pg.ImageItem()
    image.setColorMap(pg.colormap.get(colormap))
    image.setCacheMode(QGraphicsItem.DeviceCoordinateCache)
    return image


def param_title(name: str) -> str:
    """A parameter as the notes write it, for an axis or a sentence:
    "w:x1->h1" is w with x1→h1 below, "b:h1" b with h1 below, "p:w" is w."""
    kind, _, rest = name.partition(":")
    if kind == "p" or not rest:
        return html.escape(rest or name)
    return f"{kind}<sub>{html.escape(rest.replace('->', '→'))}</sub>"


def set_titles(plot: pg.PlotWidget, bottom: str, left: str) -> None:
    """The axes' titles, laid out now: a paint before the next layout pass
    would draw them over the tick labels."""
    plot.setLabel("bottom", bottom)
    plot.setLabel("left", left)
    plot.plotItem.layout.activate()


def add_legend(plot: pg.PlotWidget) -> pg.LegendItem:
    """A legend in the top right corner, on a white ground so curves
    passing behind it do not cross its words."""
    return plot.addLegend(offset=(-10, 10), brush=pg.mkBrush(255, 255, 255, 215),
                          pen=pg.mkPen(style.MUTED), labelTextColor=style.TEXT)


# corners in the order tried: (the legend's and the view's anchor, offset)
LEGEND_CORNERS = {"top right": ((1, 0), (-10, 10)), "top left": ((0, 0), (10, 10)),
                  "bottom left": ((0, 1), (10, -10)), "bottom right": ((1, 1), (-10, -10))}


def clear(curve) -> None:
    """Empty ``curve``, unless it is: each setData costs ~0.4 ms, and the
    epoch means and the test cost are empty at every step of most runs."""
    if curve.xData is not None:      # pyqtgraph keeps no data as None
        curve.setData([], [])


def place_legend(plot: pg.PlotWidget, legend: pg.LegendItem, xs: np.ndarray, ys: list,
                 log_y: bool = False, corner_now: str | None = None) -> str:
    """Put ``legend`` in the corner of ``plot`` where the fewest points of
    its curves (``xs``, ascending, against each of ``ys``: values >= 0 when
    ``log_y``, the axis logarithmic) lie, the first of LEGEND_CORNERS on a
    tie; the corner chosen.  Anchored anew only when it changes
    (``corner_now``)."""
    vb = plot.plotItem.vb
    box = vb.boundingRect()
    size = legend.boundingRect()
    corner = "top right"
    if len(xs) and box.width() > 0 and box.height() > 0:
        (x0, x1), (y0, y1) = vb.viewRange()
        # the legend's share of the plot, and a margin of its offset
        fx = (size.width() + 20) / box.width() * (x1 - x0)
        fy = (size.height() + 20) / box.height() * (y1 - y0)
        # Only the points left and right of the middle are counted, and a log
        # axis's bounds are raised to the power instead of every point
        # lowered to its logarithm: at every frame of a 100 000-step run.
        left = slice(0, int(np.searchsorted(xs, x0 + fx, side="right")))
        right = slice(int(np.searchsorted(xs, x1 - fx, side="left")), len(xs))
        top, bottom = y1 - fy, y0 + fy
        if log_y:
            with np.errstate(over="ignore"):
                top, bottom = np.power(10.0, [top, bottom])
        counts = dict.fromkeys(LEGEND_CORNERS, 0)
        for values in ys:
            for side, part in (("left", left), ("right", right)):
                v = values[part]
                counts[f"top {side}"] += int(np.count_nonzero(v >= top))
                counts[f"bottom {side}"] += int(np.count_nonzero(v <= bottom))
        corner = min(LEGEND_CORNERS, key=lambda name: counts[name])
    if corner != corner_now:
        anchor, offset = LEGEND_CORNERS[corner]
        legend.anchor(itemPos=anchor, parentPos=anchor, offset=offset)
    return corner


def _frame(widget: QWidget, controls: list, plot: pg.PlotWidget, status: QLabel) -> None:
    status_line(status)
    row = QHBoxLayout()
    for c in controls:
        row.addWidget(c)
    row.addStretch(1)
    layout = QVBoxLayout(widget)
    layout.setContentsMargins(2, 2, 2, 2)
    layout.addLayout(row)
    layout.addWidget(plot, 1)
    layout.addWidget(status)


class TangentPlot(QWidget):
    """The cost against one parameter, the current point and the tangent whose
    slope is ∂cost/∂p over all training rows — the notes' picture of the
    derivative — and where the next step lands."""

    def __init__(self, window, parent=None):
        super().__init__(parent)
        self.window = window
        self.param = QComboBox()
        self.param.setSizeAdjustPolicy(QComboBox.AdjustToContents)   # "w:x1->h1_1", whole
        self.param.activated.connect(lambda _: self.refresh(force=True))
        self.plot = plot_widget()
        self.curve = self.plot.plot(pen=pg.mkPen(style.FORWARD, width=2.5))
        self.tangent = self.plot.plot(pen=pg.mkPen(style.BACKWARD, width=2,
                                                   style=pg.QtCore.Qt.DashLine))
        self.point = pg.ScatterPlotItem(size=13, brush=pg.mkBrush(style.CURRENT),
                                        pen=pg.mkPen("k"))
        self.landing = pg.ScatterPlotItem(size=10, brush=pg.mkBrush("#2c5aa0"), pen=None)
        self.plot.addItem(self.point)
        self.plot.addItem(self.landing)
        self.status = QLabel()
        self.status.setTextFormat(Qt.RichText)       # the parameter's subscript
        _frame(self, [QLabel(self.tr("parameter:")), self.param], self.plot, self.status)
        self.slope = None
        self._key = None
        self._network = None
        self._labelled = None

    def _network_for(self, trainer) -> Network:
        """The curve's own network, kept while the trainer is: its buffers
        for a hundred copies of the data are tens of MB, slow to make."""
        if self._network is None or self._network[0] is not trainer:
            self._network = (trainer, Network(trainer.compiled, trainer.dataset.inputs))
        return self._network[1]

    def refresh(self, force: bool = False) -> None:
        ws = self.window.workspace
        if ws is None or ws.stepper is None:
            return
        session = ws.session
        names = session.param_names
        if [self.param.itemText(i) for i in range(self.param.count())] != names:
            keep = self.param.currentText()
            self.param.clear()
            self.param.addItems(names)
            if keep in names:
                self.param.setCurrentText(keep)
        name = self.param.currentText()
        if not name:
            self.status.setText(self.tr("This network has no parameters to train (a circuit): "
                                        "its gradients are in the canvas and the explanation."))
            return
        names, before, after = ws.stepper.next_update()
        key = (name, id(before))
        if key == self._key and not force:
            return
        self._key = key
        k = list(names).index(name)
        p0 = float(before[k])
        theta = theta_from_named(session, before)
        full = session.trainer.evaluate(theta, np.arange(session.dataset.n_train),
                                        session.settings)
        cost0 = full.cost
        self.slope = float(session.trainer.named(full.grad)[k])
        if not np.isfinite([p0, cost0, self.slope]).all():
            for item in (self.curve, self.tangent, self.point, self.landing):
                item.setData([], [])
            self.status.setText(self.tr("The cost or its slope is not finite here: the run "
                                        "diverged. Rewind to see the curve."))
            return
        step = 0.0 if after is None else float(after[k] - p0)
        half = max(1.0, 3.0 * abs(step), 0.5 * abs(p0))
        xs = np.linspace(p0 - half, p0 + half,
                         RUN_CURVE_POINTS if self.window.running else CURVE_POINTS)
        # the curve and where the step lands, in one evaluation
        costs = landscape(session.trainer, theta, session.settings, (name,),
                          (np.append(xs, p0 + step),), self._network_for(session.trainer))
        ys, landed = costs[:-1], costs[-1]
        self.curve.setData(xs, ys)
        span = half / 2
        self.tangent.setData([p0 - span, p0 + span],
                             [cost0 - self.slope * span, cost0 + self.slope * span])
        self.point.setData([p0], [cost0])
        self.landing.setData([p0 + step], [float(landed)])
        if name != self._labelled:     # a new label re-lays the axes out
            self._labelled = name
            set_titles(self.plot, param_title(name), self.tr("cost (all training rows)"))
        # at the value now, over every training row: once an update is shown,
        # the next iteration's slope, not the one on the canvas
        self.status.setText(self.tr("at {0} now, over all training rows: slope ∂C/∂{0} = "
                                    "{1}; the next update moves it by {2} (η = {3})")
                            .format(param_title(name), fmt(self.slope, 6), fmt(step, 4),
                                    fmt(session.settings.learning_rate, 6)))
        self.plot.scene().prepareForPaint()     # one paint, not two


def theta_from_named(session, values) -> np.ndarray:
    """The parameter vector from the named values (every other entry of
    theta is a structural zero)."""
    c = session.trainer.compiled
    theta = np.zeros(c.theta_size)
    theta[c.param_theta] = values
    return theta


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
        _frame(self, [QLabel(self.tr("output of:")), self.node], self.plot, self.status)
        self.hovered: str | None = None
        self.values: np.ndarray | None = None   # the output shown, over ``plane``
        self.plane: np.ndarray | None = None
        self._key = None
        self._rect = None          # the input plane's rectangle the image is set to
        self._points_of = None     # (data set, inputs) the points were drawn for

    def refresh(self) -> None:
        ws = self.window.workspace
        if ws is None or ws.stepper is None:
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
        key = (node, id(session.state), id(session.trainer))
        if key == self._key:
            return          # the parameters have not moved: within an iteration, say
        self._key = key
        ds = session.dataset
        inputs = len(ds.inputs)
        if inputs not in (1, 2) or not node:
            self.status.setText(self.tr("The data view needs data with one or two inputs."))
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
            if self._points_of != (id(ds), 2):
                # the data, its points and the axis names change only with the data set
                self._points_of = (id(ds), 2)
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
                        fmt(classes[1], 4), fmt(classes[0], 4))
                else:
                    self._colours = self.tr("white dots: target above {0}").format(fmt(middle, 4))
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
            self.curve.setData(xs, out)
            n = ds.n_train
            ys = T[:, 0] if T.shape[1] else np.zeros(len(X))
            self._points_of = None
            size = point_size(len(X))
            self.train_points.setData(X[:n, 0], ys[:n], brush=pg.mkBrush(style.FORWARD), size=size)
            self.test_points.setData(X[n:, 0], ys[n:], size=size)
            self.plot.setAspectLocked(False)
            set_titles(self.plot, ds.inputs[0], node)
            self._colours = self.tr("line: its output; dots: the rows")
        key = self._colours + (self.tr("; rings: test rows") if ds.n_train < len(X) else "")
        if len(ds.inputs) == 2:
            finite = self.values[np.isfinite(self.values)]
            if len(finite):
                key = self.tr("{0} (blue) to {1} (red); {2}").format(
                    fmt(float(finite.min()), 3), fmt(float(finite.max()), 3), key)
        self.status.setText(self.tr("{0}'s output at iteration {1}{2}: {3}").format(
            node, session.iteration, self.tr(" (hovered)") if node == self.hovered else "", key))


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
        self.status = QLabel()
        _frame(self, [], self.plot, self.status)
        self._version = None
        self._n = 0                    # history entries read so far
        self.legend_corner: str | None = None     # where place_legend put it
        self._ranged = None
        self.steps = np.zeros(0)       # the iteration of each row of norms
        self.norms = np.zeros((0, 0))

    def refresh(self) -> None:
        ws = self.window.workspace
        if ws is None or ws.stepper is None:
            return
        session = ws.session
        h = session.history
        names = session.layer_names
        if len(self.curves) != len(names):
            for c in self.curves:
                self.plot.removeItem(c)
            self.legend.clear()
            self.curves = [self.plot.plot(pen=pg.mkPen(self.COLORS[k % len(self.COLORS)],
                                                       width=2), name=f"layer {k + 1}: {n}")
                           for k, n in enumerate(names)]
            for c in self.curves:
                # two points per pixel column, as the loss curve: a long run
                # stays a few hundred segments a curve
                c.setDownsampling(auto=True, method="peak")
                c.opts["autoDownsampleFactor"] = 1.0
                c.setClipToView(True)
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
