"""Presenting a lecture (F5, View ▸ Present): the window full screen on its
screen with the canvas and the explanation alone, both drawn for the back
row, and a slim line in the canvas's corner saying where the walk is.
Esc, Shift+F5 or F5 again give the window back as it was."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QDockWidget, QLabel, QToolBar, QWidget

from . import style
from .status import phase_text

LINES_ON_SCREEN = 28     # the least text is this fraction of the screen's height
EXPLANATION_SHARE = 0.36  # of a 4:3 screen's width, beside the canvas; of a wider one
WIDE_EXPLANATION_SHARE = 0.4   # (16:9), whose canvas has room to spare
PLOT_SHARE = 0.5         # of the screen's width: a plot shown in the explanation's place
PRESENTED_PLOTS = ("loss", "landscape", "tangent", "data")    # keys 1 to 4


class WalkLine(QLabel):
    """Where the walk is, in the canvas's bottom-left corner: "iteration 3
    · backward 9/12" (the status bar is hidden)."""

    def __init__(self, view):
        # the view's child, not its viewport's: the viewport's children are
        # scrolled with the scene, and fitting the network moved it away
        super().__init__(view)
        self.view = view
        self.setAttribute(Qt.WA_TransparentForMouseEvents)
        self.setStyleSheet("QLabel { color: #1c2833; background: rgba(255,255,255,220);"
                           " padding: 2px 8px; }")
        self.hide()

    def set_shown(self, shown: bool) -> None:
        # kept in its corner as the canvas or its scroll bars change size,
        # watching them only while shown: a filter sees each of their events
        for watched in (self.view, self.view.viewport()):
            if shown:
                watched.installEventFilter(self)
            else:
                watched.removeEventFilter(self)
        self.setVisible(shown)

    def say(self, text: str) -> None:
        if text != self.text():
            self.setText(text)
            self.adjustSize()
        self._place()

    def _place(self) -> None:
        room = self.view.viewport().geometry()
        self.move(room.left() + 6, room.bottom() - self.height() - 6)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Resize:
            self._place()
        return False


def grow_plot_text(plot, px: float | None) -> None:
    """A pyqtgraph plot's tick numbers, axis titles and legend at ``px``
    (the numbers a little smaller, as the canvas's are beside its names);
    None: back to their own sizes."""
    from pyqtgraph import LegendItem
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        if px is None:
            axis.setTickFont(None)
            axis.labelStyle.pop("font-size", None)
        else:
            font = plot.font()
            font.setPixelSize(round(0.8 * px))
            axis.setTickFont(font)
            axis.labelStyle["font-size"] = f"{round(px)}px"
        # the title written again in its new size (set_titles keeps the style)
        axis.setLabel(axis.labelText or None, axis.labelUnits or None, **axis.labelStyle)
    size = "9pt" if px is None else f"{round(0.8 * px)}px"      # 9pt: pyqtgraph's own
    for item in plot.scene().items():
        if isinstance(item, LegendItem):
            item.setLabelTextSize(size)
            for _, label in item.items:     # written again: the size applies at the next text
                label.setText(label.text, size=size)
            item.updateSize()


def walk_text(tr, workspace) -> str:
    """"iteration 3 · backward 9/12", as the status bar says it."""
    st = workspace.stepper if workspace is not None else None
    if st is None:
        return tr("incomplete network") if workspace and workspace.document.nodes \
            else tr("empty canvas")
    return tr("iteration {0}").format(st.iteration) + " · " + phase_text(tr, st)


