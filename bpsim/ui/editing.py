"""The main window's actions, menus and toolbar, and the canvas gestures that
become edits: add, connect, delete, change activation, build, lay out."""
from __future__ import annotations

import html
from functools import partial

from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractSpinBox, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, \
    QLabel, QLineEdit, QMenu, QMessageBox, QPushButton, QSlider, QSpinBox, QTextBrowser, \
    QToolBar, QVBoxLayout

from ..document.building import auto_layout, layered_network, parse_layers
from ..document.edits import AddEdge, AddNode, Compound, MoveNodes, RemoveElements, \
    SetNodeField, SetSection, fresh_id
from ..document.model import Edge, Node
from ..engine import ACTIVATIONS, GATES
from ..errors import BpsimError
from ..paths import examples, is_example
from .canvas.items import EdgeItem, NodeItem
from .style import FORWARD, GATE_SYMBOL

NODE_KEYS = {"input": "I", "neuron": "N", "param": "P", "const": "C"}


def _action(win, name, text, slot, shortcut=None, tip=None, checkable=False) -> QAction:
    action = QAction(text, win)
    if shortcut:
        action.setShortcuts([QKeySequence(s) for s in (
            shortcut if isinstance(shortcut, (list, tuple)) else [shortcut])])
    if tip:
        action.setToolTip(tip)
        action.setStatusTip(tip)
    action.setCheckable(checkable)
    action.triggered.connect(lambda checked=False: slot())
    win.addAction(action)   # shortcuts work wherever the focus is in the window
    win.actions[name] = action
    return action


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
    for box in root.findChildren(QAbstractSpinBox):
        box.installEventFilter(arrows)      # once: Qt moves a filter installed again


