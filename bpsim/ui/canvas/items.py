"""Canvas items: a node and an edge.

Items only draw what they are told: the scene sets their document fields and
their numbers.  Numbers are Labels (label.py) updated in place, never
recreated per step.
"""
from __future__ import annotations

import functools
import math

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (QBrush, QPainter, QPainterPath, QPainterPathStroker, QPen, QPixmap,
                           QPolygonF)
from PySide6.QtWidgets import (QGraphicsItem, QGraphicsPathItem, QGraphicsPixmapItem,
                               QGraphicsPolygonItem)

from ...engine import ACTIVATIONS, GATES, EdgeKey
from ...session.numbers import number
from .. import style
from .label import Label

PORT_RADIUS = 6.0


NAME_ABOVE = 20.0     # a gate's name, or "output": its centre above the node's top
NUMBERS_DROP = 18.0   # a node's value: its centre beneath the node's bottom
NUMBERS_LINE = 17.0   # and its gradient's, beneath the value's
NUMBERS_HALF_LINE = 9.0   # half a line of those numbers (their height, 11 pt bold)
RING_OUT = 9.0        # how far the current node's ring reaches out of its outline

# The item changes the items act on, looked up once: itemChange runs for
# every flag, z value and child an item is given, eight times as an edge is
# made, and each enum lookup through the class costs as much as the rest.
_MOVED = QGraphicsItem.ItemPositionHasChanged
_DIMMED = QGraphicsItem.ItemOpacityHasChanged
_SELECTED = QGraphicsItem.ItemSelectedHasChanged
_SCENE = QGraphicsItem.ItemSceneChange


class _Hoverable:
    """Tells the scene which item the pointer is over."""

    def hoverEnterEvent(self, event):
        self._scene.hovered(self)
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event):
        self._scene.hovered(None)
        super().hoverLeaveEvent(event)


