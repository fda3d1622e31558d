"""The canvas view: zoom, pan, rubber-band selection, dragging nodes, drawing
edges from a node's port, and editing a number in place."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QLineF, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QPainter, QPen
from PySide6.QtWidgets import QGraphicsLineItem, QGraphicsView, QLineEdit

from ...document.format import NODE_FIELDS
from ...engine import ParamName
from ...errors import BpsimError
from .. import style
from ..fields import REFUSED_STYLE, Refusal, read_number
from ...session.numbers import number
from .items import EdgeItem, NodeItem


TEXT_AT_LEAST = 0.85       # of the numbers' size, on screen
TEXT_GROWS_AT_MOST = 1.45  # times, in the scene
FIT_ZOOM_AT_MOST = 1.6     # a tiny network is not blown up
PRESENTED_ZOOM_AT_MOST = 2.5   # presenting, it is, for the back row
LEAST_POINTS = 11.0        # presenting, no text of the canvas is smaller (the numbers' size)
MOST_SPREAD = 2.5          # presenting, rows are spread at most this many times apart


def owner_of(item):
    """The node or edge an item of the canvas is part of (itself, if one)."""
    if isinstance(item, (NodeItem, EdgeItem)):
        return item
    return getattr(item, "owner", None) or item.parentItem()


class InlineEditor(QLineEdit):
    """A number typed over the item it belongs to; Enter accepts, Escape cancels."""

    dismissed = Signal()        # Escape, or the focus gone elsewhere: nothing set

    def event(self, event) -> bool:
        # Escape is the editor's before it is a shortcut's: presenting, the
        # window's Esc left the presentation with a typed number open
        if event.type() == QEvent.ShortcutOverride and event.key() == Qt.Key_Escape:
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event):
        if event.key() == Qt.Key_Escape:
            self._dismiss()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event):
        super().focusOutEvent(event)
        if self.isVisible():
            self._dismiss()

    def _dismiss(self) -> None:
        self.hide()
        self.dismissed.emit()
        self.deleteLater()


class NetworkView(QGraphicsView):
    nodes_moved = Signal(dict)          # {id: (old pos, new pos)}
    connect_requested = Signal(str, str)
    value_entered = Signal(str, str, str)   # ("node" | "edge", id or "FROM->TO", text)
    context_requested = Signal(QPointF, object)   # scene position, item under it (or None)
    zoom_changed = Signal(float)

    def __init__(self, scene, parent=None):
        super().__init__(scene, parent)
        self.setRenderHints(QPainter.Antialiasing | QPainter.TextAntialiasing)
        self.setDragMode(QGraphicsView.RubberBandDrag)
        self.setTransformationAnchor(QGraphicsView.AnchorUnderMouse)
        # Only the regions that changed: a micro-step moves the current ring
        # and the marks of a few edges spread over the canvas, whose bounding
        # rectangle (SmartViewportUpdate) is most of it; measured, the whole
        # micro-step is about a fifth faster.
        self.setViewportUpdateMode(QGraphicsView.MinimalViewportUpdate)
        # Every item sets the pen, brush and font it paints with (Qt sets the
        # transform and opacity itself): saving and restoring the painter
        # around each of several hundred items was an eighth of a repaint.
        self.setOptimizationFlags(QGraphicsView.DontSavePainterState)
        self.setBackgroundBrush(Qt.white)
        self._press_positions: dict[str, tuple[float, float]] = {}
        self._link: QGraphicsLineItem | None = None
        self._link_from: NodeItem | None = None
        self._pan_from: QPointF | None = None
        self.editor: InlineEditor | None = None
        # Fitted, and not zoomed or panned since: a resize fits again.  A
        # network opened before the window is shown was fitted into the
        # view's default size, and stayed a speck in the middle of the canvas.
        self._auto_fit = False
        self._fitted: QRectF | None = None      # the rectangle last fitted in view
        self._fitted_scale: float | None = None  # and the zoom that took
        self._extent: QRectF | None = None      # the scene's extent(), with a margin
        self._empty: bool | None = None         # whether the empty canvas's hint shows
        self._text_px: float | None = None      # presenting: the least text height on screen
        scene.extent_changed.connect(self.set_extent)
        self.set_extent(scene.extent())

    # --- zoom and pan --------------------------------------------------------------

    def zoom_by(self, factor: float) -> None:
        self._auto_fit = False
        scale = self.transform().m11() * factor
        # A big network is fitted below 0.15: down to its fitted scale is
        # allowed, or it could not be zoomed into and out again.
        smallest = min(0.15, self._fitted_scale or 0.15)
        if smallest * 0.999 <= scale <= 6.0:
            self.scale(factor, factor)
            self._scale_text()
            self.zoom_changed.emit(scale)

    def _scale_text(self) -> bool:
        """Numbers at least TEXT_AT_LEAST of their size on screen, zoomed out
        (a six-layer network fitted into a 1024x768 window wrote them 6 px
        high), growing no more than TEXT_GROWS_AT_MOST (beyond, they cover
        each other); True if they changed."""
        shrunk = self.transform().m11()
        k = min(TEXT_GROWS_AT_MOST, max(1.0, TEXT_AT_LEAST / shrunk)) if shrunk > 0 else 1.0
        if self.presenting:
            k = 1.0     # the items' own size is the text's (_grow_to_present), set once
        return self.scene().set_text_scale(k)

    def present(self, text_px: float | None) -> None:
        """Presenting: the network fitted, and drawn large enough that its
        text is ``text_px`` high on screen where its room allows (None: as
        drawn otherwise)."""
        self._text_px = text_px
        if text_px is None:
            self.scene().set_item_scale(1.0, None)
            self.scene().set_spread(1.0)
        self.fit()

    @property
    def presenting(self) -> bool:
        return self._text_px is not None

    def _spread_to_fill(self) -> None:
        """Presenting, a network wider than its area's shape has its rows
        spread apart into the height it would leave empty: room for its
        items to grow (a 2-2-1 filled a third of a 4:3 screen's canvas)."""
        scene = self.scene()
        scene.set_item_scale(1.0, LEAST_POINTS)
        scene.set_spread(1.0)
        rect, room = scene.extent(), self.viewport().size()
        rows = scene.rows_height()
        if rect.isEmpty() or rows <= 0 or room.width() <= 0:
            return
        spare = rect.width() * room.height() / room.width() - rect.height()
        scene.set_spread(min(MOST_SPREAD, max(1.0, 1.0 + spare / rows)))

    def _grow_to_present(self) -> bool:
        """Presenting, every item as large as the text wants and the
        network's room allows; True if that changed them."""
        zoom = self.transform().m11()
        px = LEAST_POINTS * self.logicalDpiY() / 72 * zoom
        # as outside presentation, zoomed-out numbers grow to keep legible
        # (_scale_text); within the room, as every item does here
        legible = min(TEXT_GROWS_AT_MOST, max(1.0, TEXT_AT_LEAST / zoom))
        room = max(1.0, self.scene().room_to_grow())
        return self.scene().set_item_scale(min(max(legible, self._text_px / px), room),
                                           LEAST_POINTS)

    def fit(self) -> None:
        # with the room of the numbers not yet written: fitted without it, the
        # view scrolled for them (a scroll bar on a network that fits); fitted
        # again if that room grew with the numbers' size (or, presenting, with
        # the items': each grows the network, which is then fitted smaller)
        largest = PRESENTED_ZOOM_AT_MOST if self.presenting else FIT_ZOOM_AT_MOST
        if self.presenting:
            self._spread_to_fill()
        for _ in range(8 if self.presenting else 3):
            rect = self.scene().extent()
            if rect.isEmpty():
                self._fitted = None
                self._frame()
                return
            self._fitted = rect.adjusted(-40, -40, 40, 40)
            self._frame()
            self.fitInView(self._fitted, Qt.KeepAspectRatio)
            if self.transform().m11() > largest:
                self.resetTransform()
                self.scale(largest, largest)
                self.centerOn(rect.center())
            grown = self.presenting and self._grow_to_present()
            if not self._scale_text() and not grown:
                break
        self._auto_fit = True
        self._fitted_scale = self.transform().m11()
        self.zoom_changed.emit(self.transform().m11())

    def set_extent(self, rect: QRectF) -> None:
        self._extent = rect.adjusted(-20, -20, 20, 20)
        self._frame()
        empty = not self.scene().nodes
        if empty != self._empty:
            self._empty = empty
            self.viewport().update()      # the hint below comes or goes as a whole

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        """An empty canvas says how to put a network on it."""
        super().drawForeground(painter, rect)
        if self.scene().nodes:
            return
        painter.save()
        painter.resetTransform()          # in the viewport's pixels, at any zoom
        area = QRectF(self.viewport().rect()).adjusted(24, 24, -24, -24)
        font = painter.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        painter.setFont(font)
        painter.setPen(style.MUTED)
        painter.drawText(area, Qt.AlignCenter | Qt.TextWordWrap, self.tr(
            "An empty canvas\n\n"
            "Ctrl+B builds a layered network: type its sizes, such as 2-3-1\n"
            "The tool bar on the left, or a right-click here, adds nodes one by one; "
            "drag from a node's dot to another node to connect them\n"
            "The Lessons menu opens the notes' worked networks in the course's order"))
        painter.restore()

    def _frame(self) -> None:
        """The area the view shows and scrolls over: what was fitted, and
        wherever the network and its numbers are.

        Not the scene's own rectangle: that grows as numbers are first
        written (below the lowest node, at the first micro-steps), and a
        view centred on it moved the whole network by half of that, step
        after step; it never shrinks either, so a small network opened
        after a large one could be scrolled about in empty space."""
        rect = self._extent if self._extent is not None else QRectF()
        if self._fitted is not None:
            rect = rect.united(self._fitted)
        self.setSceneRect(rect)

    def resizeEvent(self, event):
        super().resizeEvent(event)
        if self._auto_fit:
            self.fit()

    def wheelEvent(self, event):
        self.zoom_by(1.15 if event.angleDelta().y() > 0 else 1 / 1.15)

    # --- mouse -------------------------------------------------------------------

    def _node_at(self, pos) -> NodeItem | None:
        for item in self.items(pos):
            owner = owner_of(item)
            if isinstance(owner, NodeItem):
                return owner
        return None

    def mousePressEvent(self, event):
        if event.button() == Qt.MiddleButton:
            self._auto_fit = False
            self._pan_from = event.position()
            self.setCursor(Qt.ClosedHandCursor)
            return
        node = self._node_at(event.position().toPoint())
        if event.button() == Qt.LeftButton and node is not None and self.scene().editable:
            local = node.mapFromScene(self.mapToScene(event.position().toPoint()))
            if node.on_port(local) or event.modifiers() & Qt.ShiftModifier:
                self._start_link(node)
                return
        super().mousePressEvent(event)
        self._press_positions = {i.node_id: (i.pos().x(), i.pos().y())
                                 for i in self.scene().selectedItems() if isinstance(i, NodeItem)}

    def mouseMoveEvent(self, event):
        if self._pan_from is not None:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - delta.x())
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - delta.y())
            return
        if self._link is not None:
            start = self._link.line().p1()
            self._link.setLine(QLineF(start, self.mapToScene(event.position().toPoint())))
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event):
        if self._pan_from is not None:
            self._pan_from = None
            self.unsetCursor()
            return
        if self._link is not None:
            target = self._node_at(event.position().toPoint())
            source = self._link_from
            self.scene().removeItem(self._link)
            self._link = self._link_from = None
            if target is not None and target is not source:
                self.connect_requested.emit(source.node_id, target.node_id)
            return
        super().mouseReleaseEvent(event)
        moves = {}
        unplace = self.scene().unplace
        for nid, old in self._press_positions.items():
            item = self.scene().nodes.get(nid)
            if item is not None and (item.pos().x(), item.pos().y()) != old:
                x, y = unplace(item.pos().x(), item.pos().y())
                moves[nid] = (unplace(*old), (round(x, 1), round(y, 1)))
        self._press_positions = {}
        if moves:
            self.nodes_moved.emit(moves)

    def _start_link(self, node: NodeItem) -> None:
        self._link_from = node
        start = node.mapToScene(node.port_center())
        self._link = QGraphicsLineItem(QLineF(start, start))
        self._link.setPen(QPen(style.SELECTED, 2, Qt.DashLine))
        self._link.setZValue(10)
        self.scene().addItem(self._link)

    def mouseDoubleClickEvent(self, event):
        items = self.items(event.position().toPoint())
        for item in items:
            owner = owner_of(item)
            if isinstance(owner, NodeItem):
                self.edit_node(owner)
                return
            if isinstance(owner, EdgeItem):
                self.edit_edge(owner)
                return
        super().mouseDoubleClickEvent(event)

    def contextMenuEvent(self, event):
        item = None
        for it in self.items(event.pos()):
            owner = owner_of(it)
            if isinstance(owner, (NodeItem, EdgeItem)):
                item = owner
                break
        if item is not None and not item.isSelected():
            self.scene().clearSelection()
            item.setSelected(True)
        self.context_requested.emit(self.mapToScene(event.pos()), item)

    # --- editing in place ------------------------------------------------------------

    def edit_node(self, item: NodeItem) -> None:
        node = item.node
        value_of = self.scene().value_of        # trained: the value now
        if node.kind == "neuron":
            self._open_editor(item.sceneBoundingRect(),
                              number(value_of(ParamName.bias(node.id), node.bias), 12),
                              ("node", node.id), "bias")
        elif node.kind in ("input", "const", "param") or node.op in ("scale", "offset"):
            # an input without a value computes with 0 (the contract's
            # default): shown, and kept when a refused entry is said
            value = 0.0 if node.kind == "input" and node.value is None else node.value
            self._open_editor(item.sceneBoundingRect(),
                              number(value_of(ParamName.param(node.id), value), 12),
                              ("node", node.id), "value")

    def edit_edge(self, item: EdgeItem) -> None:
        if item.dst.kind != "neuron":
            return
        # over the weight it replaces, on the line
        centre = item.line.pointAt(item.label_fraction if item.label_fraction is not None else 0.5)
        self._open_editor(QRectF(centre, centre), number(item.weight, 12), ("edge", item.key),
                          "weight", over=True)

    def _open_editor(self, scene_rect: QRectF, text: str, target: tuple[str, str],
                     what: str, over: bool = False) -> None:
        """A line edit beneath ``scene_rect`` (a node, whose value is written
        beneath it), or ``over`` its centre (an edge's weight)."""
        editor = InlineEditor(self.viewport())
        # as big as the numbers it replaces (a projector's back row reads both)
        editor.setFont(style.font(11))
        editor.setText(text.replace("−", "-"))
        editor.setPlaceholderText(what)
        editor.setToolTip(f"{what}: 0.5, -3, 1/2 or 2e-3; Enter to set, Escape to cancel")
        editor.selectAll()
        r = self.mapFromScene(scene_rect).boundingRect()
        height = editor.sizeHint().height()
        width = max(130, editor.fontMetrics().horizontalAdvance(editor.text()) + 16)
        top = r.center().y() - height // 2 if over else r.bottom() + 2
        editor.setGeometry(r.center().x() - width // 2, top, width, height)
        editor.what = what
        editor.returnPressed.connect(lambda: self._accept(editor, target, text))
        editor.dismissed.connect(lambda: self._forget(editor))
        editor.show()
        editor.setFocus()
        self.editor = editor

    def _accept(self, editor: InlineEditor, target: tuple[str, str], kept: str) -> None:
        text = editor.text()
        try:
            read_number(text, NODE_FIELDS["value"])
        except BpsimError as exc:
            self._refuse(editor, text, exc.problem, kept)
            return
        editor.hide()
        editor.deleteLater()
        self.editor = None
        # Applied once the editor's key event is over: applied inside it, the
        # label's old, wider text was left on screen around the new one (the
        # view never repainted that part; seen on a real display).
        QTimer.singleShot(0, lambda: self.value_entered.emit(target[0], target[1], text))

    def _forget(self, editor: InlineEditor) -> None:
        if self.editor is editor:
            self.editor = None

    def _refuse(self, editor: InlineEditor, text: str, problem: str, kept: str) -> None:
        """The editor stays open, the reason under it; nothing is set."""
        refusal = getattr(editor, "refusal", None)
        if refusal is None:
            refusal = editor.refusal = Refusal(self.viewport())
            refusal.setStyleSheet(REFUSED_STYLE + " background: white; border: 1px solid #b03a2e;"
                                  " padding: 2px;")
            editor.destroyed.connect(refusal.deleteLater)
            refusal.name = self.tr("the {0}").format(editor.what)
        refusal.say(text, problem, kept.replace("−", "-"))
        refusal.setFixedWidth(max(editor.width(), 260))
        refusal.adjustSize()
        refusal.move(editor.x() + (editor.width() - refusal.width()) // 2,
                     editor.y() + editor.height() + 2)
        refusal.raise_()
        editor.selectAll()

    def keyPressEvent(self, event):
        if event.matches(QKeySequence.ZoomIn):
            self.zoom_by(1.2)
        elif event.matches(QKeySequence.ZoomOut):
            self.zoom_by(1 / 1.2)
        else:
            super().keyPressEvent(event)