class _ArrowsLeaveTheKeys(QObject):
    """A click on a number box's arrows (the box's own widget: a click in
    its text goes to its line edit) hands the keys back to the canvas."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window

    def eventFilter(self, box, event) -> bool:
        if event.type() == QEvent.MouseButtonRelease:
            self.window.view.setFocus()
        return False


def build_actions(win) -> None:
    win.actions = {}
    tr = win.tr
    a = partial(_action, win)
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
    redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence.Redo])
    win.addAction(undo)
    win.addAction(redo)
    win.actions["undo"], win.actions["redo"] = undo, redo
    a("delete", tr("&Delete"), lambda: delete_selection(win), [QKeySequence.Delete, "Backspace"])
    a("select_all", tr("Select &All"), lambda: [i.setSelected(True) for i in win.scene.items()
                                              if isinstance(i, (NodeItem, EdgeItem))],
      QKeySequence.SelectAll)
    for kind, key in NODE_KEYS.items():
        a(f"add_{kind}", tr("Add {0}").format(kind), partial(add_node, win, kind), key,
          tr("Add a {0} node ({1})").format(kind, key))
    a("build", tr("Build layered network…"), lambda: build_dialog(win), "Ctrl+B")
    a("layout", tr("Automatic layout"), lambda: lay_out(win), "Ctrl+L")
    # View
    a("fit", tr("Fit to view"), win.view.fit, "F")
    a("zoom_in", tr("Zoom in"), lambda: win.view.zoom_by(1.2), QKeySequence.ZoomIn)
    a("zoom_out", tr("Zoom out"), lambda: win.view.zoom_by(1 / 1.2), QKeySequence.ZoomOut)
    a("focus", tr("Focus on selected node"), lambda: toggle_focus(win), "Ctrl+F",
      checkable=True)
    a("thumbnails", tr("Neuron thumbnails"), lambda: win.plots.refresh_thumbnails(), "Ctrl+T",
      tr("Each neuron's output over the input plane, beside it (two inputs)"),
      checkable=True)
    a("fit_explanation", tr("Shrink the explanation to fit"),
      lambda: win.set_fit_explanation(win.actions["fit_explanation"].isChecked()), None,
      tr("A step's formulas drawn smaller, down to 70 %, until they fit their dock"),
      checkable=True)
    # Stepping: arrows and PageDown/PageUp, so a presentation clicker drives it
    a("next", tr("Next micro-step"), partial(win.step, "forward"), ["Right", "PgDown"],
      tr("Compute the next node (→ or PageDown)"))
    a("prev", tr("Previous micro-step"), partial(win.step, "back"), ["Left", "PgUp"],
      tr("Go back one micro-step (← or PageUp)"))
    a("phase", tr("Finish phase"), partial(win.step, "phase"), ["Ctrl+Right", "Down"],
      tr("Finish the forward, cost, backward or update phase"))
    a("iteration", tr("Next iteration"), partial(win.step, "iteration"), ["Shift+Right", "Ctrl+Return"],
      tr("Finish this iteration, or take a whole new one"))
    a("epoch", tr("Next epoch"), partial(win.step, "epoch"), "Ctrl+E",
      tr("Iterate until the data's epoch changes"))
    a("run", tr("Run"), lambda: win.runner.toggle(), "Space", tr("Train continuously; Space to pause"),
      checkable=True)
    a("reset", tr("Reset"), partial(win.step, "reset"), "Ctrl+R",
      tr("Back to the network's own values, with a fresh history"))

    menu = win.menuBar().addMenu(tr("&File"))
    for name in ("new", "open"):
        menu.addAction(win.actions[name])
    win.examples_menu = menu.addMenu(tr("Open &Example"))
    for path in examples():
        win.examples_menu.addAction(example_title(path), partial(open_example_path, win, path))
    win.recent_menu = menu.addMenu(tr("Open &Recent"))
    fill_recent_menu(win)
    for name in ("save", "save_as"):
        menu.addAction(win.actions[name])
    exports = menu.addMenu(tr("&Export"))
    exports.addAction(tr("Canvas as PNG or SVG…"), lambda: export_canvas(win))
    for name, dock in win.plots.docks.items():
        exports.addAction(tr("{0} as PNG or SVG…").format(dock.windowTitle()),
                          partial(win.plots.export_plot, name))
    exports.addSeparator()
    exports.addAction(tr("Loss history as CSV…"), lambda: export_text(win, "history"))
    exports.addAction(tr("Trace of this iteration as CSV…"), lambda: export_text(win, "trace"))
    menu.addSeparator()
    menu.addAction(win.actions["quit"])

    menu = win.menuBar().addMenu(tr("&Edit"))
    for name in ("undo", "redo", None, "delete", "select_all", None, "add_input", "add_neuron",
                 "add_param", "add_const"):
        menu.addSeparator() if name is None else menu.addAction(win.actions[name])
    gates = menu.addMenu(tr("Add gate"))
    for gate in GATES:
        gates.addAction(f"{GATE_SYMBOL[gate]}  {gate}", partial(add_node, win, "op", gate))
    win.activation_menu = menu.addMenu(tr("Activation of selected neurons"))
    for act in ACTIVATIONS:
        win.activation_menu.addAction(act, partial(set_activation, win, act))
    menu.addSeparator()
    menu.addAction(win.actions["build"])
    menu.addAction(win.actions["layout"])

    menu = win.menuBar().addMenu(tr("&View"))
    for name in ("fit", "zoom_in", "zoom_out", "focus", "thumbnails", "fit_explanation"):
        menu.addAction(win.actions[name])
    digits = menu.addMenu(tr("Digits shown"))
    for d in (2, 3, 4, 5, 6, 8):
        digits.addAction(str(d), partial(win.set_digits, d))
    menu.addSeparator()
    for dock in win.docks.values():
        menu.addAction(dock.toggleViewAction())
    menu.addSeparator()
    a("reset_layout", tr("&Reset layout"), win.reset_layout, None,
      tr("Every dock back where it was shipped, sized to the window"))
    menu.addAction(win.actions["reset_layout"])

    menu = win.menuBar().addMenu(tr("&Step"))
    for name in ("prev", "next", "phase", "iteration", "epoch", None, "run", "reset"):
        menu.addSeparator() if name is None else menu.addAction(win.actions[name])

    a("shortcuts", tr("&Keyboard and mouse"), lambda: show_shortcuts(win), QKeySequence.HelpContents,
      tr("Every key and gesture, from the actions themselves"))
    a("about", tr("&About bpsim"), lambda: show_about(win))
    menu = win.menuBar().addMenu(tr("&Help"))
    menu.addAction(win.actions["shortcuts"])
    menu.addAction(win.actions["about"])

    bar = QToolBar(tr("Steps"), win)
    bar.setObjectName("toolbar_steps")
    bar.setToolButtonStyle(Qt.ToolButtonTextOnly)
    win.addToolBar(bar)
    for name in ("prev", "next", "phase", "iteration", "epoch", "run", "reset"):
        bar.addAction(win.actions[name])
    bar.addSeparator()
    bar.addWidget(QLabel(tr(" speed ")))
    win.speed = QSpinBox()
    win.speed.setRange(0, 1000)
    win.speed.setValue(int(win.settings.value("run/speed", 1)))
    win.speed.setSpecialValueText(tr("max"))
    win.speed.setSuffix(tr(" it/frame"))
    # typed and Enter: the keys go back to the canvas (→ steps, Space runs)
    win.speed.lineEdit().returnPressed.connect(lambda: win.view.setFocus())
    win.speed.setToolTip(tr("Iterations per frame in Run mode (max: as many as fit)"))
    win.speed.valueChanged.connect(lambda v: win.settings.setValue("run/speed", v))
    bar.addWidget(win.speed)
    # where and on which sample: a bar of its own, that a narrow window puts
    # on a second row (MainWindow.size_docks)
    bar = win.history_bar = QToolBar(tr("History"), win)
    bar.setObjectName("toolbar_history")
    win.addToolBar(bar)
    bar.addWidget(QLabel(tr(" history ")))
    win.history_slider = QSlider(Qt.Horizontal)
    win.history_slider.setMinimumWidth(120)
    win.history_slider.setToolTip(tr("Rewind to any earlier iteration"))
    win.history_slider.valueChanged.connect(win.rewind_to)
    bar.addWidget(win.history_slider)
    # iterations done, beside the status bar's "iteration n" (the one shown, from 1)
    win.history_label = QLabel("0/0")
    win.history_label.setToolTip(tr("Iterations done / in the history"))
    win.history_label.setFixedSize(    # fixed: a new number must not re-lay the window out
        win.history_label.fontMetrics().horizontalAdvance(tr("{0}/{1} done").format(
            9999999, 9999999)) + 6,
        win.history_label.sizeHint().height())
    bar.addWidget(win.history_label)
    bar.addSeparator()
    win.sample_combo = QComboBox()
    win.sample_combo.setToolTip(tr("Which sample of the batch the canvas shows"))
    win.sample_combo.currentIndexChanged.connect(win.set_sample)
    bar.addWidget(win.sample_combo)

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
        button.setToolTip(win.actions[name].toolTip() or win.actions[name].text())
        button.triggered.connect(win.actions[name].trigger)

    for name in ("add_input", "add_neuron"):
        tool(name)
    gate_button = edit_bar.addAction(tr("Gate"))
    gate_button.setToolTip(tr("Add a gate (+ by default; the arrow lists them all)"))
    gate_button.setMenu(gates)
    gate_button.triggered.connect(lambda: add_node(win, "op", "add"))
    for name in ("add_param", "add_const", "build", "layout", "fit"):
        tool(name)


def example_title(path) -> str:
    """An example's title, for the menu (its file name if it has none)."""
    import json
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("title") or path.name
    except (OSError, ValueError):
        return path.name


