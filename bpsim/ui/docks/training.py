"""Training settings: loss, learning rate, optimizer, batches, regularization,
seed, stopping rules and data.  Every change is an undoable edit of the
document and applies from the next iteration on."""
from __future__ import annotations

import copy
import math
import shutil
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QFileDialog, QFormLayout, QGroupBox, \
    QHBoxLayout, QLabel, QPushButton, QScrollArea, QSlider, QVBoxLayout, QWidget

from ...document.building import data_for_loss
from ...document.edits import Compound, SetSection
from ...document.fields import Integer
from ...document.format import DATA_FIELDS, REGULARIZATION_FIELDS, TRAINING_FIELDS
from ...document.limits import MAX_CSV_BYTES, MAX_ROWS, read_file
from ...document.model import Data
from ...engine import ACTIVATIONS, GENERATORS, LOSSES, OPTIMIZERS, REDUCTIONS, \
    REGULARIZATIONS
from ...engine.data import TWO_INPUT_GENERATORS
from ...errors import BpsimError
from ...paths import is_example
from ..fields import CheckedDoubleSpinBox, CheckedSpinBox, NumberField, add_checked_row

LR_MIN, LR_MAX = 1e-4, 10.0
SLIDER_STEPS = 400
BATCH_SIZE = Integer(minimum=1)       # the integer form of training.batch
MAX_STEPS = 10 ** 9


def lr_to_slider(lr: float) -> int:
    lr = min(max(lr, LR_MIN), LR_MAX)
    return round((math.log10(lr) - math.log10(LR_MIN)) /
                 (math.log10(LR_MAX) - math.log10(LR_MIN)) * SLIDER_STEPS)


def slider_to_lr(position: int) -> float:
    exponent = math.log10(LR_MIN) + position / SLIDER_STEPS * (math.log10(LR_MAX)
                                                              - math.log10(LR_MIN))
    return float(f"{10 ** exponent:.3g}")   # a round number a lecturer can say


def _form(box: QWidget) -> QFormLayout:
    """A form whose rows put the label above the field when the column is
    too narrow for both side by side (a 1024 px screen)."""
    form = QFormLayout(box)
    form.setRowWrapPolicy(QFormLayout.WrapLongRows)
    return form


