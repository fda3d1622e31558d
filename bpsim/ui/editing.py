"""The canvas gestures that become edits — add, connect, delete, change
activation, build, lay out, a number typed — and the one way every edit
goes: through the undo stack, refused with the reason or done."""
from __future__ import annotations

from functools import partial

from PySide6.QtCore import QObject, QPointF
from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, \
    QLabel, QLineEdit, QMenu

from ..document.building import auto_layout, layered_network, new_edge_weight, parse_layers, \
    parse_number
from ..document.edits import AddEdge, AddNode, Compound, MoveNodes, RemoveElements, \
    SetEdgeWeight, SetNodeField, SetSection, fresh_id
from ..document.model import Edge, Node
from ..engine import ACTIVATIONS, GATES, EdgeKey
from ..errors import BpsimError
from ..paths import is_example
from ..session.handout import handout, traced_step
from .canvas.dense import distances
from .canvas.items import EdgeItem, NodeItem
from .style import FORWARD

NODE_KEYS = {"input": "I", "neuron": "N", "param": "P", "const": "C"}


class Editor(QObject):
    """Edits for the workspace it holds (``follow``).  Docks and the canvas
    push theirs here (``push``); it says what happened in the status bar
    (``say``), and parents its dialogs and menus on ``window``."""

    def __init__(self, window, scene, view, undo, files, say, history_replaced):
        super().__init__(window)
        self.window, self.scene, self.view, self.undo, self.files = \
            window, scene, view, undo, files
        self.say, self._history_replaced = say, history_replaced
        self.workspace = None
        self.actions = None            # the window's (delete, focus, build, layout)
        self.context_menu_shown: QMenu | None = None
        view.nodes_moved.connect(self.on_nodes_moved)
        view.connect_requested.connect(self.connect_nodes)
        view.value_entered.connect(self.on_value_entered)
        view.context_requested.connect(self.context_menu)

    def follow(self, workspace) -> None:
        self.workspace = workspace

    def push(self, edit) -> bool:
        """Push an edit through the undo stack; a refused one is explained."""
        session = self.workspace.session
        before = (session, session.iteration, session.history.length) if session else None
        problem = self.undo.push(edit)
        if problem:
            self.say(self.tr("Not done: {0}").format(problem), 8000)
            return False
        memo = self.undo.last_memo
        if memo is not None and memo.dropped_iterations:
            # the loss curve and the history emptied: say why, and the way back
            self.say(self.tr(
                "The network changed: training starts again from here, with the weights it "
                "had (the {0} iterations before are dropped; Ctrl+Z brings them back).").format(
                    memo.dropped_iterations), 12000)
        elif before is not None and before[0] is self.workspace.session and \
                self.workspace.session.history.length < before[2]:
            # a value or a setting changed at a rewound iteration: what came after it is gone
            self._history_replaced(before[1], before[2], self.tr("The change applies"))
        return True

    def on_nodes_moved(self, moves: dict) -> None:
        self.push(MoveNodes({k: (tuple(v[0]), tuple(v[1])) for k, v in moves.items()}))

    def on_value_entered(self, kind: str, key: str, text: str) -> None:
        try:
            value = parse_number(text)
        except BpsimError as exc:
            self.say(exc.problem, 8000)
            return
        if kind == "edge":
            self.push(SetEdgeWeight(*EdgeKey(key).ends, value))
            return
        node = self.workspace.document.node(key)
        self.push(SetNodeField(key, "bias" if node.kind == "neuron" else "value", value))

    def _free_spot(self) -> tuple[float, float]:
        """The clear place nearest the middle of the view: no node within 70 px
        and no edge within 45 px.  Dropped onto an edge's line, a new gate looked
        wired into it."""
        centre = self.view.mapToScene(self.view.viewport().rect().center())
        cx, cy = round(centre.x() / 20) * 20, round(centre.y() / 20) * 20
        taken = [(i.pos().x(), i.pos().y()) for i in self.scene.nodes.values()]
        lines = self.scene.edge_segments()

        def clear(x: float, y: float) -> bool:
            if any(abs(px - x) < 70 and abs(py - y) < 70 for px, py in taken):
                return False
            return not len(lines) or distances(lines, x, y).min() >= 45

        spots = sorted(((cx + 40 * i, cy + 40 * j) for i in range(-10, 11) for j in range(-10, 11)),
                       key=lambda p: (p[0] - cx) ** 2 + (p[1] - cy) ** 2)
        for x, y in spots:
            if clear(x, y):
                return (float(x), float(y))
        y = cy                       # crowded all round: below what is there
        while any(abs(px - cx) < 70 and abs(py - y) < 70 for px, py in taken) or \
                (len(lines) and distances(lines, cx, y).min() < 45):
            y += 90
        return (float(cx), float(y))


    def add_node(self, kind: str, op: str | None = None, at: QPointF | None = None) -> str | None:
        doc = self.workspace.document
        prefix = {"input": "x", "neuron": "h", "param": "w", "const": "c", "op": op or "op"}[kind]
        nid = fresh_id(doc, prefix)
        pos = self.scene.unplace(*((at.x(), at.y()) if at is not None else self._free_spot()))
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
        if self.push(edits[0] if len(edits) == 1 else Compound(edits, edits[0].text)):
            self.scene.clearSelection()
            self.scene.nodes[nid].setSelected(True)
            return nid
        return None


    def connect_nodes(self, src: str, dst: str) -> None:
        doc = self.workspace.document
        target = doc.node(dst)
        weight = new_edge_weight(doc, dst) if target.kind == "neuron" else None
        edit = AddEdge(Edge(src, dst, weight))
        if doc.outputs == [src] and doc.data is None:
            # Drawing a chain left to right: the output moves on to its end.
            edit = Compound([edit, SetSection("outputs", [dst])], edit.text)
        if self.push(edit):
            self.say(self.tr("Connected {0} → {1}").format(src, dst), 4000)


    def delete_selection(self) -> None:
        nodes, edges = self.scene.selected_ids()
        if nodes or edges:
            self.push(RemoveElements(nodes, edges))


    def activation_targets(self) -> tuple[list[str], bool]:
        """The neurons an activation change is for, and whether they are the
        selection: the selected neurons, else every hidden one (the outputs keep
        theirs)."""
        doc = self.workspace.document
        nodes, _ = self.scene.selected_ids()
        targets = [n for n in nodes if doc.node(n).kind == "neuron"]
        if targets:
            return targets, True
        return [n.id for n in doc.nodes if n.kind == "neuron" and n.id not in doc.outputs], False


    def set_activation(self, activation: str) -> None:
        doc = self.workspace.document
        targets, _ = self.activation_targets()
        edits = [SetNodeField(n, "activation", activation) for n in targets
                 if (doc.node(n).activation or "identity") != activation]
        if edits:
            self.push(Compound(edits, self.tr("set activation {0}").format(activation)))


    def toggle_focus(self) -> None:
        nodes, _ = self.scene.selected_ids()
        on = self.actions["focus"].isChecked() and bool(nodes)
        self.actions["focus"].setChecked(on)
        self.scene.set_focus_node(nodes[0] if on else None)


    def lay_out(self) -> None:
        doc = self.workspace.document
        pos = auto_layout(doc)
        moves = {n.id: (n.pos, pos[n.id]) for n in doc.nodes if n.pos != pos[n.id]}
        if moves:
            self.push(MoveNodes(moves))
            self.view.fit()


    def build_dialog(self) -> None:
        dialog = QDialog(self.window)
        dialog.setWindowTitle(self.tr("Build a layered network"))
        form = QFormLayout(dialog)
        layers = QLineEdit("2-3-1")
        layers.setToolTip(self.tr("Layer sizes from inputs to outputs, e.g. 2-4-4-1"))
        hint = QLabel(self.tr("Sizes from inputs to outputs, e.g. 2-4-4-1"))
        hint.setStyleSheet("color: #555")
        hidden, output = QComboBox(), QComboBox()
        for combo, default in ((hidden, "sigmoid"), (output, "sigmoid")):
            combo.addItems(list(ACTIVATIONS))
            combo.setCurrentText(default)
        form.addRow(self.tr("Layers"), layers)
        form.addRow("", hint)
        form.addRow(self.tr("Hidden activation"), hidden)
        form.addRow(self.tr("Output activation"), output)
        replace = QCheckBox(self.tr("In place of the current network"))
        replace.setToolTip(self.tr("Unchecked: the new layers go beside what is on the canvas"))
        # opened on an example (bpsim starts on XOR), a new network is what a
        # newcomer building "2-3-1" wants; their own work is added to
        replace.setChecked(bool(self.workspace.document.nodes) and
                           (is_example(self.files.path) or not self.window.isWindowModified()))
        replace.setVisible(bool(self.workspace.document.nodes))
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
            self.build_layered(layers.text(), hidden.currentText(), output.currentText(),
                          replace=replace.isChecked())


    def build_layered(self, text: str, hidden: str, output: str, replace: bool = False) -> bool:
        """Build the layers beside what is there, or (``replace``) on a new canvas."""
        try:
            parse_layers(text)
        except BpsimError as exc:
            self.say(exc.problem, 8000)
            return False
        if replace and self.workspace.document.nodes and not self.files.new_network():
            return False
        edit = layered_network(self.workspace.document, text, hidden, output)
        had_data = self.workspace.document.data is not None
        if self.push(edit):
            self.view.fit()
            doc = self.workspace.document
            if not had_data and doc.data is not None:
                self.say(self.tr(
                    "Built with a {0} data set ({1} samples) and the {2} loss to learn from: "
                    "change them in the Training dock.").format(
                        doc.data.generator, doc.data.samples, doc.loss.kind), 12000)
            return True
        return False


    def context_menu(self, scene_pos: QPointF, item) -> None:
        menu = QMenu(self.window)
        tr = self.tr
        if isinstance(item, NodeItem):
            if item.kind == "neuron":
                acts = menu.addMenu(tr("Activation"))
                for act in ACTIVATIONS:
                    acts.addAction(act, partial(self.set_activation, act))
            node = self.workspace.document.node(item.node_id)
            if item.node_id in self.workspace.document.outputs:
                menu.addAction(tr("Not an output"), partial(self.set_output, item.node_id, False))
            elif node.kind in ("neuron", "op"):
                menu.addAction(tr("Make an output"), partial(self.set_output, item.node_id, True))
            menu.addAction(tr("Edit value…"), lambda: self.view.edit_node(item))
            menu.addAction(self.actions["focus"])
            menu.addAction(self.actions["delete"])
        elif isinstance(item, EdgeItem):
            menu.addAction(tr("Edit weight…"), lambda: self.view.edit_edge(item))
            menu.addAction(self.actions["delete"])
        else:
            for kind in NODE_KEYS:
                menu.addAction(tr("Add {0} here").format(kind),
                               partial(self.add_node, kind, None, scene_pos))
            gates = menu.addMenu(tr("Add gate here"))
            for gate in GATES:
                gates.addAction(f"{GATES[gate].label}  {gate}",
                                partial(self.add_node, "op", gate, scene_pos))
            menu.addSeparator()
            menu.addAction(self.actions["build"])
            menu.addAction(self.actions["layout"])
        menu.popup(self.view.viewport().mapToGlobal(self.view.mapFromScene(scene_pos)))
        self.context_menu_shown = menu


    def set_output(self, node_id: str, on: bool) -> None:
        doc = self.workspace.document
        outputs = [o for o in doc.outputs if o != node_id] + ([node_id] if on else [])
        self.push(SetSection("outputs", outputs))


    def export_canvas(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        from . import export
        path, _ = QFileDialog.getSaveFileName(self.window, self.tr("Export canvas"), "network.png",
                                              self.tr("PNG image (*.png);;SVG drawing (*.svg)"))
        if not path:
            return
        ok = export.scene_to_svg(self.scene, path) if path.lower().endswith(".svg") \
            else export.scene_to_png(self.scene, path)
        self.say(self.tr("Wrote {0}").format(path) if ok else
                                    self.tr("Could not write {0}").format(path), 5000)


    def export_code(self, to: str) -> None:
        """File ▸ Export ▸ Code: the network from its own values (the file's,
        not the training's), as a script that trains it as bpsim does."""
        import copy

        from PySide6.QtWidgets import QFileDialog

        from ..document.writer import write_atomically
        from ..session import Session
        from ..session.codegen import export_code
        ws = self.workspace
        if ws.stepper is None:
            self.say(ws.problem or "", 5000)
            return
        stem = (ws.path.name.split(".")[0] if ws.path else "network").replace(" ", "_")
        name, kinds = {
            "numpy": (f"{stem}.py", self.tr("Python scripts (*.py)")),
            "pytorch": (f"{stem}_torch.py", self.tr("Python scripts (*.py)")),
            "notebook": (f"{stem}.ipynb", self.tr("Jupyter notebooks (*.ipynb)")),
        }[to]
        # beside the user's own network; an example's or a new one's at home,
        # not wherever the program was started
        from pathlib import Path
        folder = ws.path.parent if ws.path is not None and not is_example(ws.path) else \
            Path.home()
        path, _ = QFileDialog.getSaveFileName(self.window, self.tr("Export code"),
                                              str(folder / name), kinds)
        if not path:
            return
        try:
            session = Session(copy.deepcopy(ws.document), ws.session.dataset)
            write_atomically(path, export_code(session, to))
        except BpsimError as exc:
            self.files.show_error(exc.with_file(path).one_line())
            return
        self.say(self.tr("Wrote {0}: run it, and it prints each training step's cost "
                         "as bpsim computes it").format(path), 8000)

    def export_text(self, what: str) -> None:
        from PySide6.QtWidgets import QFileDialog

        from . import export
        ws = self.workspace
        if ws.stepper is None:
            self.say(ws.problem or "", 5000)
            return
        if what == "handout":
            path, _ = QFileDialog.getSaveFileName(
                self.window, self.tr("Export handout"), "handout.html",
                self.tr("HTML pages (*.html)"))
        else:
            path, _ = QFileDialog.getSaveFileName(self.window, self.tr("Export CSV"),
                                                  f"{what}.csv", self.tr("CSV files (*.csv)"))
        if not path:
            return
        if what == "handout":
            doc = ws.document
            text = handout(doc.title or self.tr("bpsim"), doc.notes,
                           [traced_step(doc, ws.stepper.trace)])
        elif what == "history":
            text = export.history_csv(ws.session)
        else:
            text = export.trace_csv(ws.stepper.trace)
        try:
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(text)
        except OSError as exc:
            self.files.show_error(f"error: {path}: cannot write: {exc.strerror or exc}")
            return
        self.say(self.tr("Wrote {0}").format(path), 5000)