def open_example_path(win, path) -> None:
    if win.files.maybe_save():
        win.files.open_path(path)


def fill_recent_menu(win) -> None:
    menu = win.recent_menu
    menu.clear()
    for path in win.files.recent_files():
        menu.addAction(path, partial(open_example_path, win, path))
    menu.setEnabled(bool(win.files.recent_files()))


# --- gestures → edits --------------------------------------------------------------

def _free_spot(win) -> tuple[float, float]:
    """The clear place nearest the middle of the view: no node within 70 px
    and no edge within 45 px.  Dropped onto an edge's line, a new gate looked
    wired into it."""
    centre = win.view.mapToScene(win.view.viewport().rect().center())
    cx, cy = round(centre.x() / 20) * 20, round(centre.y() / 20) * 20
    taken = [(i.pos().x(), i.pos().y()) for i in win.scene.nodes.values()]
    lines = [e.line for e in win.scene.edges.values()]

    def clear(x: float, y: float) -> bool:
        if any(abs(px - x) < 70 and abs(py - y) < 70 for px, py in taken):
            return False
        point = QPointF(x, y)
        return all(_distance(point, line) >= 45 for line in lines)

    spots = sorted(((cx + 40 * i, cy + 40 * j) for i in range(-10, 11) for j in range(-10, 11)),
                   key=lambda p: (p[0] - cx) ** 2 + (p[1] - cy) ** 2)
    for x, y in spots:
        if clear(x, y):
            return (float(x), float(y))
    y = cy                       # crowded all round: below what is there
    while any(abs(px - cx) < 70 and abs(py - y) < 70 for px, py in taken):
        y += 90
    return (float(cx), float(y))


