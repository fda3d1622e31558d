"""A number on the canvas: centred on a point, drawn from a pixmap of
itself until its text changes, on a white patch that cuts the lines behind
it, hidden by its opacity so that it keeps its text for when it shows again."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem, QGraphicsSimpleTextItem

from .. import style

LABEL_GROUND = QColor(255, 255, 255)


class Label(QGraphicsSimpleTextItem):
    """A label centred on a point, redrawn only when its text changes; with
    ``ground``, on a white patch, so that a line passing behind it does not
    cross its digits."""

    def __init__(self, parent, size=10.0, bold=False, color=style.TEXT, ground=False,
                 owner=None):
        super().__init__(parent)
        # whose numbers these are (an edge's sit in the scene's label layer)
        self.owner = owner if owner is not None else parent
        self.setFont(style.font(size, bold))
        self.setBrush(QBrush(color))
        # Drawn from a pixmap of itself until its text changes: a canvas has a
        # couple of hundred labels, and laying out and rasterizing their glyphs
        # at every repaint was half the canvas's paint.
        self.setCacheMode(QGraphicsItem.DeviceCoordinateCache)
        self._anchor = QPointF()
        self._scale = 1.0
        self._shown = ""           # the text shown ('' when hidden)
        self._dim = 1.0            # its opacity when shown (a focus dims the rest)
        self._ground = None
        if ground:
            self._ground = QGraphicsRectItem(parent)
            self._ground.owner = self.owner
            self._ground.setPen(QPen(Qt.NoPen))
            self._ground.setBrush(QBrush(LABEL_GROUND))
            self._ground.setVisible(False)
            self._ground.setZValue(self.zValue() - 0.5)     # a later sibling: under it

    def set_framed(self, framed: bool) -> None:
        """A thin outline round the white patch, in the text's colour."""
        if self._ground is not None:
            color = QColor(self.brush().color())
            color.setAlpha(110)
            self._ground.setPen(QPen(color, 1) if framed else QPen(Qt.NoPen))

    def setZValue(self, z: float) -> None:
        super().setZValue(z)
        if self._ground is not None:
            self._ground.setZValue(z - 0.5)

    def text(self) -> str:
        """The text shown, '' when hidden."""
        return self._shown

    def set(self, text: str, anchor: QPointF | None = None) -> None:
        moved = anchor is not None and anchor != self._anchor
        if moved:
            self._anchor = anchor
        if text == self._shown and not moved:
            return      # nothing to redraw: most labels, most steps
        self._shown = text
        if not text:
            # Hidden by its opacity, its text and pixmap kept: a crowded
            # network shows an edge's weight in the forward pass and again in
            # the backward one, and laying it out and drawing it anew each
            # time was a tenth of a micro-step's canvas.
            self.setOpacity(0.0)
            if self._ground is not None:
                self._ground.setVisible(False)
            return
        if text != QGraphicsSimpleTextItem.text(self):
            self.setText(text)
        self.setOpacity(self._dim)
        self._reposition()

    def set_dim(self, opacity: float) -> None:
        """Its opacity while shown (and its patch's)."""
        self._dim = opacity
        if self._shown:
            self.setOpacity(opacity)
        if self._ground is not None:
            self._ground.setOpacity(opacity)

    def set_scale(self, k: float) -> None:
        """Drawn ``k`` times its size (the view keeps numbers legible when
        zoomed out), still centred on its point."""
        if k != self._scale:
            self._scale = k
            self.setScale(k)
            self._reposition()

    def _reposition(self) -> None:
        r = self.boundingRect()
        k = self._scale
        self.setPos(self._anchor.x() - k * r.width() / 2, self._anchor.y() - k * r.height() / 2)
        if self._ground is not None:
            self._ground.setVisible(bool(self.text()))
            self._ground.setRect(self.own_ground())

    def own_ground(self) -> QRectF:
        """The white patch behind the text alone, in the parent's coordinates."""
        return self.mapRectToParent(self.boundingRect()).adjusted(-3, 0, 3, 0)

    def set_ground(self, rect: QRectF) -> None:
        if self._ground is not None and rect != self._ground.rect():
            self._ground.setRect(rect)
