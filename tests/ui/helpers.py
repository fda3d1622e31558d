"""Driving the canvas like a hand does."""
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication


def _send(view, kind, scene_point, buttons, modifiers=Qt.NoModifier):
    pos = QPointF(view.mapFromScene(scene_point))
    global_pos = QPointF(view.viewport().mapToGlobal(pos.toPoint()))
    button = Qt.LeftButton if kind != QEvent.MouseMove else Qt.NoButton
    event = QMouseEvent(kind, pos, global_pos, button, buttons, modifiers)
    QApplication.sendEvent(view.viewport(), event)


def drag(view, start, end, modifiers=Qt.NoModifier):
    """Press at ``start``, move in steps, release at ``end`` (scene points)."""
    _send(view, QEvent.MouseButtonPress, start, Qt.LeftButton, modifiers)
    for k in range(1, 6):
        _send(view, QEvent.MouseMove, start + (end - start) * (k / 5), Qt.LeftButton, modifiers)
    _send(view, QEvent.MouseButtonRelease, end, Qt.NoButton, modifiers)


def connect_by_drag(window, src, dst):
    """Drag from ``src``'s port onto ``dst``."""
    a = window.scene.nodes[src]
    b = window.scene.nodes[dst]
    drag(window.view, a.mapToScene(a.port_center()), b.scenePos())


def type_over(qtbot, field, text: str, enter: bool = True) -> None:
    """Type ``text`` over a field's whole entry, as a hand does; Enter after."""
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, text)
    if enter:
        qtbot.keyClick(field, Qt.Key_Return)


def inspect(window, item):
    """Select a canvas item and show it in the Inspector, raised from
    behind its tab; the Inspector panel."""
    item.setSelected(True)
    window.docks["inspector"].raise_()
    window.refresh()
    return window.inspector
