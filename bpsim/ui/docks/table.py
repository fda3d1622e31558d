"""The Rows dock: the rows of data a network learns from, to read and to edit.

One column per input, then one per output's target; one row per sample, the
held-out rows last.  Rows written in the file (``data.rows``) are edited in
place — a cell typed as on paper, a row added or removed — each edit one
undo step; generated or CSV rows are shown, and Edit rows copies them into
the file to edit them.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, \
    QPushButton, QTableView, QVBoxLayout, QWidget

from ...document.building import parse_number
from ...document.edits import SetSection
from ...errors import BpsimError
from ...session.numbers import number


class DataModel(QAbstractTableModel):
    def __init__(self, panel):
        super().__init__(panel)
        self.panel = panel
        self.columns: list[str] = []       # the inputs, then "target NAME" per output
        self.values = np.zeros((0, 0))     # rows × columns
        self.test_count = 0
        self.editable = False

    def set_data(self, columns: list[str], values: np.ndarray, test_count: int,
                 editable: bool) -> None:
        self.beginResetModel()
        self.columns, self.values, self.test_count, self.editable = \
            columns, values, test_count, editable
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else self.values.shape[0]

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if role != Qt.DisplayRole:
            return None
        if orientation == Qt.Horizontal:
            return self.columns[section]
        held = section >= self.values.shape[0] - self.test_count
        return f"{section}" + (self.panel.tr(" · test") if held else "")

    def data(self, index, role=Qt.DisplayRole):
        if role == Qt.DisplayRole:       # at the window's precision: a narrow dock elided 6
            return number(float(self.values[index.row(), index.column()]),
                          self.panel.window.digits)
        if role == Qt.EditRole:          # typed over: every digit there is
            return number(float(self.values[index.row(), index.column()]), 12)
        return None

    def flags(self, index):
        flags = Qt.ItemIsSelectable | Qt.ItemIsEnabled
        return flags | Qt.ItemIsEditable if self.editable else flags

    def setData(self, index, value, role=Qt.EditRole) -> bool:
        if role != Qt.EditRole:
            return False
        return self.panel.edit_cell(index.row(), index.column(), str(value))


class DataTablePanel(QWidget):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.model = DataModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.source = QLabel()
        self.source.setWordWrap(True)
        self.add = QPushButton(self.tr("Add row"))
        self.add.clicked.connect(self.add_row)
        self.remove = QPushButton(self.tr("Remove"))
        self.remove.clicked.connect(self.remove_rows)
        self.own = QPushButton(self.tr("Edit rows"))
        self.own.setToolTip(self.tr("Copy the generated or CSV rows into the network file, "
                                    "to edit them here"))
        self.own.clicked.connect(self.make_editable)
        # rows from elsewhere, as the Training dock's data settings say
        generate = QPushButton(self.tr("Generate"))
        generate.setToolTip(self.tr("Rows from the generator chosen in the Training dock "
                                    "(its samples, noise and labels)"))
        generate.clicked.connect(lambda: self.window.training.use_generator())
        csv = QPushButton(self.tr("Import CSV…"))
        csv.clicked.connect(lambda: self.window.training.import_csv())
        rows = (QHBoxLayout(), QHBoxLayout())
        for row, widgets in zip(rows, ((self.add, self.remove, self.own), (generate, csv))):
            for w in widgets:
                row.addWidget(w)
            row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.source)
        layout.addWidget(self.table)
        for row in rows:
            layout.addLayout(row)
        self._shown: tuple | None = None      # (data section, dataset) on show
        self._buttons(False, False)           # until there are rows to act on

    def refresh(self) -> None:
        ws = self.window.workspace
        doc = ws.document
        session = ws.session
        dataset = session.dataset if session is not None else None
        key = (doc.data, dataset)
        if self._shown is not None and all(a is b for a, b in zip(self._shown, key)):
            return
        self._shown = key
        data = doc.data
        if data is None or dataset is None or not len(dataset.inputs):
            self.model.set_data([], np.zeros((0, 0)), 0, False)
            self.source.setText(self.tr(
                "No data: the network runs once on its inputs' own values. Choosing a loss "
                "that reads targets (Training) adds a row to edit here.") if data is None else
                self.tr("The data cannot be read yet (the explanation says why)."))
            self._buttons(False, False)
            return
        columns = list(dataset.inputs) + [self.tr("target {0}").format(t)
                                          for t in dataset.targets]
        values = np.hstack([dataset.X, dataset.T]) if dataset.T.size else dataset.X
        editable = data.rows is not None
        self.model.set_data(columns, values, dataset.test_count, editable)
        if editable:
            text = self.tr("{0} rows in the file: double-click a cell to type "
                           "a value.").format(len(values))
        elif data.csv is not None:
            text = self.tr("{0} rows from {1}.").format(len(values), data.csv)
        else:
            text = self.tr("{0} rows generated ({1}, seed {2}).").format(
                len(values), data.generator, data.seed)
        if dataset.test_count:
            text += " " + self.tr("The last {0} are held out (test).").format(dataset.test_count)
        self.source.setText(text)
        self._buttons(editable, not editable)

    def _buttons(self, editable: bool, copyable: bool) -> None:
        self.add.setVisible(editable)
        self.remove.setVisible(editable)
        self.own.setVisible(copyable)

    # --- edits ----------------------------------------------------------------

    def _push_rows(self, rows: list[list[float]], what: str) -> bool:
        doc = self.window.workspace.document
        edit = SetSection("data", replace(doc.data, rows=rows, generator=None, csv=None))
        if not self.window.push(edit):
            self._shown = None
            self.refresh()
            return False
        self.window.say(what, 4000)
        return True

    def _rows(self) -> list[list[float]]:
        return [list(map(float, row)) for row in self.window.workspace.document.data.rows]

    def edit_cell(self, row: int, column: int, text: str) -> bool:
        try:
            value = parse_number(text)
        except BpsimError as exc:
            self.window.say(exc.problem, 8000)
            return False
        rows = self._rows()
        if rows[row][column] == value:
            return False
        rows[row][column] = value
        return self._push_rows(rows, self.tr("Row {0}, {1} = {2}").format(
            row, self.model.columns[column], number(value, 6)))

    def add_row(self) -> None:
        rows = self._rows()
        width = len(self.model.columns)
        rows.append(list(rows[-1]) if rows else [0.0] * width)
        self._push_rows(rows, self.tr("A row added, a copy of the last: type its values."))

    def remove_rows(self) -> None:
        chosen = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        rows = self._rows()
        if not chosen:
            self.window.say(self.tr("Select the rows to remove first."), 4000)
            return
        if len(chosen) >= len(rows):
            self.window.say(self.tr("A network needs at least one row of data."), 6000)
            return
        kept = [r for k, r in enumerate(rows) if k not in set(chosen)]
        self._push_rows(kept, self.tr("{0} rows removed").format(len(chosen)))

    def make_editable(self) -> None:
        """Generated or CSV rows copied into the file, as they are now."""
        values = self.model.values
        self._push_rows(values.tolist(), self.tr(
            "The rows are written in the network file now: edit them here."))