def _distance(point: QPointF, line) -> float:
    """From a point to a segment (QLineF)."""
    d = line.p2() - line.p1()
    length2 = d.x() ** 2 + d.y() ** 2
    if length2 == 0:
        v = point - line.p1()
        return (v.x() ** 2 + v.y() ** 2) ** 0.5
    t = max(0.0, min(1.0, ((point - line.p1()).x() * d.x() + (point - line.p1()).y() * d.y())
                     / length2))
    v = point - (line.p1() + d * t)
    return (v.x() ** 2 + v.y() ** 2) ** 0.5


def add_node(win, kind: str, op: str | None = None, at: QPointF | None = None) -> str | None:
    doc = win.workspace.document
    prefix = {"input": "x", "neuron": "h", "param": "w", "const": "c", "op": op or "op"}[kind]
    nid = fresh_id(doc, prefix)
    pos = (at.x(), at.y()) if at is not None else _free_spot(win)
    node = Node(nid, kind, pos=pos)
    if kind == "neuron":
        node.activation = "sigmoid"
        node.bias = 0.0
    elif kind == "param":
        node.value = 0.0
    elif kind == "const":
        node.value = 1.0
    elif kind == "op":
        node.op = op
        if GATES[op].needs_value:
            node.value = 1.0
    edits = [AddNode(node)]
    if not doc.outputs and kind in ("neuron", "op"):
        edits.append(SetSection("outputs", [nid]))   # the first computing node is the output
    if win.push(edits[0] if len(edits) == 1 else Compound(edits, edits[0].text)):
        win.scene.clearSelection()
        win.scene.nodes[nid].setSelected(True)
        return nid
    return None


def connect(win, src: str, dst: str) -> None:
    doc = win.workspace.document
    target = doc.node(dst)
    weight = 0.5 if target.kind == "neuron" else None
    edit = AddEdge(Edge(src, dst, weight))
    if doc.outputs == [src] and doc.data is None:
        # Drawing a chain left to right: the output moves on to its end.
        edit = Compound([edit, SetSection("outputs", [dst])], edit.text)
    if win.push(edit):
        win.statusBar().showMessage(win.tr("Connected {0} → {1}").format(src, dst), 4000)


def delete_selection(win) -> None:
    nodes, edges = win.scene.selected_ids()
    if nodes or edges:
        win.push(RemoveElements(nodes, edges))


def activation_targets(win) -> tuple[list[str], bool]:
    """The neurons an activation change is for, and whether they are the
    selection: the selected neurons, else every hidden one (the outputs keep
    theirs)."""
    doc = win.workspace.document
    nodes, _ = win.scene.selected_ids()
    targets = [n for n in nodes if doc.node(n).kind == "neuron"]
    if targets:
        return targets, True
    return [n.id for n in doc.nodes if n.kind == "neuron" and n.id not in doc.outputs], False


