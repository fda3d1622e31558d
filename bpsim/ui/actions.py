"""The window's actions, menus and tool bars, and the widgets on them (the
speed, the history slider, the sample shown): one object that owns them.
Each action calls a part of the window (files, runner, editor, stepping);
its shortcut works wherever the focus is in the window."""
from __future__ import annotations

import html
from functools import partial

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence, QValidator
from PySide6.QtWidgets import QAbstractSpinBox, QCheckBox, QComboBox, QDialog, \
    QDialogButtonBox, QLabel, QMessageBox, QPushButton, QSlider, QSpinBox, QTextBrowser, \
    QToolBar, QVBoxLayout

from ..engine import ACTIVATIONS, GATES
from ..paths import lessons
from .canvas.items import EdgeItem, NodeItem
from .editing import NODE_KEYS
from .presentation import PRESENTED_PLOTS


class Actions(QObject):
    """``actions["next"]``: the QAction of that name."""

    def __init__(self, win):
        super().__init__(win)
        self.window = win
        self._actions: dict[str, QAction] = {}
        tr = self.tr
        a = self._add
        # File
        a("new", tr("&New"), win.files.new_network, QKeySequence.New)
        a("open", tr("&Open…"), win.files.open_dialog, QKeySequence.Open)
        a("save", tr("&Save"), win.files.save, QKeySequence.Save)
        a("save_as", tr("Save &As…"), win.files.save_as, QKeySequence.SaveAs)
        a("quit", tr("&Quit"), win.close, QKeySequence.Quit)
        # Edit
        undo = win.undo.stack.createUndoAction(win, tr("&Undo"))
        undo.setShortcuts([QKeySequence.Undo])
        redo = win.undo.stack.createRedoAction(win, tr("&Redo"))
        # Ctrl+Shift+Z, and the platform's own redo keys once each: on some
        # platforms the standard redo key is Ctrl+Shift+Z itself, and a key
        # bound twice is ambiguous to Qt and does nothing
        keys = [QKeySequence("Ctrl+Shift+Z"), *QKeySequence.keyBindings(QKeySequence.Redo)]
        redo.setShortcuts(list({k.toString(): k for k in keys if not k.isEmpty()}.values()))
        win.addAction(undo)
        win.addAction(redo)
        self._actions["undo"], self._actions["redo"] = undo, redo
        a("delete", tr("&Delete"), win.editor.delete_selection, [QKeySequence.Delete, "Backspace"])
        a("select_all", tr("Select &All"), self._select_all, QKeySequence.SelectAll)
        for kind, key in NODE_KEYS.items():
            a(f"add_{kind}", tr("Add {0}").format(kind), partial(win.editor.add_node, kind), key,
              tr("Add a {0} node ({1})").format(kind, key))
        a("build", tr("Build layered network…"), win.editor.build_dialog, "Ctrl+B")
        a("layout", tr("Automatic layout"), win.editor.lay_out, "Ctrl+L")
        # View
        a("fit", tr("Fit to view"), win.view.fit, "F")
        # a presentation clicker's blank-screen keys (typed into a field, they type)
        a("black", tr("Black screen"), lambda: win.blank.cover("black"), ["B", "."],
          tr("Cover the window in black; any key returns (B or .)"))
        a("white", tr("White screen"), lambda: win.blank.cover("white"), ["W", ","],
          tr("Cover the window in white; any key returns (W or ,)"))
        # F5 as PowerPoint starts a show; a clicker's show button sends F5 or
        # Shift+F5 and then Esc, or the same key again: each leaves it too
        a("present", tr("&Present"), win.presentation.toggle, ["F5", "Shift+F5"],
          tr("The canvas and the explanation alone, full screen, for the back row "
             "(F5; Esc leaves)"), checkable=True)
        a("leave_presentation", tr("Leave the presentation"), win.presentation.leave, "Esc")
        self._actions["leave_presentation"].setEnabled(False)   # Esc is the editors' otherwise
        win.presentation.changed.connect(self._presenting)
        a("full_screen", tr("Full screen"), self._full_screen, "F11", checkable=True)
        a("zoom_in", tr("Zoom in"), lambda: win.view.zoom_by(1.2), QKeySequence.ZoomIn)
        a("zoom_out", tr("Zoom out"), lambda: win.view.zoom_by(1 / 1.2), QKeySequence.ZoomOut)
        a("focus", tr("Focus on selected node"), win.editor.toggle_focus, "Ctrl+F",
          checkable=True)
        a("thumbnails", tr("Neuron thumbnails"),
          lambda: win.plots.show_thumbnails(self._actions["thumbnails"].isChecked()), "Ctrl+T",
          tr("Each neuron's output over the input plane, beside it (two inputs)"),
          checkable=True)
        a("fit_explanation", tr("Shrink the explanation to fit"),
          lambda: win.set_fit_explanation(self._actions["fit_explanation"].isChecked()), None,
          tr("A step's formulas drawn smaller, down to 70 %, until they fit their dock"),
          checkable=True)
        # Stepping: the keys a presentation clicker sends (PageDown, PageUp)
        # and the arrows, as PowerPoint takes them
        a("next", tr("Next micro-step"), partial(win.stepping.read_on, 1),
          ["Right", "PgDown", "Down"], tr("Compute the next node (→, ↓ or PageDown)"))
        a("prev", tr("Previous micro-step"), partial(win.stepping.read_on, -1),
          ["Left", "PgUp", "Up"], tr("Go back one micro-step (←, ↑ or PageUp)"))
        # a lecture's ways of showing, kept from one lecture to the next
        self._lecture = {"ask": win.stepping.set_ask, "spotlight": win.scene.set_spotlight}
        a("ask", tr("&Ask before revealing"), partial(self._lecture_toggled, "ask"), "A",
          tr("Each micro-step first shows its formula with ? for its numbers; the next "
             "click reveals them (A)"), checkable=True)
        a("spotlight", tr("&Spotlight"), partial(self._lecture_toggled, "spotlight"), "S",
          tr("Dim all but the node being computed, the values it reads and the lines "
             "between them (S)"), checkable=True)
        for name, apply in self._lecture.items():
            if win.settings.value(f"lecture/{name}", False, type=bool):
                self._actions[name].setChecked(True)
                apply(True)
        titles = win.plots.titles(tr)
        for k, name in enumerate(PRESENTED_PLOTS, 1):
            a(f"plot_{name}", titles[name], partial(win.presentation.show_plot, name), str(k),
              tr("Presenting, this plot large in the explanation's place ({0} again brings "
                 "the explanation back); otherwise its dock").format(k))
        a("start", tr("Start of the iteration"), partial(win.stepping.step, "start"), "Home",
          tr("Back to this iteration's start, before its first micro-step (Home)"))
        a("end", tr("End of the iteration"), partial(win.stepping.step, "end"), "End",
          tr("On to this iteration's end, its update taken (End)"))
        a("phase", tr("Finish phase"), partial(win.stepping.step, "phase"), "Ctrl+Right",
          tr("Finish the forward, cost, backward or update phase"))
        a("iteration", tr("Next iteration"), partial(win.stepping.step, "iteration"), ["Shift+Right", "Ctrl+Return"],
          tr("Finish this iteration, or take a whole new one"))
        a("epoch", tr("Next epoch"), partial(win.stepping.step, "epoch"), "Ctrl+E",
          tr("Iterate until the data's epoch changes"))
        a("run", tr("Run"), lambda: win.runner.toggle(), "Space", tr("Train continuously; Space to pause"),
          checkable=True)
        a("reset", tr("Reset"), partial(win.stepping.step, "reset"), "Ctrl+R",
          tr("Back to the network's own values, with a fresh history"))

        menu = win.menuBar().addMenu(tr("&File"))
        for name in ("new", "open"):
            menu.addAction(self._actions[name])
        self.recent_menu = menu.addMenu(tr("Open &Recent"))
        self.refill_recent()
        for name in ("save", "save_as"):
            menu.addAction(self._actions[name])
        exports = menu.addMenu(tr("&Export"))
        exports.addAction(tr("Canvas as PNG or SVG…"), win.editor.export_canvas)
        for name, dock in win.plots.docks.items():
            exports.addAction(tr("{0} as PNG or SVG…").format(dock.windowTitle()),
                              partial(win.plots.export_plot, name))
        exports.addSeparator()
        exports.addAction(tr("Loss history as CSV…"), lambda: win.editor.export_text("history"))
        exports.addAction(tr("Trace of this iteration as CSV…"), lambda: win.editor.export_text("trace"))
        exports.addAction(tr("Handout of this iteration (HTML)…"),
                          lambda: win.editor.export_text("handout"))
        exports.addSeparator()
        code = exports.addMenu(tr("&Code"))
        code.addAction(tr("NumPy script…"), lambda: win.editor.export_code("numpy"))
        code.addAction(tr("PyTorch script…"), lambda: win.editor.export_code("pytorch"))
        code.addAction(tr("Jupyter notebook…"), lambda: win.editor.export_code("notebook"))
        menu.addSeparator()
        menu.addAction(self._actions["quit"])

        # the notes' worked networks, in the order the course teaches them
        self.lessons_menu = win.menuBar().addMenu(tr("&Lessons"))
        for k, lesson in enumerate(lessons(), 1):
            self.lessons_menu.addAction(f"{k}. {lesson.title}", partial(self.open_lesson, lesson))

        menu = win.menuBar().addMenu(tr("&Edit"))
        for name in ("undo", "redo", None, "delete", "select_all", None, "add_input", "add_neuron",
                     "add_param", "add_const"):
            menu.addSeparator() if name is None else menu.addAction(self._actions[name])
        gates = menu.addMenu(tr("Add gate"))
        for gate in GATES:
            gates.addAction(f"{GATES[gate].label}  {gate}", partial(win.editor.add_node, "op", gate))
        self.activation_menu = menu.addMenu(tr("Activation of selected neurons"))
        for act in ACTIVATIONS:
            self.activation_menu.addAction(act, partial(win.editor.set_activation, act))
        menu.addSeparator()
        menu.addAction(self._actions["build"])
        menu.addAction(self._actions["layout"])

        menu = win.menuBar().addMenu(tr("&View"))
        for name in ("present", "full_screen", "ask", "spotlight", None, "fit", "zoom_in", "zoom_out", "focus",
                     "thumbnails", "fit_explanation", "black", "white"):
            if name is None:
                menu.addSeparator()
                continue
            menu.addAction(self._actions[name])
        plots = menu.addMenu(tr("Show &plot"))
        for name in PRESENTED_PLOTS:
            plots.addAction(self._actions[f"plot_{name}"])
        digits = menu.addMenu(tr("Digits shown"))
        for d in (2, 3, 4, 5, 6, 8):
            digits.addAction(str(d), partial(win.set_digits, d))
        menu.addSeparator()
        for dock in win.docks.values():
            menu.addAction(dock.toggleViewAction())
        menu.addSeparator()
        a("reset_layout", tr("&Reset layout"), win.arrangement.reset, None,
          tr("Every dock back where it was shipped, sized to the window"))
        menu.addAction(self._actions["reset_layout"])

        a("keep_run", tr("&Keep this run to compare"), self._keep_run, None,
          tr("Keep the run so far; Reset or change a setting, train again, and see both "
             "loss curves together (the Compare dock)"))
        menu = win.menuBar().addMenu(tr("&Step"))
        for name in ("prev", "next", "start", "end", "phase", "iteration", "epoch", None, "run",
                     "reset", "keep_run"):
            menu.addSeparator() if name is None else menu.addAction(self._actions[name])

        a("shortcuts", tr("&Keyboard and mouse"), lambda: show_shortcuts(win, self), QKeySequence.HelpContents,
          tr("Every key and gesture, from the actions themselves"))
        a("about", tr("&About bpsim"), lambda: show_about(win))
        menu = win.menuBar().addMenu(tr("&Help"))
        menu.addAction(self._actions["shortcuts"])
        menu.addAction(self._actions["about"])

        bar = QToolBar(tr("Steps"), win)
        bar.setObjectName("toolbar_steps")
        bar.setToolButtonStyle(Qt.ToolButtonTextOnly)
        win.addToolBar(bar)
        for name in ("prev", "next", "phase", "iteration", "epoch", "run", "reset"):
            bar.addAction(self._actions[name])
        bar.addSeparator()
        bar.addWidget(QLabel(tr(" speed ")))
        self.speed = SpeedBox()
        self.speed.setValue(int(win.settings.value("run/speed", 1)))
        # typed and Enter: the keys go back to the canvas (→ steps, Space runs)
        self.speed.lineEdit().returnPressed.connect(lambda: win.view.setFocus())
        self.speed.setToolTip(tr("Iterations per frame in Run mode (max: as many as fit)"))
        self.speed.valueChanged.connect(lambda v: win.settings.setValue("run/speed", v))
        bar.addWidget(self.speed)
        # where and on which sample: a bar of its own, that a narrow window puts
        # on a second row (Arrangement.wrap_tool_bars)
        bar = self.history_bar = QToolBar(tr("History"), win)
        bar.setObjectName("toolbar_history")
        win.addToolBar(bar)
        bar.addWidget(QLabel(tr(" history ")))
        self.history_slider = QSlider(Qt.Horizontal)
        self.history_slider.setMinimumWidth(120)
        self.history_slider.setToolTip(tr("Rewind to any earlier iteration"))
        self.history_slider.valueChanged.connect(win.stepping.rewind_to)
        bar.addWidget(self.history_slider)
        # iterations done, beside the status bar's "iteration n" (the one shown, from 1)
        self.history_label = QLabel("0/0")
        self.history_label.setToolTip(tr("Iterations done / in the history"))
        self.history_label.setFixedSize(    # fixed: a new number must not re-lay the window out
            self.history_label.fontMetrics().horizontalAdvance(tr("{0}/{1} done").format(
                9999999, 9999999)) + 6,
            self.history_label.sizeHint().height())
        bar.addWidget(self.history_label)
        bar.addSeparator()
        self.sample_combo = QComboBox()
        self.sample_combo.setToolTip(tr("Which sample of the batch the canvas shows"))
        self.sample_combo.currentIndexChanged.connect(win.stepping.set_sample)
        bar.addWidget(self.sample_combo)

        # The drawing tools stand in a column beside the canvas, a palette.
        edit_bar = QToolBar(tr("Edit"), win)
        edit_bar.setObjectName("toolbar_edit")
        edit_bar.setToolButtonStyle(Qt.ToolButtonTextOnly)
        win.addToolBar(Qt.LeftToolBarArea, edit_bar)
        short = {"add_input": tr("Input"), "add_neuron": tr("Neuron"), "add_param": tr("Param"),
                 "add_const": tr("Const"), "build": tr("Layers…"), "layout": tr("Layout"),
                 "fit": tr("Fit")}

        def tool(name):
            button = edit_bar.addAction(short[name])
            button.setToolTip(self._actions[name].toolTip() or self._actions[name].text())
            button.triggered.connect(self._actions[name].trigger)

        for name in ("add_input", "add_neuron"):
            tool(name)
        gate_button = edit_bar.addAction(tr("Gate"))
        gate_button.setToolTip(tr("Add a gate (+ by default; the arrow lists them all)"))
        gate_button.setMenu(gates)
        gate_button.triggered.connect(lambda: win.editor.add_node("op", "add"))
        for name in ("add_param", "add_const", "build", "layout", "fit"):
            tool(name)

    def _add(self, name, text, slot, shortcut=None, tip=None, checkable=False) -> QAction:
        action = QAction(text, self.window)
        if shortcut:
            action.setShortcuts([QKeySequence(s) for s in (
                shortcut if isinstance(shortcut, (list, tuple)) else [shortcut])])
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.setCheckable(checkable)
        action.triggered.connect(lambda checked=False: slot())
        self.window.addAction(action)   # shortcuts work wherever the focus is in the window
        self._actions[name] = action
        return action

    def _keep_run(self) -> None:
        self.window.show_compare()
        self.window.compare.keep_run()

    def _lecture_toggled(self, name: str) -> None:
        on = self._actions[name].isChecked()
        self.window.settings.setValue(f"lecture/{name}", on)
        self._lecture[name](on)

    def _presenting(self, on: bool) -> None:
        self._actions["present"].setChecked(on)
        self._actions["leave_presentation"].setEnabled(on)
        self._actions["full_screen"].setChecked(self.window.isFullScreen())

    def _full_screen(self) -> None:
        win = self.window
        if win.presentation.presenting:
            win.presentation.leave()
        elif win.isFullScreen():
            win.showNormal()
        else:
            win.showFullScreen()
        self._actions["full_screen"].setChecked(win.isFullScreen())

    def __getitem__(self, name: str) -> QAction:
        return self._actions[name]

    def __contains__(self, name: str) -> bool:
        return name in self._actions

    def get(self, name: str, default=None):
        return self._actions.get(name, default)

    def values(self):
        return self._actions.values()

    def show_running(self, running: bool) -> None:
        self._actions["run"].setText(self.tr("Pause") if running else self.tr("Run"))
        self._actions["run"].setChecked(running)

    def items(self):
        return self._actions.items()

    def _select_all(self) -> None:
        """Every node and edge, announced once: item by item, each step of
        the selection was announced, and the landscape took the moment two
        edges were selected for a choice of its parameters."""
        scene = self.window.scene
        scene.blockSignals(True)
        try:
            for item in scene.items():
                if isinstance(item, (NodeItem, EdgeItem)):
                    item.setSelected(True)
        finally:
            scene.blockSignals(False)
        scene.selectionChanged.emit()

    def open_lesson(self, lesson) -> None:
        """A lesson's network, at micro-step 0 with its notes, the
        explanation in the lesson's form (vectorized or node by node)."""
        files = self.window.files
        if files.maybe_save() and files.open_path(lesson.path):
            self.window.explanation.vectorized.setChecked(lesson.vectorized)

    def _open(self, path) -> None:
        files = self.window.files
        if files.maybe_save():
            files.open_path(path)

    def refill_recent(self) -> None:
        menu = self.recent_menu
        menu.clear()
        for path in self.window.files.recent_files():
            menu.addAction(path, partial(self._open, path))
        menu.setEnabled(bool(self.window.files.recent_files()))


