"""Number fields that take only what the file format allows.

Each field checks what is typed against the format's own rule for it
(``document.format``), so a field, a file and an edit refuse the same
values for the same reason.  A refused entry is said under the field, in
red, and the value in force stays; nothing reaches the document.
"""
from __future__ import annotations

import math

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox, QFormLayout, QLabel, QLineEdit, QSpinBox, \
    QWidget

from ..document.building import parse_number
from ..document.fields import Field, Integer
from ..errors import BpsimError
from ..session.numbers import number

REFUSED_STYLE = "color: #b03a2e;"


def read_number(text: str, rule: Field, optional: bool = False,
                bounds: tuple[float, float] | None = None):
    """The value ``text`` stands for under ``rule`` (None: emptied, where
    ``optional``); a BpsimError with the reason otherwise.  ``bounds`` are a
    widget's own limits inside the rule's."""
    text = text.strip()
    if not text:
        if optional:
            return None
        raise BpsimError("a number is needed here")
    value = parse_number(text)
    if not math.isfinite(value):
        raise BpsimError("expected a finite number")
    if isinstance(rule, Integer):
        if not value.is_integer():
            raise BpsimError(f'expected a whole number, got "{text}"')
        value = int(value)
    value = rule.check(value, "")
    if bounds is not None:
        low, high = bounds
        if value < low:
            raise BpsimError(f"must be >= {low:g}, got {value:g}")
        if value > high:
            raise BpsimError(f"must be <= {high:g}, got {value:g}")
    return value


class Refusal(QLabel):
    """The reason a field refused what was typed, under the field."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setStyleSheet(REFUSED_STYLE)
        self.hide()

    name = ""          # what the field holds, as its label says it

    def say(self, typed: str, reason: str, kept: str) -> None:
        stays = self.tr("{0} stays {1}").format(self.name, kept) if self.name else \
            self.tr("{0} stays").format(kept)
        typed = typed.strip()
        # a reason that quotes the entry itself ('"abc" is not a number') says it once
        said = self.tr("{0}; {1}.") if typed and f'"{typed}"' in reason else \
            self.tr("“{2}” refused: {0}; {1}.")
        self.setText(said.format(reason, stays, typed))
        self.show()


def add_checked_row(form: QFormLayout, label: str, field, refusal: Refusal,
                    name: str = "") -> None:
    """A form row and, under it across both columns, its refusal line
    (``name``: what the line calls the field, its label by default)."""
    form.addRow(label, field)
    form.addRow(refusal)
    refusal.name = name or label


class CheckedLineEdit(QLineEdit):
    """A line edit whose entry is checked when taken (``_take``): Enter on a
    refused entry keeps it here to correct (and the keys here); leaving the
    field puts the value in force back instead."""

    def keyPressEvent(self, event):
        if event.key() in (Qt.Key_Return, Qt.Key_Enter) and not self._take(revert=False):
            self.selectAll()
            event.accept()
            return
        super().keyPressEvent(event)

    def _take(self, revert: bool = True) -> bool:
        """Take the entry; False when it is refused (``revert``: the value in
        force shown again)."""
        raise NotImplementedError


class NumberField(CheckedLineEdit):
    """A line edit for one number of the format; ``committed`` carries a new
    value (None where the field may be emptied) once Enter or leaving the
    field takes it."""

    committed = Signal(object)

    def __init__(self, rule: Field, optional: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.rule = rule
        self.optional = optional
        self.value = None
        self.refusal = Refusal()
        self.editingFinished.connect(self._take)
        self.textEdited.connect(lambda _: self.refusal.hide())

    def set_value(self, value) -> None:
        """Show the value in force (not while the user is typing here)."""
        self.value = value
        if not self.hasFocus():
            self.setText(self._shown(value))

    def _shown(self, value) -> str:
        return "" if value is None else number(value, 12).replace("−", "-")

    def _take(self, revert: bool = True) -> bool:
        """Commit what is typed; False when it is refused."""
        typed = self.text()
        if typed.strip() == self._shown(self.value).strip():
            return True
        try:
            value = read_number(typed, self.rule, self.optional)
        except BpsimError as exc:
            if revert:
                self.setText(self._shown(self.value))
            self.refusal.say(typed, exc.problem, self._kept())
            return False
        self.refusal.hide()
        if value != self.value:
            self.value = value          # Enter's editingFinished that follows is no new edit
            self.committed.emit(value)
        return True

    def _kept(self) -> str:
        return self.tr("none") if self.value is None else self._shown(self.value)


class _CheckedSpin:
    """What the two spin boxes share: any text may be typed (the stock
    validator dropped characters, so "3.7" became 37 and "-5" became 5);
    what is not a value of the rule is refused, said, and the value in force
    stays."""

    def _setup(self, rule: Field) -> None:
        self.rule = rule
        self.refusal = Refusal()
        self.setKeyboardTracking(False)        # a value counts once typed, not per digit
        self.lineEdit().textEdited.connect(lambda _: self.refusal.hide())

    def _read(self, text: str):
        special = self.specialValueText()
        if special and text.strip() in ("", special):
            return self.minimum()        # emptied: "none"
        return read_number(text, self.rule, bounds=(self.minimum(), self.maximum()))

    def validate(self, text, pos):
        try:
            self._read(text)
        except BpsimError:
            return QValidator.Intermediate, text, pos
        return QValidator.Acceptable, text, pos

    def valueFromText(self, text):
        try:
            return self._read(text)
        except BpsimError:
            return self.value()

    def fixup(self, text):
        # Qt asks to fix what it cannot take, then shows the value in force
        # again: the reason is said once that is done.
        try:
            self._read(text)
        except BpsimError as exc:
            problem = exc.problem
            kept = self.textFromValue(self.value()) if self.value() != self.minimum() or \
                not self.specialValueText() else self.specialValueText()
            QTimer.singleShot(0, lambda: self.refusal.say(text, problem, kept))
        return text


class CheckedSpinBox(_CheckedSpin, QSpinBox):
    def __init__(self, rule: Field, parent: QWidget | None = None):
        QSpinBox.__init__(self, parent)
        self._setup(rule)

    def textFromValue(self, value):
        return str(value)


class CheckedDoubleSpinBox(_CheckedSpin, QDoubleSpinBox):
    def __init__(self, rule: Field, parent: QWidget | None = None):
        QDoubleSpinBox.__init__(self, parent)
        self._setup(rule)
