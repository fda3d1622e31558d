"""Colours and sizes, in one place.

The course notes draw forward values in red and gradients in green; bpsim
keeps those two families and never uses them for anything else.  Weights are
blue when positive and dashed purple when negative, so the sign is readable
without colour too.
"""
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (QApplication, QDockWidget, QProxyStyle, QScrollBar, QStyle,
                               QStyleFactory, QStyleOption, QToolBar)

from ..engine import Phase

FORWARD = QColor("#c0392b")        # values of the forward pass
FORWARD_LIGHT = QColor("#fdecea")
BACKWARD = QColor("#1e8449")       # gradients of the backward pass
BACKWARD_LIGHT = QColor("#e8f6ee")
POSITIVE = QColor("#2c5aa0")
UPDATE = QColor("#2c5aa0")         # the update step, and where it lands
TEST_COST = QColor("#2c5aa0")      # the cost on the held-out rows
NEGATIVE = QColor("#8e44ad")
CURRENT = QColor("#f1c40f")        # the node computed by the current micro-step
READ = QColor("#e67e22")           # the values it reads
TEXT = QColor("#1c2833")
MUTED = QColor("#7f8c8d")
NODE_FILL = {
    "input": QColor("#eef2f7"),
    "const": QColor("#f4f4f4"),
    "param": QColor("#fff7e0"),
    "neuron": QColor("#ffffff"),
    "op": QColor("#f7f3ff"),
}
NODE_BORDER = QColor("#34495e")
SELECTED = QColor("#2e86de")

NEURON_RADIUS = 30.0
OP_SIZE = 52.0
SOURCE_SIZE = (64.0, 40.0)


# Presenting, a projector washes colours out: the same families, darker, the
# text's at a contrast of at least 8:1 on white (the forward red's was 5.4:1,
# the muted grey's 3.5:1), the rings' 4.8:1 (the orange's was 2.9:1).  Applied to the colours above in place, so whatever
# reads them afterwards draws in them (high_contrast).
HIGH_CONTRAST = {
    "FORWARD": "#96281b", "BACKWARD": "#145a32", "POSITIVE": "#1b3f75", "UPDATE": "#1b3f75",
    "TEST_COST": "#1b3f75", "NEGATIVE": "#5b2c6f", "READ": "#b9560b", "TEXT": "#000000",
    "MUTED": "#3d4646", "NODE_BORDER": "#17202a",
}
_OWN = {name: QColor(globals()[name]) for name in HIGH_CONTRAST}


def high_contrast(on: bool) -> None:
    """The colours as presenting draws them, or their own; items drawn
    before keep theirs until drawn anew."""
    for name, colour in HIGH_CONTRAST.items():
        globals()[name].setRgb((QColor(colour) if on else _OWN[name]).rgb())


def font(size: float = 10.0, bold: bool = False) -> QFont:
    f = QFont()
    f.setPointSizeF(size)
    f.setBold(bold)
    return f


# Each phase's colour: the explanation's titles and results, as the canvas's numbers.
PHASE_COLOR = {Phase.FORWARD: FORWARD, Phase.COST: FORWARD, Phase.BACKWARD: BACKWARD,
               Phase.UPDATE: UPDATE}


# --- the widget style -------------------------------------------------------------

class _FlatFusion(QProxyStyle):
    """Fusion, with scroll bars and tool bar panels drawn flat.

    Fusion paints those two with gradients that cost about 0.5 ms per scroll
    bar and 1.5 ms per window-wide tool bar, measured here with the raster
    engine; a micro-step repaints several of them, so they were half the
    whole window's paint.  Flat fills look as current and cost next to nothing.

    It is set on those widgets alone (:func:`flatten`), not on the
    application: a Python override is called for every control it could
    draw, and at ~20 µs a call the table cells alone would cost milliseconds.
    """

    def drawComplexControl(self, control, option, painter, widget=None):
        if control != QStyle.CC_ScrollBar:
            return super().drawComplexControl(control, option, painter, widget)
        palette = option.palette
        painter.fillRect(option.rect, palette.window().color().darker(104))
        pressed = bool(option.state & QStyle.State_Sunken) and \
            option.activeSubControls == QStyle.SC_ScrollBarSlider
        slider = self.subControlRect(control, option, QStyle.SC_ScrollBarSlider, widget)
        painter.fillRect(slider.adjusted(2, 2, -2, -2),
                         palette.dark().color() if pressed else palette.mid().color())
        vertical = option.orientation == Qt.Vertical
        for part, arrow in (
                (QStyle.SC_ScrollBarSubLine,
                 QStyle.PE_IndicatorArrowUp if vertical else QStyle.PE_IndicatorArrowLeft),
                (QStyle.SC_ScrollBarAddLine,
                 QStyle.PE_IndicatorArrowDown if vertical else QStyle.PE_IndicatorArrowRight)):
            arrow_option = QStyleOption(option)
            arrow_option.rect = self.subControlRect(control, option, part, widget)
            self.drawPrimitive(arrow, arrow_option, painter, widget)

    def drawControl(self, element, option, painter, widget=None):
        if element == QStyle.CE_ToolBar:
            painter.fillRect(option.rect, option.palette.window())
            return
        super().drawControl(element, option, painter, widget)


class _DockFusion(QProxyStyle):
    """Fusion for the docks' frames, with their title-bar icons made once.

    Fusion makes them anew from their image files each time it measures a
    title (twice a dock a paint): reading those PNGs was a fifth of the
    whole window's repaint.  Only this is overridden, so that the rest of a
    dock's drawing stays in C++ (a Python drawControl cost 20 µs a call).
    """

    TITLE_BAR_ICONS = (QStyle.SP_TitleBarNormalButton, QStyle.SP_TitleBarCloseButton,
                       QStyle.SP_TitleBarMaxButton, QStyle.SP_TitleBarMinButton)

    def __init__(self, base):
        super().__init__(base)
        self._icons = {}

    def standardIcon(self, which, option=None, widget=None):
        if which not in self.TITLE_BAR_ICONS:
            return super().standardIcon(which, option, widget)
        if which not in self._icons:
            self._icons[which] = super().standardIcon(which, option, widget)
        return self._icons[which]


_flat: _FlatFusion | None = None
_docked: _DockFusion | None = None


def flatten(root) -> None:
    """Draw the scroll bars and tool bars under ``root`` flat, and its docks
    with their title-bar icons made once, where the application runs Fusion
    (Linux by default); native styles are left alone."""
    global _flat, _docked
    app_style = QApplication.style()
    if app_style.name().lower() != "fusion":
        return
    if _flat is None:
        _flat = _FlatFusion(QStyleFactory.create("Fusion"))
        _docked = _DockFusion(QStyleFactory.create("Fusion"))
    for widget in (*root.findChildren(QScrollBar), *root.findChildren(QToolBar)):
        if widget.style() is not _flat:
            widget.setStyle(_flat)
    for dock in root.findChildren(QDockWidget):
        if dock.style() is not _docked:
            dock.setStyle(_docked)
