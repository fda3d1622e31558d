"""Where the window's docks and tool bars go: as shipped, as the user left
them (restored from the settings), or back as shipped (View ▸ Reset
layout); and the window's first size and place on its screen."""
from __future__ import annotations

from PySide6.QtCore import QByteArray, QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

FRAME_ALLOWANCE = (16, 48)     # px a window frame takes, reckoned before there is one
TOOL_BARS_ON_ONE_ROW = 1250  # px of window the steps and the history bar need side by side


class Arrangement(QObject):
    """The docks of ``window`` (``docks``, by name) and their places.  The
    plots' docks are the plots' own; they are placed here too."""

    def __init__(self, window: QMainWindow, settings, panels: dict):
        """``panels``: name → (title, widget, area) of the window's own docks."""
        super().__init__(window)
        self.window, self.settings = window, settings
        self.docks: dict[str, QDockWidget] = {}
        for name, (title, widget, area) in panels.items():
            dock = QDockWidget(title, window)
            dock.setObjectName(f"dock_{name}")
            dock.setWidget(widget)
            window.addDockWidget(area, dock)
            self.docks[name] = dock
        # The canvas gets the room; on the right, from top to bottom, the
        # explanation, and under it the training settings and the inspector as
        # tabs; the plots under the canvas.  On a 768 px high projector a right
        # column stopping above the plots left the formulas two lines.
        window.setCorner(Qt.BottomRightCorner, Qt.RightDockWidgetArea)
        window.splitDockWidget(self.docks["explanation"], self.docks["training"], Qt.Vertical)
        window.tabifyDockWidget(self.docks["training"], self.docks["inspector"])
        window.tabifyDockWidget(self.docks["inspector"], self.docks["exercise"])
        self.docks["training"].raise_()
        self.plot_docks: dict[str, QDockWidget] = {}
        self.history_bar = None         # the tool bar that wraps to a row of its own
        self._shipped_state: QByteArray | None = None
        self._layout_to_size = False

    def add_dock(self, name: str, title: str, widget, area) -> QDockWidget:
        """A dock made when first wanted (compared runs): one there from the
        start, even hidden, widened the window's least size."""
        dock = QDockWidget(title, self.window)
        dock.setObjectName(f"dock_{name}")
        dock.setWidget(widget)
        self.window.addDockWidget(area, dock)
        self.docks[name] = dock
        return dock

    def add_plots(self, titles: dict[str, str]) -> dict[str, QDockWidget]:
        """A dock for each plot (``titles``: name → title), under the canvas:
        the loss curve beside the landscape, the parameters' table behind the
        loss curve, the other plots behind the landscape."""
        window = self.window
        for name, title in titles.items():
            dock = QDockWidget(title, window)
            dock.setObjectName(f"dock_plot_{name}")
            dock.setWidget(QWidget())           # the plot comes once the window has painted
            window.addDockWidget(Qt.BottomDockWidgetArea, dock)
            self.plot_docks[name] = dock
            self.docks[f"plot_{name}"] = dock
        plots = self.plot_docks
        window.splitDockWidget(plots["loss"], plots["landscape"], Qt.Horizontal)
        window.tabifyDockWidget(plots["loss"], self.docks["params"])
        window.tabifyDockWidget(self.docks["params"], self.docks["table"])
        for name in ("tangent", "data", "gradients"):
            window.tabifyDockWidget(plots["landscape"], plots[name])
        plots["loss"].raise_()
        plots["landscape"].raise_()
        return plots

    def restore(self, history_bar) -> None:
        """Once every dock and tool bar is made: keep the layout as shipped
        (for Reset layout), then put back the user's."""
        self.history_bar = history_bar
        window = self.window
        self._shipped_state = window.saveState()
        geometry = self.settings.value("window/geometry")
        if not (isinstance(geometry, QByteArray) and window.restoreGeometry(geometry)):
            self.default_geometry()
        state = self.settings.value("window/state")
        self._layout_to_size = not (isinstance(state, QByteArray) and window.restoreState(state))

    def save(self) -> None:
        self.settings.setValue("window/geometry", self.window.saveGeometry())
        self.settings.setValue("window/state", self.window.saveState())

    def default_geometry(self) -> None:
        """The screen's available area: a larger window shows a 1024x768
        projector its top-left part and no explanation, and a smaller one
        cramps the formulas beside room to spare.  The frame is not known before the window is shown (and
        resizing it then moves the docks the user may already be sizing):
        a title bar and borders are reckoned at 48 and 16 px."""
        window = self.window
        screen = window.screen() or QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        mx, my = FRAME_ALLOWANCE
        w, h = area.width() - mx, area.height() - my
        window.resize(w, h)
        window.move(area.x() + (area.width() - w - mx) // 2,
                    area.y() + (area.height() - h - my) // 2)

    def shown(self) -> None:
        """The window is shown: a layout as shipped is sized to it."""
        if self._layout_to_size:
            self._layout_to_size = False
            self.size_docks()

    def resized(self) -> None:
        if self.window.isVisible():
            self.wrap_tool_bars()

    def reset(self) -> None:
        """The docks and tool bars as shipped, sized to the window (a layout
        squashed by hand had no way back)."""
        window = self.window
        window.restoreState(self._shipped_state)
        for dock in self.docks.values():
            dock.setFloating(False)
            dock.show()
        self.docks["training"].raise_()
        for name in ("loss", "landscape"):
            self.plot_docks[name].raise_()
        self.size_docks()
        self.settings.setValue("window/state", window.saveState())

    def size_docks(self) -> None:
        """The docks' first sizes, in proportion to the window: sizes fixed
        in px fit one screen; a 1024×768 projector then had two lines of
        formula."""
        window = self.window
        w, h = window.width(), window.height()
        self.wrap_tool_bars()
        column = [self.docks["explanation"]]
        right = int(min(max(0.34 * w, 340), 600))
        window.resizeDocks(column, [right], Qt.Horizontal)
        window.resizeDocks(column + [self.docks["training"]], [int(0.55 * h), int(0.45 * h)],
                           Qt.Vertical)
        plots = self.plot_docks
        window.resizeDocks([plots["loss"]], [int(min(max(0.32 * h, 200), 340))], Qt.Vertical)
        under = w - right - 70          # under the canvas, beside the drawing tools
        window.resizeDocks([plots["loss"], plots["landscape"]],
                           [int(0.45 * under), int(0.55 * under)], Qt.Horizontal)

    def wrap_tool_bars(self) -> None:
        """The history and sample bar on a row of its own in a narrow window,
        beside the steps in a wide one: squeezed into one row, the slider
        and the sample selector went behind the bar's » menu."""
        window, bar = self.window, self.history_bar
        if bar is None or window.toolBarArea(bar) != Qt.TopToolBarArea:
            return                      # moved by the user: theirs to place
        wanted = window.width() < TOOL_BARS_ON_ONE_ROW
        if wanted != window.toolBarBreak(bar):
            if wanted:
                window.insertToolBarBreak(bar)
            else:
                window.removeToolBarBreak(bar)


def refresh_when_raised(dock: QDockWidget, refresh) -> None:
    """Raised from behind a tab, ``refresh`` the dock's view (after the raise)."""
    dock.visibilityChanged.connect(lambda visible: visible and QTimer.singleShot(0, refresh))
