"""A dense network's edges, drawn by one item.

Past a thousand edges an item per edge costs more than it shows: making
eight thousand arrows with their labels costs seconds, placing their labels
more, and at the size such a network fits the view no single arrow or
number can be read.  Here every line is one row of a NumPy array, drawn as a
few paths, one per colour and width; the weights still show as colour
(sign) and width (magnitude), the edges the current micro-step reads are
drawn over the rest in the read colour, and hovering a line tells its
numbers.  Nodes stay items of their own.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem

from .. import style

# How many weight magnitudes get a width of their own (0 to 3 in quarters).
WIDTH_STEPS = 12
HOVER_PIXELS = 5.0        # how near the pointer a line is hovered, on screen
LINE_FADE = 0.35          # how far towards white a line's colour is mixed
DIMMED_FADE = 0.88        # and a line away from the node in focus


def distances(seg: np.ndarray, x: float, y: float) -> np.ndarray:
    """From the point (x, y) to each segment (rows of x0, y0, x1, y1)."""
    p = np.array([x, y])
    a, d = seg[:, :2], seg[:, 2:] - seg[:, :2]
    span = np.maximum((d * d).sum(axis=1), 1e-12)
    t = np.clip(((p - a) * d).sum(axis=1) / span, 0.0, 1.0)
    return np.hypot(*(a + d * t[:, None] - p).T)


def _pen(color: QColor, width: float, fade: float) -> QPen:
    # Mixed with white, not made translucent: Qt strokes a translucent path
    # so that its overlaps do not darken, which for thousands of crossing
    # lines costs ten times an opaque one (docs/performance.md).
    c = QColor(color)
    c = QColor.fromRgbF(*(v + (1.0 - v) * fade for v in (c.redF(), c.greenF(), c.blueF())))
    # in screen pixels: a network this size is seen zoomed far out, where a
    # scene-wide pen thinned its lines to nothing
    pen = QPen(c, width)
    pen.setCosmetic(True)
    pen.setCapStyle(Qt.FlatCap)
    return pen


class DenseLines(QGraphicsItem):
    """Every edge of the scene as a line from one node's outline to the
    other's; ``ends`` keeps them by key in the document's order."""

    def __init__(self, scene):
        super().__init__()
        self._scene = scene
        self.ends: dict[str, tuple[str, str]] = {}
        self.weights: dict[str, float | None] = {}     # as shown (scene.show)
        self.marked: frozenset[str] = frozenset()      # read by the current micro-step
        self.focus: str | None = None                  # the node whose edges stay bright
        self.hovered: str | None = None
        self._segments: np.ndarray | None = None       # (n, 4), in the keys' order
        self._keys: list[str] = []
        self._paths: list | None = None                # [(pen, QPainterPath)], drawn in order
        self._bounds = QRectF()
        self.setZValue(1)
        self.setAcceptHoverEvents(True)
        # clicks go through to the view: a drag on empty canvas selects by rubber band
        self.setAcceptedMouseButtons(Qt.NoButton)

    # --- the edges ---------------------------------------------------------------

    def add(self, key: str, src: str, dst: str) -> None:
        self.ends[key] = (src, dst)
        self.moved()

    def remove(self, key: str) -> None:
        if self.ends.pop(key, None) is not None:
            self.weights.pop(key, None)
            self.moved()

    def moved(self) -> None:
        """A node moved, or an edge came or went: the lines are measured anew
        when next drawn (a drag announces every pixel)."""
        self._segments = None
        self._paths = None
        self.prepareGeometryChange()
        self.update()

    def restyle(self) -> None:
        """The weights, marks or focus changed: same lines, other pens."""
        self._paths = None
        self.update()

    def segments(self) -> tuple[list[str], np.ndarray]:
        """The keys and their lines (x0, y0, x1, y1), from outline to outline."""
        if self._segments is None:
            self._keys, self._segments = list(self.ends), self._measure()
        return self._keys, self._segments

    def _measure(self) -> np.ndarray:
        nodes = self._scene.nodes
        index = {nid: k for k, nid in enumerate(nodes)}
        if not self.ends or not nodes:
            return np.zeros((0, 4))
        items = list(nodes.values())
        centre = np.array([(i.pos().x(), i.pos().y()) for i in items], dtype=float)
        half = np.array([(i.scene_body().width() / 2, i.scene_body().height() / 2)
                         for i in items])
        disk = np.array([i.kind == "neuron" for i in items])
        # an edge whose node has gone, while an edit removes both, is not drawn
        pairs = np.array([(index.get(s, -1), index.get(d, -1)) for s, d in self.ends.values()],
                         dtype=int).reshape(-1, 2)
        pairs[(pairs < 0).any(axis=1)] = 0
        a, b = centre[pairs[:, 0]], centre[pairs[:, 1]]
        d = b - a
        length = np.hypot(d[:, 0], d[:, 1])
        length[length == 0] = 1.0

        def leave(end: np.ndarray, towards: np.ndarray) -> np.ndarray:
            # the fraction of the centre-to-centre line inside the node at ``end``
            hx, hy = half[end, 0], half[end, 1]
            with np.errstate(divide="ignore"):
                box = np.minimum(hx / np.abs(towards[:, 0]), hy / np.abs(towards[:, 1]))
            return np.where(disk[end], hx / length, box)

        s = leave(pairs[:, 0], d)[:, None]
        t = leave(pairs[:, 1], d)[:, None]
        return np.hstack([a + d * s, b - d * t])

    # --- drawing -------------------------------------------------------------------

    def boundingRect(self) -> QRectF:
        _, seg = self.segments()
        if not len(seg):
            return QRectF()
        x0, y0 = min(seg[:, 0].min(), seg[:, 2].min()), min(seg[:, 1].min(), seg[:, 3].min())
        x1, y1 = max(seg[:, 0].max(), seg[:, 2].max()), max(seg[:, 1].max(), seg[:, 3].max())
        return QRectF(x0, y0, x1 - x0, y1 - y0).adjusted(-4, -4, 4, 4)

    def _groups(self) -> list:
        keys, seg = self.segments()
        if not keys:
            return []
        weight = np.array([np.nan if (w := self.weights.get(k)) is None else w for k in keys])
        known = np.isfinite(weight)
        step = np.where(known, np.round(np.minimum(np.abs(np.nan_to_num(weight)), 3.0)
                                        * WIDTH_STEPS / 3), -1).astype(int)
        negative = known & (weight < 0)
        marked = np.array([k in self.marked for k in keys]) if self.marked else \
            np.zeros(len(keys), bool)
        hovered = np.array([k == self.hovered for k in keys])
        special = marked | hovered
        near = np.ones(len(keys), bool) if self.focus is None else \
            np.array([self.focus in self.ends[k] for k in keys])
        groups = []
        for bright in (False, True):
            for neg in (False, True):
                for w in range(-1, WIDTH_STEPS + 1):
                    chosen = (near == bright) & (negative == neg) & (step == w) & ~special
                    if not chosen.any():
                        continue
                    fade = LINE_FADE if bright else DIMMED_FADE
                    if w < 0:
                        pen = _pen(style.MUTED, 1.0, fade)
                    else:
                        pen = _pen(style.NEGATIVE if neg else style.POSITIVE,
                                   0.6 + 0.9 * w / WIDTH_STEPS, fade)
                    groups.append((pen, self._path(seg[chosen])))
        # over the rest: the lines the micro-step reads, then the one hovered
        for chosen, colour in ((marked & ~hovered, style.READ), (hovered, style.SELECTED)):
            if chosen.any():
                groups.append((_pen(colour, 2.0, 0.0), self._path(seg[chosen])))
        return groups

    @staticmethod
    def _path(seg: np.ndarray):
        x = np.empty(2 * len(seg))
        y = np.empty(2 * len(seg))
        x[0::2], y[0::2], x[1::2], y[1::2] = seg[:, 0], seg[:, 1], seg[:, 2], seg[:, 3]
        # imported here, for a dense network: at the top it brought pyqtgraph
        # in before the window's first paint (a sixth of the cold start)
        import pyqtgraph as pg
        return pg.arrayToQPath(x, y, connect="pairs", finiteCheck=False)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if self._paths is None:
            self._paths = self._groups()
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setBrush(Qt.NoBrush)
        for pen, path in self._paths:
            painter.setPen(pen)
            painter.drawPath(path)

    # --- hovering ------------------------------------------------------------------

    def key_at(self, x: float, y: float, reach: float) -> str | None:
        """The edge whose line passes nearest (x, y), within ``reach``."""
        keys, seg = self.segments()
        if not keys:
            return None
        gap = distances(seg, x, y)
        k = int(np.argmin(gap))
        return keys[k] if gap[k] <= reach else None

    def hoverMoveEvent(self, event):
        views = self._scene.views()
        scale = abs(views[0].transform().m11()) if views else 1.0
        pos = event.pos()
        key = self.key_at(pos.x(), pos.y(), HOVER_PIXELS / (scale or 1.0))
        if key != self.hovered:
            self.hovered = key
            self.setToolTip(self._scene.edge_tip(key) if key else "")
            self.restyle()
        super().hoverMoveEvent(event)

    def hoverLeaveEvent(self, event):
        if self.hovered is not None:
            self.hovered = None
            self.setToolTip("")
            self.restyle()
        super().hoverLeaveEvent(event)