class NodeItem(_Hoverable, QGraphicsItem):
    """A node: circle (neuron), rounded square (gate) or pill (input, const, param)."""

    def __init__(self, node, scene):
        super().__init__()
        self.node_id = node.id
        self.kind = node.kind
        self._scene = scene
        self.edges: list[EdgeItem] = []
        self.numbers = None          # the NodeDisplay shown, for the tooltip
        self.shown = ()              # what the scene last wrote into it (scene.show)
        self.mark: str | None = None
        self.dimmed = False
        self.is_output = False       # the cost is taken of it: said above it
        self.setFlags(QGraphicsItem.ItemIsMovable | QGraphicsItem.ItemIsSelectable
                      | QGraphicsItem.ItemSendsGeometryChanges)
        self.setAcceptHoverEvents(True)
        self.setZValue(2)
        # the outline is repainted from a pixmap until its mark or selection changes
        self.setCacheMode(QGraphicsItem.DeviceCoordinateCache)
        self.title = Label(self, 12, True)
        self.sub = Label(self, 9, color=style.MUTED)
        self.name = Label(self, 10, True, style.NODE_BORDER)   # a gate's id, above it
        # on white patches, as the edges' numbers: a line passing beneath the
        # node crossed its value's digits
        self.forward_text = Label(self, 11, True, style.FORWARD, ground=True)
        self.backward_text = Label(self, 11, True, style.BACKWARD, ground=True)
        self.thumbnail = QGraphicsPixmapItem(self)    # its output over the input plane
        self.thumbnail.setVisible(False)
        self.halo = _Halo(self, scene.label_layer)
        self.update_from(node)

    # --- geometry ------------------------------------------------------------

    def body(self) -> QRectF:
        return self._body

    def _shape_for(self, kind: str) -> QRectF:
        if kind == "neuron":
            r = style.NEURON_RADIUS
            return QRectF(-r, -r, 2 * r, 2 * r)
        if kind == "op":
            s = style.OP_SIZE
            return QRectF(-s / 2, -s / 2, s, s)
        w, h = style.SOURCE_SIZE
        return QRectF(-w / 2, -h / 2, w, h)

    def scene_body(self) -> QRectF:
        """Its outline in the scene, drawn ``scale()`` times its size around
        its centre (a presentation's, see ``set_item_scale``)."""
        b, m, p = self._body, self.scale(), self.pos()
        return QRectF(p.x() + m * b.x(), p.y() + m * b.y(), m * b.width(), m * b.height())

    def port_center(self) -> QPointF:
        return QPointF(self.body().right(), 0.0)

    def on_port(self, local: QPointF) -> bool:
        return QLineF(local, self.port_center()).length() <= PORT_RADIUS + 3

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRect(self.body().adjusted(-2, -2, PORT_RADIUS + 2, 2))
        return path

    def boundary_point(self, towards: QPointF) -> QPointF:
        """Where a line from the centre towards ``towards`` (scene) leaves the body."""
        c = self.scenePos()
        d = towards - c
        if d.isNull():           # on top of each other: no direction to leave by
            return c
        length = math.hypot(d.x(), d.y())
        m = self.scale()
        if self.kind == "neuron":
            r = m * style.NEURON_RADIUS
            return c + d * (r / length)
        b = self.body()
        sx = (m * b.width() / 2) / abs(d.x()) if d.x() else math.inf
        sy = (m * b.height() / 2) / abs(d.y()) if d.y() else math.inf
        return c + d * min(sx, sy)

    # --- content -------------------------------------------------------------

    def update_from(self, node) -> None:
        """Fields of the document's node: kind, activation or gate, label."""
        self.prepareGeometryChange()
        self.kind = node.kind
        self.node = node
        b = self._body = self._shape_for(node.kind)
        self._bounds = b.adjusted(-12, -24, 12 + PORT_RADIUS, 12)
        self.halo.reshape()
        # above the current node's ring (8 px wide, 5 px out), not under it
        self.name.set("", QPointF(0, b.top() - NAME_ABOVE))
        if node.kind == "op":
            symbol = GATES[node.op].label if node.op in GATES else (node.op or "?")
            if node.op == "scale" and node.value is not None:
                symbol = f"·{number(node.value, 3)}"
            elif node.op == "offset" and node.value is not None:
                symbol = f"+{number(node.value, 3)}"
            self.title.set(symbol, QPointF(0, 0))
            # the id the formulas use, and the label when there is one
            label = node.label or ""
            # not "·", which is the product in the formulas: "h = x·w · output"
            name = label if node.id in label else f"{node.id}: {label}" if label else node.id
            self.name.set(f"{name} (output)" if self.is_output else name)
            self.sub.set("", QPointF(0, 0))
        elif node.kind == "neuron":
            self.title.set(node.label or node.id, QPointF(0, -7))
            activation = ACTIVATIONS.get(node.activation or "identity")
            self.sub.set(activation.short if activation else "",
                         QPointF(0, 11))
        else:
            self.title.set(node.label or node.id, QPointF(0, -6 if node.kind != "input" else 0))
            hint = {"const": number(node.value, 4), "param": "param"}.get(node.kind, "")
            self.sub.set(hint, QPointF(0, 11))
        if node.kind != "op":
            self.name.set("output" if self.is_output else "")
        self._place_numbers()
        self.update()

    def _place_numbers(self) -> None:
        # beneath the ring that marks the current node (out to 9 px), which
        # covered the top of its value; lines grown with the text's scale
        k = self.forward_text._scale
        top = self.body().bottom() + NUMBERS_DROP + NUMBERS_HALF_LINE * (k - 1)
        self.forward_text.set(self.forward_text.text(), QPointF(0, top))
        self.backward_text.set(self.backward_text.text(), QPointF(0, top + NUMBERS_LINE * k))

    def set_text_scale(self, k: float) -> None:
        """Its numbers drawn ``k`` times their size (its name and kind stay
        within its outline)."""
        for text in (self.forward_text, self.backward_text):
            text.set_scale(k)
        self._place_numbers()

    def set_item_scale(self, m: float, least_points: float | None = None) -> None:
        """Drawn ``m`` times its size around its centre, outline, rings and
        numbers alike, its place kept (a presentation's back row reads it);
        its name and kind at least ``least_points`` (None: as they are)."""
        self.setScale(m)
        self.halo.setScale(m)
        for label in (self.sub, self.name):
            label.set_scale(max(1.0, (least_points or 0.0) / label.font().pointSizeF()))

    def set_output(self, is_output: bool) -> None:
        if is_output != self.is_output:
            self.is_output = is_output
            self.update_from(self.node)

    def set_thumbnail(self, image) -> None:
        """A small map of this node's output over the input plane (None: hide)."""
        if image is None:
            self.thumbnail.setVisible(False)
            return
        self.thumbnail.setPixmap(QPixmap.fromImage(image))
        b = self.body()
        self.thumbnail.setPos(b.right() + PORT_RADIUS + 4, b.top() - 10)
        self.thumbnail.setVisible(True)

    def set_numbers(self, forward: str, backward: str, mark: str | None) -> None:
        self.forward_text.set(forward)
        self.backward_text.set(backward)
        if mark != self.mark:
            was_current = self.mark == "current"
            self.mark = mark
            self.halo.show_mark()
            if was_current or mark == "current":
                for edge in self.edges:
                    if edge.dst is self:
                        edge._place_arrow()

    # --- painting --------------------------------------------------------------

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.Antialiasing)
        b = self.body()
        border = style.SELECTED if self.isSelected() else style.NODE_BORDER
        painter.setPen(QPen(border, 3 if self.isSelected() else 1.6,
                            Qt.DashLine if self.kind == "param" else Qt.SolidLine))
        painter.setBrush(QBrush(style.NODE_FILL[self.kind]))
        self.outline(painter, b)
        if self._scene.editable:
            painter.setPen(QPen(style.NODE_BORDER, 1))
            painter.setBrush(QBrush(style.NODE_BORDER))
            painter.drawEllipse(self.port_center(), PORT_RADIUS / 2, PORT_RADIUS / 2)

    def outline(self, painter: QPainter, r: QRectF) -> None:
        """Its shape, drawn in ``r``."""
        if self.kind == "neuron":
            painter.drawEllipse(r)
        elif self.kind == "op":
            painter.drawRoundedRect(r, 8, 8)
        else:
            painter.drawRoundedRect(r, r.height() / 2, r.height() / 2)

    # --- interaction -------------------------------------------------------------

    def itemChange(self, change, value):
        if change == _MOVED:
            self._scene.node_moved(self)
            self.halo.setPos(self.pos())
        elif change == _DIMMED:
            self.halo.setOpacity(self.opacity())      # dimmed with it ("focus")
        elif change == _SCENE and value is None and self.scene():
            self.scene().removeItem(self.halo)        # removed with it
        return value            # as QGraphicsItem's own does


