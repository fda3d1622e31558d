"""The Compare dock: runs kept under a name, their loss curves overlaid
with the run under way.

Keep this run, Reset (or change a setting), train again: each kept run has
its colour and its line style (colour is never the only cue) and a legend
entry; up to eight.  They live in the network file's view section
(``session.runs``), so a reopened network shows them again, trained anew to
the same numbers.
"""
from __future__ import annotations

import json

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QFileDialog, QHBoxLayout, QLabel, \
    QPushButton, QScrollArea, QVBoxLayout, QWidget

from ...document.edits import SetSection
from ...errors import BpsimError
from ...session.runs import MAX_RUNS, describe, from_view, keep, replay, runs_csv, with_runs
from .. import style
from ..plots.views import add_legend, drawable, legend_above, plot_widget

COLOURS = ("#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
           "#7f7f7f")
DASHES = (Qt.DashLine, Qt.DotLine, Qt.DashDotLine, Qt.DashDotDotLine)


class ComparePanel(QWidget):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.plot = plot_widget()
        self.plot.setLabel("bottom", self.tr("iteration"))
        self.plot.setLabel("left", self.tr("cost"))
        self.legend = add_legend(self.plot)
        self.current = self.plot.plot(pen=pg.mkPen(style.FORWARD, width=2),
                                      name=self.tr("this run"))
        self.curves: list = []
        self.runs: list = []                # KeptRun, with their costs
        self._view = None                   # the view section the runs were read from
        self._shown = None                  # (history, version, length) drawn as "this run"
        self.log = QCheckBox(self.tr("log scale"))
        self.log.toggled.connect(lambda on: self.plot.setLogMode(y=on))
        keep_button = QPushButton(self.tr("Keep this run"))
        keep_button.setToolTip(self.tr("Keep the run so far under its settings' name; then "
                                       "Reset or change a setting and train again"))
        keep_button.clicked.connect(self.keep_run)
        self.choice = QComboBox()
        remove = QPushButton(self.tr("Remove"))
        remove.clicked.connect(self.remove_run)
        export = QPushButton(self.tr("CSV…"))
        export.setToolTip(self.tr("The costs, a column per run"))
        export.clicked.connect(self.export_csv)
        picture = QPushButton(self.tr("PNG/SVG…"))
        picture.clicked.connect(self.export_picture)
        self.note = QLabel()
        self.note.setWordWrap(True)
        # the controls in a column beside the plot: the plot keeps the height
        column = QVBoxLayout()
        for w in (keep_button, self.choice, remove, export, picture, self.log):
            column.addWidget(w)
        column.addStretch(1)
        self.choice.setMinimumContentsLength(8)
        self.choice.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        # in a scroll area, as the Exercise dock: the window keeps its least
        # width whether the comparison is shown or not
        inner = QWidget()
        scroll = QScrollArea()
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(2, 2, 2, 2)
        row = QHBoxLayout()
        row.addWidget(self.plot, 1)
        row.addLayout(column)
        layout.addLayout(row, 1)
        layout.addWidget(self.note)

    # --- showing ----------------------------------------------------------------

    def refresh(self) -> None:
        ws = self.window.workspace
        if ws is None:
            return
        view = ws.document.view
        if view is not self._view:
            self._view = view
            self._read_runs()
        session = ws.session
        if session is None:
            self.current.setData([], [])
            self._shown = None
            return
        h = session.history
        key = (h, h.version, h.length)
        if key != self._shown:
            self._shown = key
            costs = drawable(h.costs.array())
            self.current.setData(np.arange(1, len(costs) + 1), costs)

    def _read_runs(self) -> None:
        """The runs the file keeps, each trained again from the network's
        own values (the same numbers: training is deterministic)."""
        ws = self.window.workspace
        known = {json.dumps(r.as_view(), sort_keys=True): r for r in self.runs}
        try:
            runs = from_view(ws.document.view)
        except BpsimError as exc:
            self.note.setText(exc.one_line())
            runs = []
        else:
            self.note.setText("")
        replayed = []
        for run in runs:
            same = known.get(json.dumps(run.as_view(), sort_keys=True))
            if same is not None:
                replayed.append(same)
            elif ws.session is not None:
                replayed.append(replay(ws.document, ws.session.dataset, run))
        self.runs = replayed
        self._draw_runs()

    def _draw_runs(self) -> None:
        for curve in self.curves:
            self.plot.removeItem(curve)
            self.legend.removeItem(curve)
        self.curves = []
        for k, run in enumerate(self.runs):
            pen = pg.mkPen(COLOURS[k % len(COLOURS)], width=2, style=DASHES[k % len(DASHES)])
            costs = drawable(run.costs)
            self.curves.append(self.plot.plot(np.arange(1, len(costs) + 1), costs, pen=pen,
                                              name=run.name))
        self.choice.clear()
        self.choice.addItems([run.name for run in self.runs])
        # their paths on the landscape, in the same colours and styles
        self.window.plots.build()
        self.window.plots.widgets["landscape"].set_runs(
            [(run.name, run.names, run.path, curve.opts["pen"])
             for run, curve in zip(self.runs, self.curves)])
        # its entries in a row above the plot: inside, they covered the curves
        legend_above(self.plot, self.legend)

    # --- keeping and removing -------------------------------------------------------

    def _push_runs(self, runs: list, said: str) -> None:
        doc = self.window.workspace.document
        if self.window.push(SetSection("view", with_runs(doc.view, runs))):
            self.window.say(said, 6000)

    def keep_run(self) -> None:
        session = self.window.workspace.session
        if session is None or session.iteration == 0:
            self.window.say(self.tr("Train first: a run to keep has at least one "
                                    "iteration."), 6000)
            return
        if len(self.runs) >= MAX_RUNS:
            self.window.say(self.tr("At most {0} runs are kept: remove one first.").format(
                MAX_RUNS), 6000)
            return
        name = describe(session.history.settings_at(0))
        taken = {r.name for r in self.runs}
        k = 2
        base = name
        while name in taken:
            name, k = f"{base} ({k})", k + 1
        # trained again from its start: its costs are the same, and its
        # path on the landscape comes with them
        run = replay(session.document, session.dataset, keep(session, name))
        self.runs = self.runs + [run]
        self._push_runs(self.runs, self.tr("Kept {0}: Reset, change a setting and train "
                                           "again to compare.").format(name))

    def remove_run(self) -> None:
        k = self.choice.currentIndex()
        if k < 0:
            return
        name = self.runs[k].name
        self._push_runs([r for i, r in enumerate(self.runs) if i != k],
                        self.tr("Removed {0}").format(name))

    # --- exporting --------------------------------------------------------------------

    def export_csv(self) -> None:
        if not self.runs:
            self.window.say(self.tr("Keep a run first."), 5000)
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export the compared runs"),
                                              "runs.csv", self.tr("CSV files (*.csv)"))
        if not path:
            return
        try:
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(runs_csv(self.runs))
        except OSError as exc:
            self.window.say(f"error: {path}: cannot write: {exc.strerror or exc}", 8000)
            return
        self.window.say(self.tr("Wrote {0}").format(path), 5000)

    def export_picture(self) -> None:
        from ..export import plot_to_file
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export the comparison"),
                                              "runs.png", self.tr("Pictures (*.png *.svg)"))
        if path and plot_to_file(self.plot, path):
            self.window.say(self.tr("Wrote {0}").format(path), 5000)