def set_activation(win, activation: str) -> None:
    doc = win.workspace.document
    targets, _ = activation_targets(win)
    edits = [SetNodeField(n, "activation", activation) for n in targets
             if (doc.node(n).activation or "identity") != activation]
    if edits:
        win.push(Compound(edits, win.tr("set activation {0}").format(activation)))


def toggle_focus(win) -> None:
    nodes, _ = win.scene.selected_ids()
    on = win.actions["focus"].isChecked() and bool(nodes)
    win.actions["focus"].setChecked(on)
    win.scene.set_focus_node(nodes[0] if on else None)


def lay_out(win) -> None:
    doc = win.workspace.document
    pos = auto_layout(doc)
    moves = {n.id: (n.pos, pos[n.id]) for n in doc.nodes if n.pos != pos[n.id]}
    if moves:
        win.push(MoveNodes(moves))
        win.view.fit()


# What the canvas does with the mouse: gestures, not actions, so listed here.
GESTURES = (
    ("Drag from a node's port (the dot on its right), or Shift+drag", "connect two nodes"),
    ("Double-click a number", "type a weight, bias or value: 0.5, -3, 1/2, 2e-3"),
    ("Right-click the canvas", "add a node there, build a layered network, lay out"),
    ("Drag on empty canvas", "select with a rubber band"),
    ("Wheel; middle-drag", "zoom; pan"),
    ("Hover a node or an edge", "all its numbers"),
)


def shortcuts_html(win) -> str:
    """Every action that has keys, with all of them (the menus show only the
    first: → but not PageDown, which a presentation clicker sends), then the
    mouse gestures.  Read from the actions, so it cannot go stale."""
    rows = []
    for action in win.actions.values():
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


def show_shortcuts(win) -> None:
    dialog = QDialog(win)
    dialog.setWindowTitle(win.tr("Keyboard and mouse"))
    text = QTextBrowser()
    text.setHtml(shortcuts_html(win))
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


def build_dialog(win) -> None:
    dialog = QDialog(win)
    dialog.setWindowTitle(win.tr("Build a layered network"))
    form = QFormLayout(dialog)
    layers = QLineEdit("2-3-1")
    layers.setToolTip(win.tr("Layer sizes from inputs to outputs, e.g. 2-4-4-1"))
    hint = QLabel(win.tr("Sizes from inputs to outputs, e.g. 2-4-4-1"))
    hint.setStyleSheet("color: #555")
    hidden, output = QComboBox(), QComboBox()
    for combo, default in ((hidden, "sigmoid"), (output, "sigmoid")):
        combo.addItems(list(ACTIVATIONS))
        combo.setCurrentText(default)
    form.addRow(win.tr("Layers"), layers)
    form.addRow("", hint)
    form.addRow(win.tr("Hidden activation"), hidden)
    form.addRow(win.tr("Output activation"), output)
    replace = QCheckBox(win.tr("In place of the current network"))
    replace.setToolTip(win.tr("Unchecked: the new layers go beside what is on the canvas"))
    # opened on an example (bpsim starts on XOR), a new network is what a
    # newcomer building "2-3-1" wants; their own work is added to
    replace.setChecked(bool(win.workspace.document.nodes) and
                       (is_example(win.files.path) or not win.isWindowModified()))
    replace.setVisible(bool(win.workspace.document.nodes))
    form.addRow(replace)
    buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)

    def accept() -> None:
        # a mistyped size is said here, the text kept to correct (closing on
        # it lost what was typed, and the reason went to the status bar)
        try:
            parse_layers(layers.text())
        except BpsimError as exc:
            hint.setText(exc.problem)
            hint.setStyleSheet(f"color: {FORWARD.name()}")
            layers.setFocus()
            layers.selectAll()
            return
        dialog.accept()
    buttons.accepted.connect(accept)
    buttons.rejected.connect(dialog.reject)
    form.addRow(buttons)
    if dialog.exec() == QDialog.Accepted:
        build_layered(win, layers.text(), hidden.currentText(), output.currentText(),
                      replace=replace.isChecked())