class TrainingPanel(QScrollArea):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.setWidgetResizable(True)
        # a click between its fields gave it the keys, and → then scrolled it
        self.setFocusPolicy(Qt.NoFocus)
        body = QWidget()
        self.setWidget(body)
        layout = QVBoxLayout(body)
        self._filling = False
        self.doc = None

        def combo(items):
            c = QComboBox()
            c.addItems(list(items))
            # as narrow as a short name: the panel then fits a 1024 px screen's column
            c.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
            c.setMinimumContentsLength(8)
            return c

        # activation
        box = QGroupBox(self.tr("Network"))
        form = _form(box)
        self.activation = combo(ACTIVATIONS)
        self.activation.setPlaceholderText(self.tr("mixed"))    # shown at index -1
        self.activation.setCurrentText("sigmoid")
        # Chosen is applied, as every other setting here: behind an Apply
        # button, a newcomer's choice seemed to do nothing.  What it applies
        # to is said beside it.
        self.activation.activated.connect(self._apply_activation)
        self.activation_for = QLabel()
        self.activation_for.setToolTip(self.tr("The selected neurons, or every hidden neuron "
                                               "when none is selected (the outputs keep "
                                               "theirs)"))
        row = QHBoxLayout()
        row.addWidget(self.activation, 1)
        row.addWidget(self.activation_for)
        form.addRow(self.tr("Activation"), row)
        layout.addWidget(box)
        self.network_box = box        # shown when the network has neurons
        # loss
        box = QGroupBox(self.tr("Cost"))
        form = _form(box)
        self.loss = combo(LOSSES)
        self.reduction = combo(REDUCTIONS)
        self.regularization = combo(REGULARIZATIONS)
        self.lam = NumberField(REGULARIZATION_FIELDS["lambda"])
        form.addRow(self.tr("Loss"), self.loss)
        form.addRow(self.tr("Reduction"), self.reduction)
        form.addRow(self.tr("Regularization"), self.regularization)
        add_checked_row(form, self.tr("λ"), self.lam, self.lam.refusal)
        layout.addWidget(box)
        # optimizer
        box = QGroupBox(self.tr("Gradient descent"))
        form = _form(box)
        self.lr_slider = QSlider(Qt.Horizontal)
        self.lr_slider.setRange(0, SLIDER_STEPS)
        self.lr_entry = NumberField(TRAINING_FIELDS["learning_rate"])
        self.lr_entry.setMaximumWidth(90)
        row = QHBoxLayout()
        row.addWidget(self.lr_slider, 1)
        row.addWidget(self.lr_entry)
        add_checked_row(form, self.tr("Learning rate η"), row, self.lr_entry.refusal, "η")
        self.optimizer = combo(OPTIMIZERS)
        form.addRow(self.tr("Optimizer"), self.optimizer)
        self._descent_form = form
        self.constants = {}
        for key, label, lo, hi, step in (("momentum", "momentum μ", 0.0, 0.999, 0.05),
                                         ("beta1", "β₁", 0.0, 0.999, 0.01),
                                         ("beta2", "β₂", 0.0, 0.9999, 0.001)):
            spin = CheckedDoubleSpinBox(TRAINING_FIELDS[key])
            spin.setRange(lo, hi)
            spin.setDecimals(4)
            spin.setSingleStep(step)
            self.constants[key] = spin
            add_checked_row(form, label, spin, spin.refusal)
            spin.valueChanged.connect(lambda v, k=key: self._set_training(k, v))
        self.eps = NumberField(TRAINING_FIELDS["eps"])
        add_checked_row(form, "ε", self.eps, self.eps.refusal)
        self.batch = combo(("full", "sgd", "mini-batch"))
        self.batch_size = CheckedSpinBox(BATCH_SIZE)
        self.batch_size.setRange(1, MAX_ROWS)
        row = QHBoxLayout()
        row.addWidget(self.batch, 1)
        row.addWidget(self.batch_size)
        add_checked_row(form, self.tr("Batch"), row, self.batch_size.refusal,
                        self.tr("the batch size"))
        self.shuffle = QCheckBox(self.tr("shuffle every epoch"))
        form.addRow("", self.shuffle)
        self.seed = CheckedSpinBox(TRAINING_FIELDS["seed"])
        self.seed.setRange(0, 2 ** 31 - 1)
        add_checked_row(form, self.tr("Seed"), self.seed, self.seed.refusal)
        self.epsilon = NumberField(TRAINING_FIELDS["epsilon"].inner, optional=True)
        self.epsilon.setPlaceholderText(self.tr("none"))
        self.epsilon.setToolTip(self.tr("Empty: no such stop"))
        add_checked_row(form, self.tr("Stop when ‖Δp‖ <"), self.epsilon, self.epsilon.refusal,
                        "ε")
        self.max_steps = CheckedSpinBox(TRAINING_FIELDS["max_steps"].inner)
        self.max_steps.setRange(0, MAX_STEPS)
        self.max_steps.setSpecialValueText(self.tr("none"))
        self.max_steps.setToolTip(self.tr("Empty or none: no limit"))
        add_checked_row(form, self.tr("Max steps"), self.max_steps, self.max_steps.refusal)
        # first: the learning rate is what a lesson changes most ("and if η is
        # ten times larger?"), and below the network and the cost a 1024x768
        # window showed it only after scrolling
        layout.insertWidget(0, box)
        # data
        box = QGroupBox(self.tr("Data"))
        form = _form(box)
        self.data_label = QLabel()
        self.data_label.setWordWrap(True)
        form.addRow(self.data_label)
        self.generator = combo(GENERATORS)
        self.samples = CheckedSpinBox(DATA_FIELDS["samples"])
        self.samples.setRange(1, MAX_ROWS)
        self.samples.setValue(200)
        self.noise = CheckedDoubleSpinBox(DATA_FIELDS["noise"])
        self.noise.setRange(0.0, 5.0)
        self.noise.setSingleStep(0.05)
        self.noise.setValue(0.1)
        self.test_fraction = CheckedDoubleSpinBox(DATA_FIELDS["test_fraction"])
        self.test_fraction.setRange(0.0, 0.9)
        self.test_fraction.setSingleStep(0.1)
        # a class generator's labels: 0/1, or −1/+1 as hinge and the perceptron read them
        self.labels = combo(["0/1", "−1/+1"])
        self.labels.setToolTip(self.tr("The class labels of xor, circle, gauss and spiral data"))
        self.labels.activated.connect(self._set_labels)
        form.addRow(self.tr("Generator"), self.generator)
        form.addRow(self.tr("Labels"), self.labels)
        for label, spin in ((self.tr("Samples"), self.samples), (self.tr("Noise"), self.noise),
                            (self.tr("Test fraction"), self.test_fraction)):
            add_checked_row(form, label, spin, spin.refusal)
        buttons = QHBoxLayout()
        generate = QPushButton(self.tr("Use generated data"))
        generate.clicked.connect(self.use_generator)
        csv = QPushButton(self.tr("Import CSV…"))
        csv.clicked.connect(self.import_csv)
        buttons.addWidget(generate)
        buttons.addWidget(csv)
        form.addRow(buttons)
        layout.addWidget(box)
        layout.addStretch(1)

        self.loss.activated.connect(lambda _: self._set_loss(self.loss.currentText()))
        self.reduction.activated.connect(
            lambda _: self._set("loss", "reduction", self.reduction.currentText()))
        self.regularization.activated.connect(
            lambda _: self._set("regularization", "kind", self.regularization.currentText()))
        self.lam.committed.connect(lambda v: self._set("regularization", "lam", v))
        # A drag of the slider is one undo step; a rate typed in is one of its
        # own, never merged into the slider's (nor the slider's into it).
        self._lr_burst = 0
        self.lr_slider.sliderPressed.connect(self._new_lr_burst)
        self.lr_slider.valueChanged.connect(
            lambda p: None if self._filling else self._set(
                "training", "learning_rate", slider_to_lr(p), self._lr_burst))
        self.lr_entry.committed.connect(self._type_lr)
        self.optimizer.activated.connect(
            lambda _: self._set_training("optimizer", self.optimizer.currentText()))
        self.eps.committed.connect(lambda v: self._set_training("eps", v))
        self.batch.activated.connect(lambda _: self._set_batch())
        self.batch_size.valueChanged.connect(lambda _: self._set_batch())
        self.shuffle.toggled.connect(lambda v: self._set_training("shuffle", v))
        self.seed.valueChanged.connect(lambda v: self._set_training("seed", v))
        self.epsilon.committed.connect(lambda v: self._set_training("epsilon", v))
        self.max_steps.valueChanged.connect(lambda v: self._set_training("max_steps", v or None))
        # A number typed and Enter pressed: the lesson goes on, → steps again
        # (the arrow moved the cursor in the field the number was typed into).
        for field in (self.lam, self.lr_entry, self.eps, self.epsilon):
            field.returnPressed.connect(lambda: self.window.view.setFocus())

    # --- showing -------------------------------------------------------------------

    def set_document(self, doc) -> None:
        self.doc = doc
        self.refresh()

    def refresh(self) -> None:
        """Show the settings in force at the current iteration."""
        ws = self.window.workspace
        if ws is None:
            return
        doc = ws.document
        # a circuit of gates has no activation to choose
        self.network_box.setVisible(any(n.kind == "neuron" for n in doc.nodes))
        self.show_activation()
        s = ws.session.settings if ws.session else doc.settings()
        self._filling = True
        for widget, value in ((self.loss, s.loss), (self.reduction, s.reduction),
                              (self.regularization, s.regularization),
                              (self.optimizer, s.optimizer)):
            widget.setCurrentText(value)
        for widget, value in ((self.lam, s.lam), (self.lr_entry, s.learning_rate),
                              (self.eps, s.eps), (self.epsilon, s.epsilon)):
            widget.set_value(value)
        self.lr_slider.setValue(lr_to_slider(s.learning_rate))
        # only the optimizer's own constants: gd's column of greyed-out μ, β₁,
        # β₂ and ε pushed the batch settings out of a small window
        for key, spin in self.constants.items():
            spin.setValue(getattr(s, key))
            self._descent_form.setRowVisible(
                spin, s.optimizer == ("momentum" if key == "momentum" else "adam"))
        self._descent_form.setRowVisible(self.eps, s.optimizer == "adam")
        self.batch.setCurrentText(s.batch if s.batch in ("full", "sgd") else "mini-batch")
        self.batch_size.setEnabled(s.batch not in ("full", "sgd"))
        if s.batch not in ("full", "sgd"):
            self.batch_size.setValue(int(s.batch))
        self.shuffle.setChecked(s.shuffle)
        self.seed.setValue(s.seed)
        self.max_steps.setValue(s.max_steps or 0)
        self.data_label.setText(self._describe_data(ws))
        self._show_data_fields(doc.data)
        self._filling = False

    def _show_data_fields(self, data) -> None:
        """The generator's fields hold the data in use (they held their
        defaults, and "Use generated data" then swapped a line for XOR)."""
        if data is None:
            return
        self.test_fraction.setValue(data.test_fraction or 0.0)
        if data.generator is not None and data.rows is None and data.csv is None:
            self.generator.setCurrentText(data.generator)
            self.samples.setValue(data.samples)
            self.noise.setValue(data.noise)
            self.labels.setCurrentIndex(1 if data.labels == "pm1" else 0)

    def show_activation(self) -> None:
        """The activation of the neurons Apply is for (the selected, else the
        hidden ones); "mixed" when they differ."""
        ws = self.window.workspace
        if ws is None or self.activation.view().isVisible():
            return          # not while the user is choosing
        targets, selected = self.window.editor.activation_targets()
        found = {ws.document.node(n).activation or "identity" for n in targets}
        if len(found) == 1:
            self.activation.setCurrentText(found.pop())
        else:
            # nothing to apply to is not "mixed" (a single neuron, a circuit)
            self.activation.setPlaceholderText(self.tr("mixed") if targets
                                               else self.tr("no hidden neuron"))
            self.activation.setCurrentIndex(-1)
        self.activation.setToolTip("" if targets else
                                   self.tr("Select a neuron on the canvas to set its activation"))
        self.activation_for.setText(
            self.tr("for the {0} selected").format(len(targets)) if selected else
            self.tr("for the hidden neurons") if targets else "")
        self.activation.setEnabled(bool(targets))

    def _apply_activation(self, index: int) -> None:
        if index >= 0:
            self.window.editor.set_activation(self.activation.itemText(index))

    def _describe_data(self, ws) -> str:
        data = ws.document.data
        if data is None:
            return self.tr("No data: one sample made of the input nodes' values.")
        if data.rows is not None:
            source = self.tr("{0} inline rows").format(len(data.rows))
        elif data.csv is not None:
            source = self.tr("CSV file {0}").format(data.csv)
        else:
            source = self.tr("{0} generated {1} samples (noise {2:g}, seed {3})").format(
                data.samples, data.generator, data.noise, data.seed)
        if data.test_fraction:
            source += self.tr(", last {0:.0%} held out for testing").format(data.test_fraction)
        return source

    # --- edits ---------------------------------------------------------------------

    def _set(self, section: str, field: str, value, burst: int = 0) -> None:
        if self._filling or self.window.workspace is None:
            return
        doc = self.window.workspace.document
        current = getattr(doc, section)
        if getattr(current, field) == value:
            return
        if not self.window.push(SetSection(section, replace(current, **{field: value}), field,
                                           burst=burst)):
            self.refresh()         # a refused choice snaps back to the one in force

    def _new_lr_burst(self) -> None:
        self._lr_burst += 1

    def _type_lr(self, value: float) -> None:
        self._new_lr_burst()
        self._set("training", "learning_rate", value, self._lr_burst)
        self._new_lr_burst()       # the slider moved next (keys, wheel) is a step of its own

    def _set_training(self, field: str, value) -> None:
        self._set("training", field, value)

    def _set_batch(self) -> None:
        if self._filling:
            return
        choice = self.batch.currentText()
        if choice in ("full", "sgd"):
            self._set_training("batch", choice)
            return
        size = int(self.batch_size.value())
        session = self.window.workspace.session
        if not self.batch_size.isEnabled() and session is not None:
            # just chosen: a size of 1 would be SGD again; a quarter of the data shows it
            n = session.trainer.dataset.n_train
            size = min(n, max(2, min(32, n // 4))) or 1
        self._set_training("batch", size)

    def use_generator(self) -> None:
        doc = self.window.workspace.document
        name = self.generator.currentText()
        n_inputs = 2 if name in TWO_INPUT_GENERATORS else 1
        inputs = [n.id for n in doc.nodes if n.kind == "input"][:n_inputs]
        needs_targets = LOSSES[doc.loss.kind].needs_targets
        # said, not written: a data section the network cannot read left it
        # unable to run, or (an empty canvas) changed nothing to be seen
        if len(inputs) < n_inputs:
            self.window.say(self.tr(
                "{0} makes {1} input(s); this network has {2} input node(s). Add inputs, or "
                "choose line or sine (one input).").format(name, n_inputs, len(inputs)), 10000)
            return
        if needs_targets and len(doc.outputs) != 1:
            self.window.say(self.tr(
                "A generator makes one target; this network has {0} outputs.").format(
                len(doc.outputs)), 10000)
            return
        loss_hinge = doc.loss.kind in ("hinge", "perceptron")
        # generated data keeps its own seed (the same points, a new noise)
        seed = doc.data.seed if doc.data is not None and doc.data.generator else \
            doc.training.seed
        data = Data(inputs, list(doc.outputs) if needs_targets else [], generator=name,
                    samples=self.samples.value(), noise=self.noise.value(),
                    seed=seed,
                    labels=self._labels_for(name, loss_hinge),
                    test_fraction=round(self.test_fraction.value(), 3))
        self.window.push(SetSection("data", data))

    def _labels_for(self, generator: str, loss_hinge: bool) -> str:
        """The labels generated data takes: ±1 for hinge or the perceptron
        (they read a class as −1 or +1), else as the Labels box says."""
        if generator not in TWO_INPUT_GENERATORS:
            return "01"             # a real target, no classes
        return "pm1" if loss_hinge or self.labels.currentIndex() == 1 else "01"

    def _set_labels(self, index: int) -> None:
        """Generated class data in use takes the labels chosen at once."""
        doc = self.window.workspace.document
        data = doc.data
        labels = "pm1" if index == 1 else "01"
        if self._filling or data is None or data.generator not in TWO_INPUT_GENERATORS or \
                data.rows is not None or data.csv is not None or data.labels == labels:
            return
        if not self.window.push(SetSection("data", replace(data, labels=labels))):
            self.refresh()     # refused (bce reads 0/1): the labels in force

    def _set_loss(self, kind: str) -> None:
        """A loss that reads the other labels takes generated class data
        along, in one step: hinge and the perceptron read −1/+1, bce 0/1 (one
        refused the other's labels, and the labels the loss: a dead end)."""
        doc = self.window.workspace.document if self.window.workspace else None
        data = None if doc is None else doc.data
        if not self._filling and doc is not None and doc.loss.kind != kind:
            # a loss reading targets brings a target column per output along,
            # "none" takes them away: the choice is never refused for them
            along = data_for_loss(doc, kind)
            if along is not None:
                # the data first: no step of the edit reads targets not there
                edit = Compound([SetSection("data", along),
                                 SetSection("loss", replace(doc.loss, kind=kind), "kind")],
                                f"change loss to {kind}")
                if self.window.push(edit):
                    if LOSSES[kind].needs_targets:
                        self.window.say(self.tr(
                            "Targets added, 0 for each output: Import CSV… (in the data "
                            "settings) brings your own."), 8000)
                else:
                    self.refresh()
                return
        wanted = {"hinge": "pm1", "perceptron": "pm1", "bce": "01"}.get(kind)
        if self._filling or doc is None or wanted is None or data is None or \
                data.generator not in TWO_INPUT_GENERATORS or data.rows is not None or \
                data.csv is not None or data.labels == wanted or doc.loss.kind == kind:
            self._set("loss", "kind", kind)
            return
        edit = Compound([SetSection("loss", replace(doc.loss, kind=kind), "kind"),
                         SetSection("data", replace(data, labels=wanted))],
                        f"change loss to {kind}")
        if not self.window.push(edit):
            self.refresh()

    def import_csv(self) -> None:
        win = self.window
        if win.files.path is None or is_example(win.files.path):
            # the CSV is copied beside the network file: never into bpsim's examples
            win.say(self.tr(
                "Save the network as your own first: its CSV file lives beside it."), 8000)
            if not win.files.save_as():
                return
        name, _ = QFileDialog.getOpenFileName(self, self.tr("Import CSV"), str(win.files.path.parent),
                                              self.tr("CSV files (*.csv)"))
        if not name:
            return
        source = Path(name)
        folder = win.files.path.parent.resolve()
        try:
            # a regular file only: a named pipe picked here would hang the window
            lines = read_file(source, MAX_CSV_BYTES).decode("utf-8-sig").splitlines()
            if not lines or not lines[0].strip():
                raise ValueError("it is empty")
            if source.resolve().parent != folder:
                target = folder / source.name
                if not target.exists():
                    shutil.copyfile(source, target)    # it must live beside the network file
                source = target
        except (OSError, UnicodeDecodeError, ValueError, BpsimError) as exc:
            win.say(self.tr("error: {0}: cannot import: {1}").format(
                name, exc), 10000)
            return
        header = [h.strip() for h in lines[0].split(",")]
        doc = win.workspace.document
        inputs = [n.id for n in doc.nodes if n.kind == "input" and n.id in header]
        data = Data(inputs, [o for o in doc.outputs if o in header], csv=source.name,
                    test_fraction=round(self.test_fraction.value(), 3))
        edit = SetSection("data", copy.deepcopy(data))
        # A CSV's targets and the loss agree, whichever came first: a
        # target column under the loss "none" (refused: a dead end) brings
        # the squared error in, and none for the outputs takes "none"
        needs = LOSSES[doc.loss.kind].needs_targets
        if data.targets and not needs:
            loss, said = "mse", self.tr("The CSV has the targets of {0}: the loss is mse now "
                                        "(choose another above).").format(", ".join(data.targets))
        elif needs and data.targets != list(doc.outputs):
            loss, said = "none", self.tr(
                "The CSV has no column named after each output ({0}): the loss is none, the "
                "output itself, until it has them.").format(", ".join(doc.outputs))
        else:
            loss, said = None, ""
        if loss is not None:
            if len(doc.outputs) != 1 and loss == "none":
                win.say(said, 10000)      # "none" wants one output: the check says so
            edit = Compound([edit, SetSection("loss", replace(doc.loss, kind=loss), "kind")],
                            self.tr("import {0}").format(source.name))
        if win.push(edit) and said:
            win.say(said, 10000)
