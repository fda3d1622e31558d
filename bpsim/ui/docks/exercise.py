"""The Exercise dock: predict a step's numbers, then check them.

The student picks what to hide (forward values, gradients, updates) and
starts; each micro-step that computes a hidden quantity comes veiled, as
asking the class does, and this dock asks for its numbers: the answers are
checked (``session.exercise``), a wrong one's likely mistake named with the
worked formula, the step revealed, and the score kept.  A new exercise is a
small network drawn by kind and seed, every number of its first step worked
by hand.
"""
from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QGridLayout, QHBoxLayout, \
    QLabel, QLineEdit, QPushButton, QScrollArea, QSpinBox, QVBoxLayout, QWidget

from ...document.building import parse_number
from ...errors import BpsimError
from ...session.exercise import DIAGNOSES, HIDE, KINDS, Checker, Score, asked_paths, \
    path_label
from ...session.explain import HTML, formula_names
from ...session.numbers import number
from .. import style


class ExercisePanel(QWidget):
    def __init__(self, window):
        super().__init__()
        self.window = window
        self.active = False
        self.score = Score()
        self._checker: tuple | None = None      # (trace, Checker) of the trace asked about
        self._asked: tuple | None = None        # (trace, index) the fields are for
        self.fields: dict[str, QLineEdit] = {}

        self.hide_boxes = {}
        # two boxes a row: whole in the right column at 1024 px wide
        hide_row = QGridLayout()
        hide_row.addWidget(QLabel(self.tr("Hide:")), 0, 0)
        for k, (name, text) in enumerate(zip(HIDE, (self.tr("values"), self.tr("local ∂"),
                                                    self.tr("gradients"),
                                                    self.tr("updates")))):
            box = QCheckBox(text)
            box.setToolTip(self.tr("local ∂: a gate's ∂out/∂input, a neuron's φ′(z)")
                           if name == "locals" else "")
            box.setChecked(name != "locals")
            self.hide_boxes[name] = box
            hide_row.addWidget(box, k // 2, 1 + k % 2)
        hide_row.setColumnStretch(3, 1)
        self.start = QPushButton(self.tr("Start"))
        self.start.setCheckable(True)
        self.start.toggled.connect(self.set_active)

        new_row = QHBoxLayout()
        new_row.addWidget(QLabel(self.tr("New:")))
        self.kind = QComboBox()
        self.kind.addItems(KINDS)
        self.seed = QSpinBox()
        self.seed.setRange(0, 999_999)
        self.seed.setPrefix(self.tr("seed "))
        make = QPushButton(self.tr("Make"))
        make.clicked.connect(self.new_exercise)
        for w in (self.kind, self.seed, make):
            new_row.addWidget(w)
        new_row.addStretch(1)

        self.question = QLabel()
        self.question.setWordWrap(True)
        self.form = QFormLayout()
        self.check = QPushButton(self.tr("Check"))
        self.check.clicked.connect(self.check_answers)
        self.feedback = QLabel()
        self.feedback.setWordWrap(True)
        self.feedback.setTextFormat(Qt.RichText)
        self.feedback.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.score_label = QLabel()

        # in a scroll area, as the Training dock: its questions never widen
        # the right column (a 2-2-1's update asks nine)
        inner = QWidget()
        scroll = QScrollArea()
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)     # the text wraps
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(hide_row)
        layout.addWidget(self.start)       # a row of its own: whole at 1024 px wide
        layout.addLayout(new_row)
        layout.addWidget(self.question)
        layout.addLayout(self.form)
        layout.addWidget(self.check)
        layout.addWidget(self.feedback)
        layout.addStretch(1)
        layout.addWidget(self.score_label)
        self._show_questions([])
        self._show_score()

    # --- starting ---------------------------------------------------------------

    def hidden(self) -> set[str]:
        return {name for name, box in self.hide_boxes.items() if box.isChecked()}

    def asks(self, micro) -> bool:
        """The stepper's question: is this micro-step asked?"""
        return bool(asked_paths(micro, self.hidden()))

    def set_active(self, on: bool) -> None:
        self.active = on
        self.start.setText(self.tr("Stop") if on else self.tr("Start"))
        self.window.stepping.exercise = self if on else None
        self.window.explanation.exercising = on
        if on:
            self.parentWidget().raise_()        # its dock, from behind a tab
            self.score = Score()
            self.feedback.setText(self.tr(
                "Step with → or PageDown: each step that computes a hidden number asks "
                "for it here first."))
        elif self.window.workspace.stepper is not None:
            self.window.workspace.stepper.unveil()
        self._show_score()
        self.window.refresh()

    def new_exercise(self) -> None:
        """A network of the kind and seed chosen, opened as new work."""
        from ...document import loads
        from ...session.exercise import json_text, new_exercise
        kind, seed = self.kind.currentText(), self.seed.value()
        loaded = loads(json_text(new_exercise(kind, seed)))
        if self.window.files.open_loaded(loaded, self.tr(
                "A new exercise: {0}, seed {1}. Work out the first step, then "
                "check each number here.").format(kind, seed)):
            self.start.setChecked(True)
            self.set_active(True)

    # --- asking -------------------------------------------------------------------

    def refresh(self) -> None:
        """The questions of the micro-step shown, while it is veiled."""
        st = self.window.workspace.stepper
        if not self.active or st is None or not st.veiled:
            if self._asked is not None:
                self._asked = None
                self._show_questions([])
            return
        key = (st.trace, st.index, self.window.stepping.sample)
        if key == self._asked:
            return
        self._asked = key
        self._show_questions(asked_paths(st.micro, self.hidden()))

    def _show_questions(self, paths: list[str]) -> None:
        # taken out and deleted later, not at once: Enter in a field checks
        # the answers, which ends here while that field still handles its key
        while self.form.rowCount():
            row = self.form.takeRow(0)
            for item in (row.labelItem, row.fieldItem):
                if item is not None and item.widget() is not None:
                    item.widget().hide()
                    item.widget().deleteLater()
        self.fields = {}
        doc = self.window.workspace.document if self.window.workspace else None
        names = formula_names(doc.nodes) if doc else {}
        kinds = {n.id: n.kind for n in doc.nodes} if doc else {}
        for path in paths:
            field = QLineEdit()
            field.setPlaceholderText(self.tr("e.g. -1/4, 0.5, 3e-2"))
            field.returnPressed.connect(self.check_answers)
            label = QLabel(path_label(path, HTML, names, kinds) + " =")
            label.setTextFormat(Qt.RichText)
            self.form.addRow(label, field)
            self.fields[path] = field
        self.check.setVisible(bool(paths))
        self.question.setText(self._asking_for() if paths else "")
        if paths:
            self.fields[paths[0]].setFocus()

    def _asking_for(self) -> str:
        st = self.window.workspace.stepper
        rows = len(st.trace.rows) if st is not None else 1
        if rows <= 1:
            return self.tr("Your answers:")
        sample = self.window.stepping.sample
        if sample is not None:
            return self.tr("Your answers for sample {0}:").format(int(st.trace.rows[
                min(sample, rows - 1)]))
        return self.tr("Your answers, the batch's {0} rows' values separated by ; "
                       "(or pick one sample in the tool bar):").format(rows)

    def _checker_for(self, session, trace) -> Checker:
        if self._checker is None or self._checker[0] is not trace:
            checker = Checker(session, trace)
            checker.notation = HTML        # worked formulas with sub- and superscripts
            self._checker = (trace, checker)
        return self._checker[1]

    def check_answers(self) -> None:
        """Check what is typed, say what is right and what is off, and
        reveal the step."""
        st = self.window.workspace.stepper
        if st is None or not st.veiled or not self.fields:
            return
        checker = self._checker_for(st.session, st.trace)
        # one sample picked (the tool bar's sample box): its values alone
        sample = self.window.stepping.sample
        verdicts, skipped, problems = [], 0, []
        doc = self.window.workspace.document
        kinds = {n.id: n.kind for n in doc.nodes}
        for path, field in self.fields.items():
            text = field.text().strip()
            if not text:
                skipped += 1
                continue
            try:
                values = [parse_number(part) for part in text.split(";")]
            except BpsimError as exc:
                problems.append(f"{path_label(path, kinds=kinds)}: {exc.problem}")
                continue
            answer = values[0] if len(values) == 1 else values
            try:
                verdicts.append(checker.check_one(path, answer, sample))
            except BpsimError as exc:
                problem = exc.problem.replace("(give a list)", self.tr(
                    "(its rows' values separated by ;, or pick one sample)"))
                problems.append(f"{path_label(path, kinds=kinds)}: {problem}")
        if problems:
            self.feedback.setText("<br>".join(html.escape(p) for p in problems))
            return          # typed again, not yet revealed
        self.score.add(verdicts, skipped)
        self.feedback.setText(self._verdicts_html(verdicts, skipped))
        self._show_score()
        st.unveil()
        self.window.view.setFocus()       # the next PageDown moves on
        self.window.refresh()

    def _verdicts_html(self, verdicts, skipped: int) -> str:
        doc = self.window.workspace.document
        names, kinds = formula_names(doc.nodes), {n.id: n.kind for n in doc.nodes}
        rows = []
        for v in verdicts:
            label = path_label(v.path, HTML, names, kinds)
            if v.correct:
                rows.append(f"<p style='color:{style.BACKWARD.name()}'>✓ {label} = "
                            f"{_shown(v.expected)}</p>")
                continue
            rows.append(f"<p style='color:{style.FORWARD.name()}'>✗ {label}: "
                        f"{html.escape(_shown(v.given))}, not {html.escape(_shown(v.expected))}"
                        f" — {html.escape(DIAGNOSES[v.diagnosis])}"
                        + (f"<br><span style='color:{style.TEXT.name()}'>"
                           f"{v.worked}</span>" if v.worked else "") + "</p>")
        if skipped:
            rows.append("<p>" + self.tr("{0} left blank").format(skipped) + "</p>")
        return "".join(rows)

    def _show_score(self) -> None:
        s = self.score
        self.score_label.setText(self.tr("Score: {0} of {1}").format(s.right, s.right + s.wrong)
                                 + (self.tr(" ({0} left blank)").format(s.skipped)
                                    if s.skipped else ""))


def _shown(value) -> str:
    """An answer or its expected value as the window writes numbers (a true
    minus, as in the worked formula beside it)."""
    if isinstance(value, list) and len(value) != 1:
        return "[" + "; ".join(number(x, 4) for x in value) + "]"
    return number(value[0] if isinstance(value, list) else value, 4)
