"""The inspector: the selected node or edge, its fields and all its numbers."""
from __future__ import annotations

import html

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ...document.edits import RenameNode, SetEdgeWeight, SetNodeField, check_edit
from ...document.format import NODE_FIELDS
from ...engine import ACTIVATIONS, EdgeKey
from ...session.workspace import VALUE_FIELDS
from ...errors import BpsimError
from ..fields import CheckedLineEdit, NumberField, Refusal


class InspectorPanel(QWidget):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.activation = QComboBox()
        self.activation.addItems(list(ACTIVATIONS))
        self.activation.activated.connect(self._on_activation)
        self.value = NumberField(NODE_FIELDS["value"])
        self.value.setPlaceholderText("0.5, -3, 1/2, 2e-3")
        self.value.committed.connect(self._on_value)
        # the number taken, the keys go back to the canvas: → steps again
        self.value.returnPressed.connect(lambda: self.window.view.setFocus())
        self.label = QLineEdit()
        self.label.setPlaceholderText(self.tr("name shown"))
        self.label.setToolTip(self.tr("Shown on the canvas; a one-word label also names the "
                                      "node in the formulas"))
        self.label.editingFinished.connect(self._on_label)
        # the name the file, the formulas and the parameters use
        self.node_id = _IdField(self._on_id)
        self.node_id.editingFinished.connect(self._on_id)
        self.node_id.returnPressed.connect(lambda: self.window.view.setFocus())
        self.node_id.textEdited.connect(lambda _: self.id_refusal.hide())
        self.id_refusal = Refusal()
        self.id_refusal.name = self.tr("the id")
        self.numbers = QLabel()
        self.numbers.setWordWrap(True)
        self.form = QFormLayout()
        self.form.addRow(self.tr("Id"), self.node_id)
        self.form.addRow(self.id_refusal)
        self.form.addRow(self.tr("Activation"), self.activation)
        self.value_label = QLabel(self.tr("Value"))
        self.form.addRow(self.value_label, self.value)
        self.form.addRow(self.value.refusal)
        self.form.addRow(self.tr("Label"), self.label)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(self.form)
        layout.addWidget(self.numbers)
        layout.addStretch(1)
        self._target: tuple[str, str] | None = None

    def show_selection(self) -> None:
        before = self._target
        self._show_selection()
        if self._target != before:
            self.value.refusal.hide()       # said of another node's value
            self.id_refusal.hide()

    def _show_selection(self) -> None:
        win = self.window
        nodes, edges = win.scene.selected_ids()
        doc = win.workspace.document
        shown = win.scene
        if len(nodes) == 1 and not edges:
            node = doc.node(nodes[0])
            self._target = ("node", node.id)
            kind = node.kind + (f" · {node.op}" if node.kind == "op" else "")
            self.title.setText(f"<b style='font-size:13pt'>{html.escape(node.id)}</b> ({kind})")
            self._row(self.node_id, True)
            if not self.node_id.hasFocus():
                self.node_id.setText(node.id)
            self._row(self.activation, node.kind == "neuron")
            if node.kind == "neuron":
                self.activation.setCurrentText(node.activation or "identity")
            field = "bias" if node.kind == "neuron" else "value"
            editable = node.kind != "op" or node.op in ("scale", "offset")
            self.value_label.setText(self.tr("Bias") if field == "bias" else self.tr("Value"))
            self.value.refusal.name = self.tr("the bias") if field == "bias" else \
                self.tr("the value")
            self._row(self.value, editable)
            if not self.value.hasFocus():
                self.value.set_value(win.workspace.value_of(
                    VALUE_FIELDS[field](node.id), getattr(node, field)))
            self._row(self.label, True)
            if not self.label.hasFocus():
                self.label.setText(node.label or "")
            self.numbers.setText(shown.tip_for(shown.nodes[node.id], named=False))
        elif len(edges) == 1 and not nodes:
            src, dst = edges[0]
            edge = doc.edge(src, dst)
            self._target = ("edge", edge.key)
            self.title.setText(f"<b style='font-size:13pt'>{html.escape(src)} → "
                               f"{html.escape(dst)}</b>")
            self._row(self.activation, False)
            self._row(self.label, False)
            self._row(self.node_id, False)
            into_neuron = doc.node(dst).kind == "neuron"
            self.value_label.setText(self.tr("Weight"))
            self.value.refusal.name = self.tr("the weight")
            self._row(self.value, into_neuron)
            if into_neuron and not self.value.hasFocus():
                self.value.set_value(win.workspace.value_of(edge.name, edge.weight))
            self.numbers.setText(shown.tip_for(shown.edges[edge.key], named=False))
        else:
            self._target = None
            self.title.setText(self.tr("Select a node or an edge to see its numbers.")
                               if not nodes and not edges else
                               self.tr("{0} nodes and {1} edges selected").format(
                                   len(nodes), len(edges)))
            for w in (self.activation, self.value, self.label, self.node_id):
                self._row(w, False)
            self.numbers.setText("")

    def _row(self, widget, visible: bool) -> None:
        widget.setVisible(visible)
        label = self.form.labelForField(widget)
        if label is not None:
            label.setVisible(visible)

    def _on_activation(self) -> None:
        if self._target and self._target[0] == "node":
            self.window.push(SetNodeField(self._target[1], "activation",
                                          self.activation.currentText()))

    def _on_value(self, value: float) -> None:
        if not self._target:
            return
        kind, key = self._target
        if kind == "edge":
            self.window.push(SetEdgeWeight(*EdgeKey(key).ends, value))
        else:
            node = self.window.workspace.document.node(key)
            self.window.push(SetNodeField(key, "bias" if node.kind == "neuron" else "value",
                                          value))

    def _on_id(self, revert: bool = True) -> bool:
        """A new id for the node: refused with its reason under the field (a
        duplicate, an empty id, a CSV file's column), else renamed, the node
        kept selected.  False when refused: Enter keeps the entry to correct,
        leaving the field (``revert``) puts the id in force back."""
        if not self._target or self._target[0] != "node":
            return True
        win = self.window
        old, new = self._target[1], self.node_id.text().strip()
        if new == old:
            return True
        edit = RenameNode(old, new)
        try:
            check_edit(win.workspace.document, edit, win.workspace.base_dir)
        except BpsimError as exc:
            self.id_refusal.say(new, exc.problem, old)
            if revert:
                self.node_id.setText(old)
            return False
        self.id_refusal.hide()
        if win.push(edit):
            self._target = ("node", new)
            win.scene.nodes[new].setSelected(True)
        return True

    def _on_label(self) -> None:
        if self._target and self._target[0] == "node":
            node = self.window.workspace.document.node(self._target[1])
            text = self.label.text().strip() or None
            if text != node.label:
                self.window.push(SetNodeField(node.id, "label", text))


class _IdField(CheckedLineEdit):
    """The node's id, taken by the inspector's ``take`` (InspectorPanel._on_id)."""

    def __init__(self, take):
        super().__init__()
        self._take = take