def leave_keys_to_the_canvas(root) -> None:
    """Sliders, boxes, check boxes and buttons under ``root`` (the window)
    take the keys by Tab only, not by a click: clicked, they kept them, and
    the lesson's keys went to them — → rewound the history slider or changed
    η, Space toggled "log scale" or pressed "Check gradients" again, PageDown
    picked the next sample.  Fields to type into still take them when
    clicked; a number box whose arrows were clicked gives them back (its
    PageDown added 10 to the speed)."""
    for kind in (QSlider, QComboBox, QCheckBox, QPushButton):
        for widget in root.findChildren(kind):
            if widget.focusPolicy() & Qt.ClickFocus:
                widget.setFocusPolicy(Qt.TabFocus)
    arrows = root.findChild(_ArrowsLeaveTheKeys) or _ArrowsLeaveTheKeys(root)
    for box in (*root.findChildren(QAbstractSpinBox), *root.findChildren(QComboBox)):
        box.installEventFilter(arrows)      # once: Qt moves a filter installed again


class _ArrowsLeaveTheKeys(QObject):
    """A click on a number box's arrows (the box's own widget: a click in
    its text goes to its line edit) hands the keys back to the canvas; and
    a list box or number box takes the mouse wheel only once it has the
    focus: the wheel over the Training dock changed the activation and the
    loss of whatever box passed under the pointer."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window

    def eventFilter(self, box, event) -> bool:
        if event.type() == QEvent.MouseButtonRelease and isinstance(box, QAbstractSpinBox):
            self.window.view.setFocus()
        elif event.type() == QEvent.Wheel and not box.hasFocus():
            if box.parentWidget() is not None:      # the dock's scroll area scrolls instead
                QCoreApplication.sendEvent(box.parentWidget(), event)
            return True
        return False


class SpeedBox(QSpinBox):
    """Iterations a frame in Run mode: 1 to 1000, then max (value 0: as
    many as fit), the fastest, where the arrows reach it above 1000, and
    typed as "max"."""

    def __init__(self):
        super().__init__()
        self.setRange(0, 1000)
        self.setSpecialValueText(self.tr("max"))
        self.setSuffix(self.tr(" it/frame"))

    def _typed(self, text: str) -> str:
        return text.removesuffix(self.suffix()).strip().lower()

    def validate(self, text: str, pos: int):
        typed = self._typed(text)
        if typed and self.tr("max").startswith(typed):
            whole = typed == self.tr("max")
            return (QValidator.Acceptable if whole else QValidator.Intermediate), text, pos
        return super().validate(text, pos)

    def valueFromText(self, text: str) -> int:
        if self._typed(text) == self.tr("max"):
            return 0
        return super().valueFromText(text)

    def stepBy(self, steps: int) -> None:
        rank = self.maximum() + 1 if self.value() == 0 else self.value()
        rank = min(max(rank + steps, 1), self.maximum() + 1)
        self.setValue(0 if rank > self.maximum() else rank)

    def stepEnabled(self):
        up = QAbstractSpinBox.StepUpEnabled if self.value() != 0 else \
            QAbstractSpinBox.StepNone
        down = QAbstractSpinBox.StepDownEnabled if self.value() != 1 else \
            QAbstractSpinBox.StepNone
        return up | down


# What the canvas does with the mouse: gestures, not actions, so listed here.
GESTURES = (
    ("Drag from a node's port (the dot on its right), or Shift+drag", "connect two nodes"),
    ("Double-click a number", "type a weight, bias or value: 0.5, -3, 1/2, 2e-3"),
    ("Right-click the canvas", "add a node there, build a layered network, lay out"),
    ("Drag on empty canvas", "select with a rubber band"),
    ("Wheel; middle-drag", "zoom; pan"),
    ("Hover a node or an edge", "all its numbers"),
)


def shortcuts_html(win, actions) -> str:
    """Every action that has keys, with all of them (the menus show only the
    first: → but not PageDown, which a presentation clicker sends), then the
    mouse gestures.  Read from the actions, so it cannot go stale."""
    rows = []
    for action in actions.values():
        # once each: Redo's own key on Linux is Ctrl+Shift+Z, also set by hand
        keys = list(dict.fromkeys(k.toString(QKeySequence.NativeText) for k in action.shortcuts()))
        if keys:
            rows.append((action.text().replace("&", ""), ", ".join(keys)))
    cell = "style='padding:2px 14px 2px 0'"
    body = "".join(f"<tr><td {cell}>{html.escape(what)}</td><td><b>{html.escape(keys)}</b></td></tr>"
                   for what, keys in rows)
    mouse = "".join(f"<tr><td {cell}><b>{html.escape(g)}</b></td><td>{html.escape(w)}</td></tr>"
                    for g, w in GESTURES)
    keys_stay = html.escape(win.tr(
        "The keys stay with the canvas: a slider, a list box, a number box's arrows, a check "
        "box or a button clicked does not take them, and Enter after a number typed into a "
        "field gives them back. Tab "
        "reaches every control for the keyboard alone."))
    return (f"<h3>{win.tr('Keys')}</h3><table>{body}</table><p>{keys_stay}</p>"
            f"<h3>{win.tr('Mouse')}</h3><table>{mouse}</table>")


def show_shortcuts(win, actions) -> None:
    dialog = QDialog(win)
    dialog.setWindowTitle(win.tr("Keyboard and mouse"))
    text = QTextBrowser()
    text.setHtml(shortcuts_html(win, actions))
    buttons = QDialogButtonBox(QDialogButtonBox.Close)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(text)
    layout.addWidget(buttons)
    dialog.resize(620, 640)
    dialog.exec()


def about_text() -> str:
    from PySide6 import __version__ as pyside
    import numpy
    import pyqtgraph
    from .. import __version__
    return (f"<b>bpsim {__version__}</b> — a backpropagation simulator: build a small "
            f"network, step through its forward and backward pass node by node.<br><br>"
            f"PySide6 {pyside}, pyqtgraph {pyqtgraph.__version__}, NumPy {numpy.__version__}")


def show_about(win) -> None:
    QMessageBox.about(win, win.tr("About bpsim"), about_text())
