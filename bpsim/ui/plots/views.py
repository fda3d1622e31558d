"""What every plot view shares: the plot widget and its axes, titles,
legends placed where the curves leave room, markers and status lines."""
from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QGraphicsEllipseItem, QGraphicsItem, QHBoxLayout, QLabel,
                               QVBoxLayout, QWidget)

from ...engine import ParamName
from .. import style


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
    name = ParamName(name)
    if name.kind == ParamName.PARAM or not name.rest:
        return html.escape(name.rest or name)
    below = "→".join(name.edge.ends) if name.kind == ParamName.WEIGHT else name.node
    return f"{name.kind}<sub>{html.escape(below)}</sub>"


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


DRAW_LIMIT = 1e300      # the largest magnitude a plot frames


def drawable(values) -> np.ndarray:
    """Values as a plot can frame them: a range around a number near the
    float limit (a weight typed as 1e308) overflows to infinity and
    pyqtgraph refuses it, so magnitudes beyond DRAW_LIMIT are drawn at it;
    what is not finite is a gap."""
    a = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(np.isfinite(a), np.clip(a, -DRAW_LIMIT, DRAW_LIMIT), np.nan)


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


def frame(widget: QWidget, controls: list, plot: pg.PlotWidget, status: QLabel) -> None:
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