def build_layered(win, text: str, hidden: str, output: str, replace: bool = False) -> bool:
    """Build the layers beside what is there, or (``replace``) on a new canvas."""
    try:
        parse_layers(text)
    except BpsimError as exc:
        win.statusBar().showMessage(exc.problem, 8000)
        return False
    if replace and win.workspace.document.nodes and not win.files.new_network():
        return False
    edit = layered_network(win.workspace.document, text, hidden, output)
    had_data = win.workspace.document.data is not None
    if win.push(edit):
        win.view.fit()
        doc = win.workspace.document
        if not had_data and doc.data is not None:
            win.statusBar().showMessage(win.tr(
                "Built with a {0} data set ({1} samples) and the {2} loss to learn from: "
                "change them in the Training dock.").format(
                    doc.data.generator, doc.data.samples, doc.loss.kind), 12000)
        return True
    return False


def context_menu(win, scene_pos: QPointF, item) -> None:
    menu = QMenu(win)
    tr = win.tr
    if isinstance(item, NodeItem):
        if item.kind == "neuron":
            acts = menu.addMenu(tr("Activation"))
            for act in ACTIVATIONS:
                acts.addAction(act, partial(set_activation, win, act))
        node = win.workspace.document.node(item.node_id)
        if item.node_id in win.workspace.document.outputs:
            menu.addAction(tr("Not an output"), partial(set_output, win, item.node_id, False))
        elif node.kind in ("neuron", "op"):
            menu.addAction(tr("Make an output"), partial(set_output, win, item.node_id, True))
        menu.addAction(tr("Edit value…"), lambda: win.view.edit_node(item))
        menu.addAction(win.actions["focus"])
        menu.addAction(win.actions["delete"])
    elif isinstance(item, EdgeItem):
        menu.addAction(tr("Edit weight…"), lambda: win.view.edit_edge(item))
        menu.addAction(win.actions["delete"])
    else:
        for kind in NODE_KEYS:
            menu.addAction(tr("Add {0} here").format(kind),
                           partial(add_node, win, kind, None, scene_pos))
        gates = menu.addMenu(tr("Add gate here"))
        for gate in GATES:
            gates.addAction(f"{GATE_SYMBOL[gate]}  {gate}",
                            partial(add_node, win, "op", gate, scene_pos))
        menu.addSeparator()
        menu.addAction(win.actions["build"])
        menu.addAction(win.actions["layout"])
    menu.popup(win.view.viewport().mapToGlobal(win.view.mapFromScene(scene_pos)))
    win.context_menu = menu


def set_output(win, node_id: str, on: bool) -> None:
    doc = win.workspace.document
    outputs = [o for o in doc.outputs if o != node_id] + ([node_id] if on else [])
    win.push(SetSection("outputs", outputs))


def export_canvas(win) -> None:
    from PySide6.QtWidgets import QFileDialog

    from . import export
    path, _ = QFileDialog.getSaveFileName(win, win.tr("Export canvas"), "network.png",
                                          win.tr("PNG image (*.png);;SVG drawing (*.svg)"))
    if not path:
        return
    ok = export.scene_to_svg(win.scene, path) if path.lower().endswith(".svg") \
        else export.scene_to_png(win.scene, path)
    win.statusBar().showMessage(win.tr("Wrote {0}").format(path) if ok else
                                win.tr("Could not write {0}").format(path), 5000)


def export_text(win, what: str) -> None:
    from PySide6.QtWidgets import QFileDialog

    from . import export
    ws = win.workspace
    if ws.stepper is None:
        win.statusBar().showMessage(ws.problem or "", 5000)
        return
    path, _ = QFileDialog.getSaveFileName(win, win.tr("Export CSV"), f"{what}.csv",
                                          win.tr("CSV files (*.csv)"))
    if not path:
        return
    text = export.history_csv(ws.session) if what == "history" else \
        export.trace_csv(ws.stepper.trace)
    try:
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    except OSError as exc:
        win.files.show_error(f"error: {path}: cannot write: {exc.strerror or exc}")
        return
    win.statusBar().showMessage(win.tr("Wrote {0}").format(path), 5000)
