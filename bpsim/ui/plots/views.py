"""What every plot view shares: the plot widget and its axes, titles,
legends placed where the curves leave room, markers and status lines."""
from __future__ import annotations

import html
import math

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


# room above the view box for half of the top tick's number (a vertical axis
# writes its numbers centred on their ticks)
TOP_ROOM = 9


def set_top_room(plot: pg.PlotWidget, room: float) -> None:
    """``room`` px between the top of ``plot`` and its view box, laid out
    now (a paint before the next layout pass draws the old room); nothing
    done when it is already so (a layout pass resizes the view box)."""
    layout = plot.getPlotItem().layout
    left, top, right, bottom = layout.getContentsMargins()
    if top != room:
        layout.setContentsMargins(left, room, right, bottom)
        layout.activate()


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
    set_top_room(plot, TOP_ROOM)
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


def corner_counts(plot: pg.PlotWidget, legend: pg.LegendItem, curves: list,
                  log_y: bool = False, lines: bool = False) -> dict[str, int]:
    """How many points of ``curves`` ((xs, ascending, and ys: values >= 0
    when ``log_y``, the axis logarithmic) pairs) lie in each corner of
    LEGEND_CORNERS where ``legend`` would go, with its offset as a margin
    all round; none while ``plot`` has no size.  With ``lines``, the point
    where the line from a point beside a corner enters it counts too: a
    corner none of these is in has no line through it either."""
    counts = dict.fromkeys(LEGEND_CORNERS, 0)
    vb = plot.plotItem.vb
    box = vb.boundingRect()
    if box.width() <= 0 or box.height() <= 0:
        return counts
    size = legend.boundingRect()
    (x0, x1), (y0, y1) = vb.viewRange()
    # the legend's share of the plot, and a margin of its offset
    fx = (size.width() + 20) / box.width() * (x1 - x0)
    fy = (size.height() + 20) / box.height() * (y1 - y0)
    top, bottom = y1 - fy, y0 + fy
    # A log axis's bounds are raised to the power instead of every point
    # lowered to its logarithm, and only the points left and right of the
    # middle are looked at: at every frame of a 100 000-step run.
    if log_y:
        with np.errstate(over="ignore"):
            top, bottom = np.power(10.0, [top, bottom])
    for xs, values in curves:
        n = len(xs)
        stop = int(np.searchsorted(xs, x0 + fx, side="right"))     # left of it: the left corners'
        start = int(np.searchsorted(xs, x1 - fx, side="left"))     # from it: the right corners'
        for side, part, edge, at in (("left", values[:stop], stop, x0 + fx),
                                     ("right", values[start:], start, x1 - fx)):
            if lines and 0 < edge < n:
                part = np.append(part, _line_at(xs, values, edge, at, log_y))
            counts[f"top {side}"] += int(np.count_nonzero(part >= top))
            counts[f"bottom {side}"] += int(np.count_nonzero(part <= bottom))
    return counts


def _line_at(xs: np.ndarray, values: np.ndarray, k: int, x: float, log_y: bool) -> float:
    """The value at step ``x`` of the line drawn from point ``k - 1`` to
    point ``k`` (``xs[k - 1] < x <= xs[k]``), as the axis draws it: straight
    in the logarithm on a log axis, where a value not above 0 is no line."""
    (xa, xb), (ya, yb) = xs[k - 1:k + 1], values[k - 1:k + 1]
    t = (x - xa) / (xb - xa)
    if not log_y:
        return float(ya + t * (yb - ya))
    if not (ya > 0 and yb > 0):
        return math.nan
    return float(ya * (yb / ya) ** t)


LEGEND_GAP = 2      # px between a legend above the view and the plot's top edge


def arrange_legend(legend: pg.LegendItem, columns: int) -> None:
    """``legend``'s entries ``columns`` to a row, in their order, and the
    legend sized to them.  Laid out here: pyqtgraph's own setColumnCount
    puts entries on a row of their own, or beside an empty cell, once some
    have been taken out and others added (the loss curve's legend names
    only the curves drawn)."""
    layout = legend.layout
    for k in reversed(range(layout.count())):
        layout.removeAt(k)
    for k, (sample, label) in enumerate(legend.items):
        row, column = divmod(k, columns)
        layout.addItem(sample, row, 2 * column, alignment=Qt.AlignVCenter)
        layout.addItem(label, row, 2 * column + 1)
        layout.setColumnSpacing(2 * column + 1, 3 * LEGEND_GAP)    # room between entries
    legend.columnCount, legend.rowCount = columns, max(1, -(-len(legend.items) // columns))
    legend.resize(layout.effectiveSizeHint(Qt.MinimumSize))


def anchor_in_corner(plot: pg.PlotWidget, legend: pg.LegendItem, corner: str) -> None:
    """``legend`` in ``corner`` (of LEGEND_CORNERS) of ``plot``'s view box,
    a column of entries on its white ground, the room above the view box as
    ``plot_widget`` leaves it: where it goes back from ``legend_above``."""
    vb = plot.plotItem.vb
    if legend.parentItem() is not vb:
        legend.setParentItem(vb)
        legend.frame = True
        legend.layout.setContentsMargins(*legend.padding)
        arrange_legend(legend, 1)
        set_top_room(plot, TOP_ROOM)
    anchor, offset = LEGEND_CORNERS[corner]
    legend.anchor(itemPos=anchor, parentPos=anchor, offset=offset)


def legend_above(plot: pg.PlotWidget, legend: pg.LegendItem) -> None:
    """``legend`` out of the view box, in a row at the top of ``plot``,
    right-aligned with the view: as many entries side by side as the plot's
    width holds, the rest under them, and room made for them above the view
    box (and the top number of the vertical axis).  Kept up by calling again
    when the entries or the width change; laid out anew only then."""
    item = plot.plotItem
    if legend.parentItem() is not item:
        legend.setParentItem(item)      # the view box clips what is outside it
        legend.frame = False            # a row on the plot's own white ground,
        legend.padding = legend.layout.getContentsMargins()      # so without the
        legend.layout.setContentsMargins(0, 0, 0, 0)             # padding in its frame
        legend.arranged_for = None
    width = item.width() - 2 * LEGEND_GAP
    wanted = (width, [label.text for _, label in legend.items])
    if wanted != legend.arranged_for:
        legend.arranged_for = wanted
        for columns in range(max(1, len(legend.items)), 0, -1):
            arrange_legend(legend, columns)
            if legend.width() <= width:
                break
    set_top_room(plot, legend.height() + LEGEND_GAP + TOP_ROOM)
    right = item.width() - item.vb.geometry().right()
    legend.anchor(itemPos=(1, 0), parentPos=(1, 0), offset=(-right, LEGEND_GAP))


def place_legend(plot: pg.PlotWidget, legend: pg.LegendItem, xs: np.ndarray, ys: list,
                 log_y: bool = False, corner_now: str | None = None) -> str:
    """Put ``legend`` in the corner of ``plot`` where the fewest points of
    its curves (``xs``, ascending, against each of ``ys``: values >= 0 when
    ``log_y``, the axis logarithmic) lie, the first of LEGEND_CORNERS on a
    tie; the corner chosen.  Anchored anew only when it changes
    (``corner_now``)."""
    counts = corner_counts(plot, legend, [(xs, values) for values in ys], log_y)
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