class _Halo(QGraphicsItem):
    """The ring around a node being computed, or read, in the scene's label
    layer beneath the edges' numbers: drawn by the node, it covered the
    first letters of a number beside it (the node's own body, above the
    layer, still covers numbers, which keep clear of it)."""

    def __init__(self, node: NodeItem, layer):
        super().__init__(layer)
        self.node = node
        self.owner = node                # whose it is (see view.owner_of)
        # over the numbers' white patches (z 2.5, 2.7), under their text (z 3,
        # 3.2): neither hides the other
        self.setZValue(2.9)
        self.setCacheMode(QGraphicsItem.DeviceCoordinateCache)
        self.setVisible(False)
        self._bounds = QRectF()

    def reshape(self) -> None:
        self.prepareGeometryChange()
        self._bounds = self.node.body().adjusted(-RING_OUT - 1, -RING_OUT - 1,
                                                 RING_OUT + 1, RING_OUT + 1)
        self.update()

    def show_mark(self) -> None:
        self.setVisible(self.node.mark in ("current", "read"))
        self.update()

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setBrush(Qt.NoBrush)
        b = self.node.body()
        if self.node.mark == "current":
            painter.setPen(QPen(style.CURRENT, 8))
            m = RING_OUT - 4                # the pen's half width beyond its line
        else:
            painter.setPen(QPen(style.READ, 3, Qt.DashLine))
            m = 5
        self.node.outline(painter, b.adjusted(-m, -m, m, m))


@functools.lru_cache(maxsize=4096)
def _arrow_style(look: tuple, thick: float = 1.0) -> tuple[QPen, QBrush]:
    """The shaft's pen and the head's brush for an edge's look (EdgeItem.look).

    Made once per look: a micro-step marks and unmarks a dozen edges, and
    building a pen and a brush from Python cost more than the rest of the
    restyle (PySide converts each colour argument anew)."""
    weight, read, selected = look
    if weight is None:
        pen = QPen(style.MUTED, 1.6)
    else:
        negative, magnitude = weight
        pen = QPen(style.NEGATIVE if negative else style.POSITIVE, 1.0 + magnitude * 1.5,
                   Qt.DashLine if negative else Qt.SolidLine)
    if read:
        pen.setColor(style.READ)
    if selected:
        pen.setColor(style.SELECTED)
    pen.setWidthF(pen.widthF() * thick)
    return pen, QBrush(pen.color())


