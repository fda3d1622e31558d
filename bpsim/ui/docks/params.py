"""The parameter table: every weight, bias and param with its value, its
gradient, its last update and, on demand, its numeric gradient."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableWidget, \
    QTableWidgetItem, QVBoxLayout, QWidget

from ...document.building import parse_number
from ...document.edits import SetEdgeWeight, SetNodeField
from ...errors import BpsimError
from .. import style
from ..canvas.items import fmt

COLUMNS = ("parameter", "value", "∂C/∂p", "last update", "numeric ∂C/∂p")


class ParameterPanel(QWidget):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.itemChanged.connect(self._on_item_changed)
        self.check = QPushButton(self.tr("Check gradients numerically"))
        self.check.setToolTip(self.tr("Central differences of the cost on this step's batch"))
        self.check.clicked.connect(self.compute_numeric)
        self.summary = QLabel()
        row = QHBoxLayout()
        row.addWidget(self.check)
        row.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.table)
        layout.addLayout(row)
        self._numeric: dict[str, float] = {}
        self._numeric_at: tuple | None = None

    def refresh(self) -> None:
        ws = self.window.workspace
        stepper = ws.stepper
        if stepper is None:
            self.table.setRowCount(0)
            return
        session = stepper.session
        update = stepper.trace.steps[-1]
        names = list(update.names)
        values = session.parameters()
        # A gradient appears once the backward micro-step of its node is shown.
        shown = {g.name for m in stepper.shown("backward") for g in m.grads}
        if self._numeric_at != (session.iteration, stepper.trace.step, len(names)):
            self._numeric = {}
            self.summary.setText("")
        d = self.window.digits
        # itemChanged must not fire for our own writes (each would reach
        # _on_item_changed): signals are blocked while filling.
        self.table.blockSignals(True)
        if self.table.rowCount() != len(names):
            self.table.setRowCount(len(names))
        for k, name in enumerate(names):
            delta = (update.after[k] - update.before[k]) if stepper.complete and \
                update.after is not None else None
            cells = (name, fmt(values[name], max(d, 6)),
                     fmt(update.grads[k], d) if name in shown else "",
                     fmt(delta, d) if delta is not None else "",
                     fmt(self._numeric.get(name), d))
            for c, text in enumerate(cells):
                item = self.table.item(k, c)
                if item is None:
                    item = QTableWidgetItem()
                    flags = Qt.ItemIsSelectable | Qt.ItemIsEnabled
                    item.setFlags(flags | Qt.ItemIsEditable if c == 1 else flags)
                    if c in (2, 4):
                        item.setForeground(QBrush(style.BACKWARD))
                    self.table.setItem(k, c, item)
                if item.text() != text:
                    item.setText(text)
        self.table.blockSignals(False)

    def compute_numeric(self) -> None:
        stepper = self.window.workspace.stepper
        if stepper is None:
            return
        checks = stepper.session.gradient_check()
        self._numeric = {k: n for k, (_, n) in checks.items()}
        self._numeric_at = (stepper.session.iteration, stepper.trace.step, len(checks))
        from ...session import max_relative_error
        self.summary.setText(self.tr("largest relative difference: {0:.2g}").format(
            max_relative_error(checks)))
        self.refresh()

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() != 1:
            return
        name = self.table.item(item.row(), 0).text()
        try:
            value = parse_number(item.text())
        except BpsimError as exc:
            self.window.statusBar().showMessage(exc.problem, 8000)
            self.refresh()
            return
        kind, _, rest = name.partition(":")
        if kind == "w":
            src, dst = rest.split("->")
            self.window.push(SetEdgeWeight(src, dst, value))
        else:
            self.window.push(SetNodeField(rest, "bias" if kind == "b" else "value", value))
