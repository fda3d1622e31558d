"""Walking an iteration micro-step by micro-step, as a lecture does.

The stepper shows one iteration's trace up to ``index`` micro-steps.  Passing
the last micro-step (the update) takes the step in the session; going back
over it takes it back.  Everything the GUI shows while stepping is read from
here, so the same walk can be tested without a window.
"""
from __future__ import annotations

from ..engine import IterationTrace, Phase
from ..engine.trace import ForwardStep, UpdateStep, with_update
from ..engine.training import differs_in_update_only
from .session import Session


def asks(micro) -> bool:
    """Whether a micro-step computes something to ask the class: not an
    input's value (given), nor a circuit's update (nothing to update)."""
    if isinstance(micro, ForwardStep):
        return bool(micro.operands)
    if isinstance(micro, UpdateStep):
        return bool(micro.names)
    return True


class Stepper:
    """Moves announce ``stepped`` on the session's events once each, at
    their end (a whole iteration finished at once announces once)."""

    def __init__(self, session: Session):
        self.session = session
        self.events = session.events
        # (state, trainer, settings, step result, trace) of the latest next
        # iteration traced, taken up again while those hold (_trace_ahead)
        self._ahead: tuple | None = None
        self._trace: IterationTrace = self._trace_ahead()
        self.index = 0
        self._next: tuple | None = None     # next_update's answer, until the walk moves
        self._moving = 0                    # moves under way (one announces the others)
        # asking before revealing: the (trace, index) whose micro-step's
        # numbers are still hidden; any other move leaves that position
        self._veiled_at: tuple | None = None
        # the session moving by itself (Run, a value set by hand) changes the next update
        self._connections = [self.events.iteration_changed.connect(self._forget_next),
                             self.events.settings_changed.connect(self._forget_next)]

    def close(self) -> None:
        """Stop listening: a new stepper takes over the session's walk."""
        for connection in self._connections:
            connection.disconnect()

    def _forget_next(self) -> None:
        self._next = None

    @property
    def trace(self) -> IterationTrace:
        return self._trace

    @trace.setter
    def trace(self, trace: IterationTrace) -> None:
        self._trace = trace
        self._next = None

    # --- where we are ----------------------------------------------------------

    @property
    def total(self) -> int:
        return len(self.trace.steps)

    @property
    def micro(self):
        """The micro-step shown last, or None before the first."""
        return self.trace.steps[self.index - 1] if self.index else None

    @property
    def phase(self) -> Phase:
        """The phase of the micro-step shown last, READY before the first."""
        return self.micro.phase if self.index else Phase.READY

    @property
    def complete(self) -> bool:
        """The whole iteration is shown and its update taken."""
        return self.index == self.total

    @property
    def iteration(self) -> int:
        """The number of the iteration being shown (1-based)."""
        return self.trace.step

    @property
    def veiled(self) -> bool:
        """The micro-step shown last has its formula shown and its numbers
        still hidden: the class is asked first (``next(ask=True)``)."""
        at = self._veiled_at
        return at is not None and self.index > 0 and at[0] is self._trace and \
            at[1] == self.index

    def shown(self, phase: Phase) -> list:
        """The micro-steps of ``phase`` shown so far."""
        return [m for m in self.trace.steps[:self.index] if m.phase == phase]

    # --- moving ----------------------------------------------------------------

    def _announce(move):
        """A move of the walk: ``stepped`` once it is done, however many moves
        it is made of."""
        def announced(self, *args, **kwargs):
            self._moving += 1
            try:
                return move(self, *args, **kwargs)
            finally:
                self._moving -= 1
                if not self._moving:
                    self.events.stepped.emit()
        announced.__name__, announced.__doc__ = move.__name__, move.__doc__
        return announced

    @_announce
    def refresh(self) -> None:
        """Start the next iteration's walk from the session's current state."""
        self.trace = self._trace_ahead()
        self.index = 0

    @_announce
    def retrace(self) -> None:
        """The settings changed: they apply from the next update, and the
        walk stays where it is (a lecturer keeps their place mid-walk).
        A walk under way is traced again from the same start, at the same
        micro-step; one shown whole stays as it was taken."""
        if self.complete:
            return
        index = self.index
        self.trace = self._trace_ahead()
        self.index = min(index, self.total - 1)

    def _trace_ahead(self) -> IterationTrace:
        """The next iteration traced from the session as it is now.  A
        complete iteration's arrow to the next update (``next_update``), or
        the walk before a setting changed, traced it already: taken from
        there, the next micro-step does not pass over the whole batch a
        second time; and a setting of the update alone (η dragged on its
        slider) takes the update again, not the pass."""
        s = self.session
        ahead = self._ahead
        if ahead is not None and ahead[0] is s.state and ahead[1] is s.trainer:
            settings, result, trace = ahead[2], ahead[3], ahead[4]
            if settings == s.settings:
                return trace
            if differs_in_update_only(settings, s.settings):
                new = s.trainer.with_update(result, s.settings)
                if new is not None:
                    trace = with_update(trace, s.trainer, new, s.settings)
                    self._ahead = (s.state, s.trainer, s.settings, new, trace)
                    return trace
        result, trace = s.preview_step()
        self._ahead = (s.state, s.trainer, s.settings, result, trace)
        return trace

    @property
    def trains(self) -> bool:
        """Whether an iteration changes anything: a circuit (no parameters)
        computes the same numbers at every pass, so its walk has one
        iteration, which ``to_start`` walks again."""
        return bool(self.session.param_names)

    @_announce
    def forward(self) -> bool:
        """One micro-step on; False when nothing can follow: a diverged
        step, or a circuit's walk at its end (its finished backward pass
        stays shown; ``to_start`` walks it again)."""
        if self.complete:
            if self.trace.diverged or not self.trains:
                return False
            self.refresh()
        self.index += 1
        if self.complete and self.trains:
            self.session.step()
        return True

    @_announce
    def next(self, ask=False) -> bool:
        """The clicker's next.  ``ask`` (True, or which micro-steps: see
        ``_asking``): a new micro-step comes veiled (its formula, not its
        numbers) and the next click reveals it, as a lecturer asks the class
        before the number appears."""
        if self.veiled:
            self._veiled_at = None
            return True
        moved = self.forward()
        if moved and self._asking(ask):
            self._veiled_at = (self._trace, self.index)
        return moved

    @_announce
    def previous(self, ask=False) -> bool:
        """The clicker's previous: each click of ``next`` taken back in turn
        (a revealed micro-step is veiled again, a veiled one goes back to
        the one before, revealed)."""
        if self.index > 0 and not self.veiled and self._asking(ask):
            self._veiled_at = (self._trace, self.index)
            return True
        self._veiled_at = None
        return self.back()

    def _asking(self, ask) -> bool:
        """Whether the micro-step shown is asked: ``ask`` True asks every
        step that computes something, a function of the micro-step those it
        answers True for (an exercise hiding gradients alone)."""
        if not ask or not asks(self.micro):
            return False
        return ask is True or bool(ask(self.micro))

    def unveil(self) -> None:
        """Reveal the micro-step shown (asking turned off)."""
        if self.veiled:
            self._veiled_at = None
            self.events.stepped.emit()

    @_announce
    def back(self) -> bool:
        """One micro-step back; False at the very beginning.  From the first
        micro-step of an iteration it goes to the previous one complete, as
        going forward from there came here."""
        if self.index <= 1 and self.session.iteration > 0:
            self.show_iteration(self.session.iteration)
            return True
        if self.index == 0:
            return False
        if self.complete and not self.trace.diverged and self.trains:
            self.session.goto(self.session.iteration - 1)
        self.index -= 1
        return True

    @_announce
    def finish_phase(self) -> None:
        """On to the last micro-step of the current phase (or of the next one,
        when the current one is finished)."""
        at_phase_end = self.complete or self.index == 0 or \
            self.trace.steps[self.index].phase != self.phase
        if at_phase_end and not self.forward():
            return
        phase = self.phase
        while not self.complete and self.trace.steps[self.index].phase == phase:
            self.forward()

    @_announce
    def to_start(self) -> None:
        """Back to this iteration's start, before its first micro-step (its
        update, if taken, taken back)."""
        if self.complete and not self.trace.diverged and self.trains:
            self.session.goto(self.session.iteration - 1)
        self.index = 0

    @_announce
    def to_end(self) -> None:
        """On to this iteration's last micro-step, its update taken; at its
        end already, nothing (not the next iteration)."""
        while not self.complete:
            self.forward()

    @_announce
    def finish_iteration(self) -> None:
        """Show the rest of this iteration and take its update; if it is
        already taken, take the whole next one."""
        if self.complete:
            if not self.forward():
                return
        while not self.complete:
            self.forward()

    @_announce
    def next_epoch(self, limit: int = 100_000) -> None:
        """Whole iterations until the data's epoch changes (a circuit's
        never does: its walk is shown whole)."""
        if not self.trains:
            self.finish_iteration()
            return
        epoch = self.session.state.position.epoch
        for _ in range(limit):
            self.finish_iteration()
            if self.trace.diverged or self.session.state.position.epoch != epoch:
                return

    @_announce
    def show_iteration(self, iteration: int) -> None:
        """Go to after ``iteration`` steps, showing that iteration complete
        (iteration 0: the start, nothing shown)."""
        if iteration == 0:
            self.session.goto(0)
            self.refresh()
            return
        self.session.goto(iteration - 1)
        self.trace = self.session.preview()
        self.session.goto(iteration)
        self.index = self.total

    def next_update(self):
        """(names, values now, values after the next update or None if it
        diverges): the update being walked, or — once an iteration is
        complete — the one that follows (computed, not taken; kept until
        the walk or the session moves)."""
        update = self.trace.steps[-1]
        if not self.complete or update.after is None:
            return (update.names, update.before, update.after)
        if self._next is None:
            trace = self._trace_ahead()
            nxt = trace.steps[-1]
            self._next = (nxt.names, nxt.before, nxt.after)
        return self._next

    @_announce
    def show_diverged(self) -> None:
        """Show the step that diverged from the session's state, whole: its
        cost, its gradients and the update that was not applied."""
        self.trace = self._trace_ahead()
        self.index = self.total

    @_announce
    def show_trace(self, trace) -> None:
        """Show a step the session has just taken, complete (Run mode)."""
        self.trace = trace
        self.index = self.total

    @_announce
    def after_run(self) -> None:
        """The session moved on by itself (Run mode): show where it is."""
        self.show_iteration(self.session.iteration)

    @_announce
    def reset(self) -> None:
        """Back to the network's own values, with a fresh history."""
        self.session.rebuild()
        self.refresh()
