"""Walking the network: the step actions, the history slider to rewind, and
the sample of the batch the canvas shows."""
from __future__ import annotations

from functools import partial
from typing import Callable

from PySide6.QtCore import QObject


class Stepping(QObject):
    """Moves the stepper of the workspace it holds (``follow``), stopping a
    run first; says what a move did (a divergence, a history replaced);
    keeps the step actions, the history slider and the sample list in step
    with the walk (``show``)."""

    def __init__(self, parent: QObject, runner, undo, say: Callable[[str, int], None],
                 refresh: Callable[[], None], page: Callable[[int], bool] = lambda d: False):
        super().__init__(parent)
        self._runner, self._undo, self._say, self._refresh = runner, undo, say, refresh
        self._page = page      # the explanation's rest of a long step, before the next step
        self.workspace = None
        self.actions = None             # the window's: the step actions and the history bar
        self.sample: int | None = None  # the sample of the batch shown, None: the batch's mean
        self.ask = False                # View ▸ Ask before revealing: next veils, then reveals
        self.exercise = None            # the Exercise dock, while an exercise runs: what it asks
        self._sample_key: tuple | None = ()        # what the sample box lists

    def follow(self, workspace) -> None:
        self.workspace = workspace
        self.sample = None

    @property
    def stepper(self):
        return self.workspace.stepper if self.workspace else None

    def show(self) -> None:
        """The actions, the slider and the sample list as the walk now is."""
        self.update_actions()
        self._update_history_slider()
        self._update_sample_choices()

    def read_on(self, direction: int) -> None:
        """→ or PageDown (``direction`` 1), ← or PageUp (-1): the rest of a
        long step's explanation first, then the next (or previous) step; a
        clicker alone reads all of it."""
        if self._runner.running or not self._page(direction):
            self.step("next" if direction > 0 else "previous")

    def set_ask(self, on: bool) -> None:
        """Ask before revealing, or not (a micro-step veiled is revealed)."""
        self.ask = on
        if not on and self.stepper is not None:
            self.stepper.unveil()
            self._refresh()

    def step(self, how: str) -> None:
        """next and previous (the clicker's: asking first, if ``ask``),
        forward, back, phase, iteration, epoch, start (of the iteration),
        end (of the iteration), reset."""
        stepper = self.stepper
        if stepper is None:
            self._say(self.workspace.problem or "", 8000)
            return
        self._runner.stop()
        self._say("", 1)       # an old message would read as this step's
        if how == "reset" and (stepper.session.iteration or stepper.session.history.length):
            # training to lose: the reset is an undo step
            self._undo.push_reset()
            self._say(self.tr(
                "Reset to the network's own values, with a fresh history (Ctrl+Z brings the "
                "training back)."), 8000)
            self._refresh()
            return
        history = stepper.session.history
        length, start, version = history.length, stepper.session.iteration, history.version
        at_circuit_end = how in ("forward", "next") and stepper.complete and \
            not stepper.trains and not stepper.veiled
        ask = self.exercise.asks if self.exercise is not None else self.ask
        {"next": partial(stepper.next, ask), "previous": partial(stepper.previous, ask),
         "forward": stepper.forward, "back": stepper.back, "phase": stepper.finish_phase,
         "iteration": stepper.finish_iteration, "epoch": stepper.next_epoch,
         "start": stepper.to_start, "end": stepper.to_end, "reset": stepper.reset}[how]()
        if stepper.trace.diverged and stepper.complete:
            self._say(self.tr(
                "Diverged: the cost or an updated parameter is not finite; the update was not "
                "applied. Lower the learning rate, or rewind."), 10000)
        elif how != "reset" and history.version != version and start < length:
            self._runner.say_history_replaced(start, length)
        elif at_circuit_end:
            self._say(self.tr(
                "The walk is complete. A circuit has no parameters to train: every pass "
                "computes the same numbers. Home walks it again from its start."), 8000)
        self._refresh()

    def rewind_to(self, iteration: int) -> None:
        if self.stepper is None or iteration == self.stepper.session.iteration:
            return
        self._runner.stop()
        self.stepper.show_iteration(iteration)
        self._refresh()

    def update_actions(self) -> None:
        st = self.stepper
        if st is None:
            self.actions["prev"].setEnabled(False)
            for name in ("next", "iteration", "epoch"):
                self.actions[name].setEnabled(True)    # it says why it cannot step
            return
        self.actions["prev"].setEnabled(st.index > 0 or st.session.iteration > 0)
        self.actions["next"].setEnabled(not (st.complete and st.trace.diverged))
        for name in ("iteration", "epoch"):       # a circuit has one walk to show
            self.actions[name].setEnabled(st.trains)

    def _update_history_slider(self) -> None:
        slider = self.actions.history_slider
        st = self.stepper
        slider.blockSignals(True)
        if st is None:
            slider.setRange(0, 0)
        else:
            slider.setRange(0, st.session.history.length)
            slider.setValue(st.session.iteration)
        slider.blockSignals(False)
        self.actions.history_label.setText(self.tr("{0}/{1} done").format(slider.value(),
                                                                   slider.maximum()))

    def _update_sample_choices(self) -> None:
        combo = self.actions.sample_combo
        n = len(self.stepper.trace.rows) if self.stepper else 0
        key = (tuple(self.stepper.trace.rows[:1]), n, self.sample) if n else None
        if key == self._sample_key:
            return
        self._sample_key = key
        wanted = [self.tr("batch mean")] + [self.tr("sample {0}").format(int(r))
                                            for r in (self.stepper.trace.rows if n else [])]
        if [combo.itemText(i) for i in range(combo.count())] != wanted:
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(wanted)
            combo.setCurrentIndex(0 if self.sample is None else min(self.sample + 1, n))
            combo.blockSignals(False)
        combo.setEnabled(n > 1)

    def set_sample(self, index: int) -> None:
        self.sample = None if index <= 0 else index - 1
        self._refresh()