class Presentation(QObject):
    """Enters and leaves presentation for ``window`` (its ``view``, its
    ``explanation`` panel and dock, its tool bars and docks)."""

    changed = Signal(bool)     # presenting or not

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.line = WalkLine(window.view)
        self._kept: dict | None = None      # what leaving restores
        self._refit_due = False
        self.plot: str | None = None         # the plot shown in the explanation's place
        self._plot_looks: dict = {}          # what showing a plot changed, to restore

    @property
    def presenting(self) -> bool:
        return self._kept is not None

    def toggle(self) -> None:
        self.leave() if self.presenting else self.enter()

    def text_px(self) -> float:
        """The least text height, in pixels: a 28th of the screen's height."""
        screen = self.window.screen()
        return screen.geometry().height() / LINES_ON_SCREEN

    def enter(self) -> None:
        if self.presenting:
            return
        win = self.window
        win.runner.stop()
        docks = win.findChildren(QDockWidget)
        explanation = win.docks["explanation"]
        self._kept = {
            "state": win.saveState(),
            "window_state": win.windowState(),
            "geometry": win.saveGeometry(),
            "menu": win.menuBar().isVisible(),
            "status": win.statusBar().isVisible(),
            "title_bar": explanation.titleBarWidget(),
        }
        win.menuBar().hide()
        win.statusBar().hide()
        for bar in win.findChildren(QToolBar):
            bar.hide()
        for dock in docks:
            if dock is not explanation:
                dock.hide()
        explanation.setFloating(False)
        explanation.show()
        explanation.setTitleBarWidget(QWidget())    # no title bar, nothing to drag
        style.high_contrast(True)
        win.scene.redraw()
        px = self.text_px()
        win.explanation.present(px)
        win.showFullScreen()
        self._share(explanation, self._explanation_share())
        font = self.line.font()
        font.setPixelSize(round(0.75 * px))     # a corner's aside, smaller than the lesson
        self.line.setFont(font)
        self.line.set_shown(True)
        win.view.present(px)
        win.refresh()              # the numbers the grown canvas has room for; the line
        win.view.setFocus()
        self.changed.emit(True)

    def leave(self) -> None:
        if not self.presenting:
            return
        win = self.window
        self._hide_plot()
        kept, self._kept = self._kept, None
        self.line.set_shown(False)
        explanation = win.docks["explanation"]
        explanation.setTitleBarWidget(kept["title_bar"])
        style.high_contrast(False)
        win.scene.redraw()
        win.explanation.present(None)
        win.menuBar().setVisible(kept["menu"])
        win.statusBar().setVisible(kept["status"])
        win.setWindowState(kept["window_state"])
        if not kept["window_state"] & (Qt.WindowFullScreen | Qt.WindowMaximized):
            win.restoreGeometry(kept["geometry"])
        win.restoreState(kept["state"])
        win.view.present(None)
        win.refresh()
        win.view.setFocus()
        self.changed.emit(False)

    def show_plot(self, name: str) -> None:
        """Presenting: the plot ``name`` large in the explanation's place,
        its text grown like the rest; the same key again brings the
        explanation back.  Otherwise: its dock shown and raised."""
        win = self.window
        win.plots.build()
        dock = win.plots.docks[name]
        if not self.presenting:
            dock.show()
            dock.raise_()
            return
        showing = self.plot
        self._hide_plot()
        explanation = win.docks["explanation"]
        if showing == name:
            explanation.show()
            self._share(explanation, self._explanation_share())
            return
        explanation.hide()
        self.plot = name
        self._plot_looks = {"title_bar": dock.titleBarWidget(),
                            "sheet": dock.styleSheet()}
        # out of its tab group, into the explanation's side, alone
        win.addDockWidget(Qt.RightDockWidgetArea, dock)
        dock.setFloating(False)
        dock.setTitleBarWidget(QWidget())
        px = self.text_px()
        # its controls and status line at the lesson's size (the sheet
        # cascades to them; restored as it was on hiding)
        dock.setStyleSheet(dock.styleSheet() + f"QLabel, QComboBox, QCheckBox, QPushButton, "
                           f"QAbstractSpinBox {{ font-size: {round(0.8 * px)}px; }}")
        grow_plot_text(win.plots.widgets[name].plot, px)
        dock.show()
        self._share(dock, PLOT_SHARE)
        win.view.setFocus()        # the clicker's keys go on stepping

    def _hide_plot(self) -> None:
        if self.plot is None:
            return
        win = self.window
        dock = win.plots.docks[self.plot]
        dock.hide()
        dock.setTitleBarWidget(self._plot_looks["title_bar"])
        dock.setStyleSheet(self._plot_looks["sheet"])
        grow_plot_text(win.plots.widgets[self.plot].plot, None)
        self.plot, self._plot_looks = None, {}

    def _explanation_share(self) -> float:
        screen = self.window.screen().geometry()
        return WIDE_EXPLANATION_SHARE if screen.width() > 1.5 * screen.height() \
            else EXPLANATION_SHARE

    def _share(self, dock, share: float) -> None:
        self.window.resizeDocks([dock], [int(share * self.window.screen().geometry().width())],
                                Qt.Horizontal)

    def show_walk(self) -> None:
        """The corner line, as the walk now is (the window's refresh calls it)."""
        if self.presenting:
            self.line.say(walk_text(self.tr, self.window.workspace))

    def on_change(self, change) -> None:
        """A change the document announced: presenting, a structural one
        fits the network to its area again, once its burst is over (a value
        typed leaves the view as the lecturer has it)."""
        if self.presenting and change.structural and not self._refit_due:
            self._refit_due = True
            QTimer.singleShot(0, self, self._refit)

    def _refit(self) -> None:
        self._refit_due = False
        if self.presenting:
            self.window.view.fit()