class EdgeItem(_Hoverable, QGraphicsItem):
    """An arrow from one node to another with its weight (or gradient) on it.

    The arrow is drawn by two C++ children, a line and a polygon, restyled
    only when the weight, mark or selection changes: a dense network has a
    hundred edges, and a Python paint() each costs ~1.5 ms a frame.
    """

    def __init__(self, src: NodeItem, dst: NodeItem, scene):
        super().__init__()
        self.src, self.dst = src, dst
        self.key = EdgeKey.of(src.node_id, dst.node_id)
        self._scene = scene
        src.edges.append(self)
        dst.edges.append(self)
        self.weight: float | None = None
        self.numbers = None          # the EdgeDisplay shown, for the tooltip
        self.shown = ()              # what the scene last wrote into it (scene.show)
        self.mark: str | None = None
        self._negative: bool | None = None    # the sign its label is coloured for
        self._look: tuple | None = None       # what its arrow is drawn as (look())
        self._m = 1.0                         # drawn this many times its size (set_item_scale)
        self._text_k = 1.0                    # its numbers' size, zoomed out (set_text_scale)
        self._least = 1.0                     # and how much they grow to a least size
        self.setFlags(QGraphicsItem.ItemIsSelectable | QGraphicsItem.ItemHasNoContents)
        self.setAcceptHoverEvents(True)
        self.setZValue(1)
        # A path item, not a QGraphicsLineItem: a line item of non-zero width
        # strokes its outline anew at every boundingRect() call, and a repaint
        # asks each item for it; a path item keeps it until the path or pen
        # changes (measured with callgrind: a seventh of the canvas's paint).
        self.shaft = QGraphicsPathItem(self)
        self.head = QGraphicsPolygonItem(self)
        self.head.setPen(QPen(Qt.NoPen))
        # in the scene's label layer, whose coordinates are the edge's (the scene's)
        layer = scene.label_layer
        self.label = Label(layer, 9.5, True, style.POSITIVE, ground=True, owner=self)
        self.label.setZValue(3.2)       # its ground (framed if negative) over the gradient's
        self.grad_label = Label(layer, 9.5, True, style.BACKWARD, ground=True, owner=self)
        self.grad_label.setZValue(3)
        self.line = QLineF()
        self._bounds = QRectF()
        self.label_fraction: float | None = None   # where along it the scene put its numbers
        self.label_drop = 16.0                     # the gradient's, below the weight's (< 0: above)
        self.labels_clear = True                   # and whether they cover little there
        self.weight_clear = True                   # or the weight alone does
        self._pen_width = self.shaft.pen().widthF()
        self._restyle()
        self.adjust()

    def adjust(self) -> None:
        self.prepareGeometryChange()
        a = self.src.boundary_point(self.dst.scenePos())
        b = self.dst.boundary_point(self.src.scenePos())
        self.line = QLineF(a, b)
        self._line_bounds = QRectF(a, b).normalized().adjusted(-12, -12, 12, 12)
        self._bounds = self._line_bounds
        self._place_numbers()
        self._place_arrow()

    def _place_numbers(self) -> None:
        # Until the scene has placed them (labels.py): a third of the way from
        # the source, as crossing edges of a dense layer meet in the middle.
        t = self.label_fraction
        if t is None:
            t = 0.34 if self.line.length() > 160 else 0.5
        anchor = self.line.pointAt(t)
        # on the line, the gradient beneath (labels.label_boxes)
        self.label.set(self.label.text(), anchor)
        self.grad_label.set(self.grad_label.text(), anchor + QPointF(0.0, self.label_drop))
        self._fit_bounds()

    def _grounds(self) -> list[QRectF]:
        return [t._ground.rect() for t in (self.label, self.grad_label) if t.text()]

    def _fit_bounds(self) -> None:
        """The edge is its line and its numbers: hovering or clicking the
        gradient beneath the line finds the edge too."""
        if self.label.text() and self.grad_label.text():
            # one white patch behind both numbers: a slanting line showed
            # beside the narrower one and through the seam between them
            self.grad_label.set_ground(
                self.grad_label.own_ground().united(self.label.own_ground()))
        bounds = self._line_bounds
        for r in self._grounds():
            bounds = bounds.united(r)
        if bounds != self._bounds:
            self.prepareGeometryChange()
            self._bounds = bounds

    def set_text_scale(self, k: float) -> None:
        self._text_k = k
        for text in (self.label, self.grad_label):
            text.set_scale(k * self._m * self._least)
        self._place_numbers()

    def set_item_scale(self, m: float, least_points: float | None = None) -> None:
        """Its line, head and numbers ``m`` times their size, as its nodes'
        (NodeItem.set_item_scale); its numbers at least ``least_points``."""
        self._m = m
        self._least = max(1.0, (least_points or 0.0) / self.label.font().pointSizeF())
        self._look = None
        self._restyle()
        self.set_text_scale(self._text_k)
        self.adjust()

    def place_labels_at(self, fraction: float, drop: float) -> None:
        if (fraction, drop) != (self.label_fraction, self.label_drop):
            self.label_fraction, self.label_drop = fraction, drop
            self._place_numbers()     # the line stays: a crowded network moves them often

    def set_numbers(self, weight: float | None, weight_text: str, grad_text: str,
                    mark: str | None) -> None:
        if weight != self.weight or mark != self.mark:
            self.weight, self.mark = weight, mark
            self._restyle()
        negative = weight is not None and weight < 0
        if negative != self._negative:
            self._negative = negative
            self.label.setBrush(QBrush(style.NEGATIVE if negative else style.POSITIVE))
            # framed on a dashed line: its minus sign read as one more dash
            self.label.set_framed(negative)
        if (weight_text, grad_text) != (self.label.text(), self.grad_label.text()):
            self.label.set(weight_text)
            self.grad_label.set(grad_text)
            self._fit_bounds()

    def look(self) -> tuple:
        """What the eye can see of the arrow: the sign, the width to a
        hundredth of a weight (a seventieth of a pixel), the mark, the
        selection."""
        w = self.weight
        return (None if w is None else (w < 0, round(min(abs(w), 3.0), 2)),
                self.mark == "read", self.isSelected())

    def pen(self) -> QPen:
        return _arrow_style(self.look())[0]

    def _restyle(self) -> None:
        # While training runs every weight moves a little each frame;
        # restyling only on a visible change keeps a frame cheap.
        look = self.look()
        if look == self._look:
            return
        self._look = look
        pen, brush = _arrow_style(look, self._m)
        resized = pen.widthF() != self._pen_width
        self._pen_width = pen.widthF()
        self.shaft.setPen(pen)
        self.head.setBrush(brush)
        if resized:     # the head is sized to the pen; a mark changes only its colour
            self._place_arrow()

    def _place_arrow(self) -> None:
        """The shaft, and the arrowhead at the target sized to the pen."""
        line = self.line
        if line.length() < 1:
            self.shaft.setPath(QPainterPath())
            self.head.setPolygon(QPolygonF())
            return
        angle = math.atan2(-line.dy(), line.dx())
        # into the node being computed: the head points at its ring, which
        # covered it (the values read come in along these edges)
        back = self._m * RING_OUT if self.dst.mark == "current" else 0.0
        tip = line.pointAt(max(0.0, 1 - back / line.length()))
        size = 9 * self._m + self._pen_width
        left = tip - QPointF(math.cos(angle - math.pi / 7) * size,
                             -math.sin(angle - math.pi / 7) * size)
        right = tip - QPointF(math.cos(angle + math.pi / 7) * size,
                              -math.sin(angle + math.pi / 7) * size)
        # the shaft stops inside the head, so a thick line leaves no blunt end
        shaft = QPainterPath(line.p1())
        shaft.lineTo(line.pointAt(max(0.0, 1 - (back + size / 2) / line.length())))
        self.shaft.setPath(shaft)
        self.head.setPolygon(QPolygonF([tip, left, right]))

    def _number_items(self) -> list:
        return [part for t in (self.label, self.grad_label)
                for part in (t, t._ground) if part is not None]

    def itemChange(self, change, value):
        if change == _SELECTED:
            self._restyle()
        elif change == _DIMMED:
            for text in (self.label, self.grad_label):     # dimmed with it ("focus")
                text.set_dim(self.opacity())
        elif change == _SCENE and value is None and self.scene():
            for part in self._number_items():     # removed with it
                self.scene().removeItem(part)
        return value

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.moveTo(self.line.p1())
        path.lineTo(self.line.p2())
        stroker = QPainterPathStroker()
        stroker.setWidth(12)
        shape = stroker.createStroke(path)
        shape.setFillRule(Qt.WindingFill)      # the union, where the numbers overlap the line
        for r in self._grounds():
            shape.addRect(r)
        return shape.simplified()

    def paint(self, painter: QPainter, option, widget=None) -> None:
        pass    # the children draw (ItemHasNoContents)
