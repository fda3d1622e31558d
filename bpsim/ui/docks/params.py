"""The parameter table: every weight, bias and param with its value, its
gradient, its last update and, on demand, its numeric gradient.

A model over arrays: a refresh swaps the arrays and announces one change;
the view asks only for the cells it shows.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton, \
    QStyle, QTableView, QVBoxLayout, QWidget

from ...document.building import parse_number
from ...document.edits import SetEdgeWeight, SetNodeField
from ...engine import ParamName, Phase
from ...errors import BpsimError
from ...session import max_relative_error
from .. import style
from ...session.numbers import number

# the numeric gradient beside the analytic one it checks (at the end, a
# narrow dock showed it only after scrolling sideways)
COLUMNS = ("parameter", "value", "∂C/∂p", "numeric", "last update")
HEADER_TIPS = {3: "∂C/∂p by central differences of the cost (Check gradients numerically)"}


class ParameterModel(QAbstractTableModel):
    def __init__(self, panel):
        super().__init__(panel)
        self.panel = panel
        self.names: list[str] = []
        self.columns = [np.zeros(0)] * 4        # value, gradient, numeric, last update
        self.digits = 4

    def set_rows(self, names: list[str], columns: list[np.ndarray], digits: int) -> None:
        if names != self.names:
            self.beginResetModel()
            self.names, self.columns, self.digits = names, columns, digits
            self.endResetModel()
            return
        if digits == self.digits and all(
                np.array_equal(a, b, equal_nan=True) for a, b in zip(columns, self.columns)):
            return      # most micro-steps: the view would redraw every cell the same
        self.columns, self.digits = columns, digits
        if names:
            self.dataChanged.emit(self.index(0, 1), self.index(len(names) - 1, 4))

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.names)

    def columnCount(self, parent=QModelIndex()) -> int:
        return len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if role == Qt.DisplayRole and orientation == Qt.Horizontal:
            return self.panel.tr(COLUMNS[section])
        if role == Qt.ToolTipRole and orientation == Qt.Horizontal and section in HEADER_TIPS:
            return self.panel.tr(HEADER_TIPS[section])
        return None

    def data(self, index, role=Qt.DisplayRole):
        r, c = index.row(), index.column()
        if role in (Qt.DisplayRole, Qt.EditRole):
            if c == 0:
                return self.names[r]
            value = self.columns[c - 1][r]
            if np.isnan(value) and c != 1:
                return ""
            return number(float(value), max(self.digits, 6) if c == 1 else self.digits)
        if role == Qt.ForegroundRole and c in (2, 3):
            return QBrush(style.BACKWARD)
        return None

    def flags(self, index):
        flags = Qt.ItemIsSelectable | Qt.ItemIsEnabled
        return flags | Qt.ItemIsEditable if index.column() == 1 else flags

    def setData(self, index, value, role=Qt.EditRole) -> bool:
        if role != Qt.EditRole or index.column() != 1:
            return False
        return self.panel.edit_value(self.names[index.row()], str(value))


class ParameterPanel(QWidget):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.model = ParameterModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        # Columns as wide as their numbers at the display precision, measured
        # when the names or the digits change: stretched to the dock, a
        # narrow one elided every gradient ("0.00038…"); resized to the
        # contents, every micro-step would measure every row.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setStretchLastSection(True)
        self._fitted_for: tuple | None = None
        self.table.verticalHeader().setVisible(False)
        # rows as high as their text: twice as many parameters in a small dock
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
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
        self._stale = False        # refreshed while behind its tab: to do when raised

    def selected_names(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.names[r] for r in rows]

    def refresh_if_stale(self) -> None:
        if self._stale:
            self.refresh(force=True)

    def text(self, row: int, column: int) -> str:
        """What a cell shows (for tests and the landscape's choice)."""
        self.refresh_if_stale()
        return self.model.data(self.model.index(row, column))

    def refresh(self, force: bool = False) -> None:
        """The table as the step shown has it.  Behind another dock's tab it
        waits until it is raised (``refresh_if_stale``): a big network's
        table cost milliseconds a micro-step, seen or not."""
        if not force and not (self.isVisible() and not self.visibleRegion().isEmpty()):
            self._stale = True
            return
        self._stale = False
        stepper = self.window.workspace.stepper
        if stepper is None:
            self.model.set_rows([], [np.zeros(0)] * 4, self.window.digits)
            return
        session = stepper.session
        update = stepper.trace.steps[-1]
        names = list(update.names)
        applied = stepper.complete and update.after is not None
        # asked before it is revealed, the update shows the values before it
        values = update.before if applied and stepper.veiled else \
            np.array(list(session.parameters().values()))
        # A gradient appears once the backward micro-step of its node is
        # shown, and its numbers revealed.
        shown = {g.name for m in stepper.shown(Phase.BACKWARD) for g in m.grads}
        if stepper.veiled and stepper.phase == Phase.BACKWARD:
            shown -= {g.name for g in stepper.micro.grads}
        grads = np.where([n in shown for n in names], update.grads, np.nan)
        if applied and not stepper.veiled:
            delta = update.after - update.before
        else:
            delta = np.full(len(names), np.nan)
        if self._numeric_at != (session.iteration, stepper.trace.step, len(names)):
            self._numeric = {}
            self.summary.setText("")
        numeric = np.array([self._numeric.get(n, np.nan) for n in names])
        self.model.set_rows(names, [values, grads, numeric, delta], self.window.digits)
        self._fit_columns(names, self.window.digits)

    def _fit_columns(self, names: list[str], digits: int) -> None:
        if (names, digits) == self._fitted_for:
            return
        self._fitted_for = (list(names), digits)
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        # a cell's margins and a little air: more, and a narrow dock hid the
        # numeric check's column
        pad = 2 * self.table.style().pixelMetric(QStyle.PM_FocusFrameHMargin) + 8
        # the widest a number gets at this precision: a sign, a leading 0.000, the digits
        numeric = metrics.horizontalAdvance(number(-0.000123456789, digits)) + pad
        value = metrics.horizontalAdvance(number(-0.000123456789, max(digits, 6))) + pad
        name = max([metrics.horizontalAdvance(n) for n in names] or [0]) + pad
        for column, width in enumerate((name, value, numeric, numeric, numeric)):
            title = header.fontMetrics().horizontalAdvance(COLUMNS[column]) + pad
            self.table.setColumnWidth(column, max(width, title))

    def compute_numeric(self) -> None:
        stepper = self.window.workspace.stepper
        if stepper is None:
            return
        self.window.runner.stop()         # the check evaluates on the training buffers
        # the step shown: once its update is applied, the session is past it
        checks = stepper.session.gradient_check(iteration=stepper.iteration - 1)
        self._numeric = {k: n for k, (_, n) in checks.items()}
        self._numeric_at = (stepper.session.iteration, stepper.trace.step, len(checks))
        self.summary.setText(self.tr("largest relative difference: {0:.2g}").format(
            max_relative_error(checks)))
        self.refresh(force=True)

    def edit_value(self, name: str, text: str) -> bool:
        """A value typed into the table edits the network."""
        try:
            value = parse_number(text)
        except BpsimError as exc:
            self.window.say(exc.problem, 8000)
            return False
        name = ParamName(name)
        if name.kind == ParamName.WEIGHT:
            return self.window.push(SetEdgeWeight(*name.edge.ends, value))
        return self.window.push(SetNodeField(name.node, "bias" if name.kind == ParamName.BIAS
                                             else "value", value))
