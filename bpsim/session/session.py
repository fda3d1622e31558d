"""A document, its compiled trainer and the history of its iterations.

The session is what the command line and the GUI drive: step, trace, go back
to any iteration, change settings from the next iteration on, train.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ..document import Document, Loaded
from ..engine import IterationTrace, ParamName, RunResult, Settings, StepResult, StopReason, \
    Trainer, TrainState, build_trace
from .events import Events
from .history import History


class LayerNorms:
    """‖∂C/∂W‖ of each level of neurons (biases included), from a step's
    gradient: vanishing and exploding gradients show here."""

    def __init__(self, compiled):
        levels = compiled.neuron_levels
        self.starts = np.array([lv.theta_offset for lv in levels], dtype=np.intp)
        self.end = (levels[-1].theta_offset + levels[-1].shape[0] * levels[-1].shape[1]
                    if levels else 0)

    def __call__(self, grad: np.ndarray) -> np.ndarray | None:
        if not len(self.starts):
            return None
        return np.sqrt(np.add.reduceat(grad[:self.end] ** 2, self.starts))


@dataclass
class SessionParts:
    """What a structural change replaces in a session: kept by an undo step,
    so that undoing the change brings back the training as it was."""
    trainer: Trainer
    dataset: object
    state: TrainState
    history: History
    iteration: int
    diverged: bool

    @property
    def param_names(self) -> list[str]:
        return self.trainer.param_names


class Session:
    def __init__(self, document: Document, dataset, path: Path | None = None,
                 history: History | None = None, events: Events | None = None):
        """``events``: whom to tell of each move (the workspace's, shared by
        the sessions it builds in turn); a session of its own otherwise."""
        self.events = events if events is not None else Events()
        self.document = document
        self.dataset = dataset
        self.path = path
        self.history = history or History()
        self.rebuild()

    @classmethod
    def from_loaded(cls, loaded: Loaded) -> "Session":
        return cls(loaded.document, loaded.dataset, loaded.path)

    def rebuild(self) -> None:
        """Compile the document anew and start a fresh history from its values."""
        self.trainer = Trainer(self.document.graph_spec(), self.dataset)
        self._index_layers()
        settings = self.document.settings()
        self.state = self.trainer.initial_state(settings.seed)
        self.history.start(self.state, settings)
        self.iteration = 0
        self.diverged = False
        self._moved(history=True)

    def _moved(self, history: bool = False) -> None:
        self.events.iteration_changed.emit()
        if history:
            self.events.history_changed.emit()

    # --- reading ------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        """The settings the next step will use."""
        return self.history.settings_at(self.iteration)

    @property
    def param_names(self) -> list[str]:
        return self.trainer.param_names

    def parameters(self, state: TrainState | None = None) -> dict[str, float]:
        theta = (state or self.state).theta
        return dict(zip(self.param_names, self.trainer.named(theta).tolist()))

    def dead_relus(self) -> list[str]:
        """The ReLU neurons that are 0 on every training row with the
        parameters now (z ≤ 0 throughout): no gradient flows through them,
        so they never learn.  A pass of its own: the trace's buffers stay."""
        from ..engine.network import Network
        t = self.trainer
        c = t.compiled
        relus = [i for i, n in enumerate(c.spec.nodes) if n.kind == "neuron" and n.fn == "relu"]
        n = t.dataset.n_train
        if not relus or n == 0:
            return []
        p = Network(c, t.dataset.inputs).pass_for(n)
        with np.errstate(all="ignore"):
            p.forward(self.state.theta, np.ascontiguousarray(t.dataset.X[:n].T))
        return [c.spec.nodes[i].id for i in relus if np.all(p.Z[c.row[i]] <= 0.0)]

    def trained_document(self) -> Document:
        """A copy of the document holding the current parameter values."""
        doc = copy.deepcopy(self.document)
        doc.set_parameters(self.parameters())
        doc.apply_settings(self.settings)
        return doc

    # --- moving ------------------------------------------------------------

    def _record(self, result: StepResult, announce: bool = True) -> None:
        """``announce``: False inside a run, which announces once at its end."""
        if self.iteration < self.history.length:
            self.history.truncate(self.iteration)
            if announce:
                self.events.history_changed.emit()
        if result.diverged:
            self.diverged = True
            return
        self.iteration += 1
        # Values set by hand at this iteration, kept from an earlier pass here.
        self.state = self._with_values(result.after, self.history.edits_at(self.iteration))
        self.history.append(result.cost, result.test_cost, self.state,
                            self._layer_norms(result.evaluation.grad),
                            result.before.position.epoch)
        self.diverged = False
        if announce:
            self._moved(history=True)

    def _layer_norms(self, grad) -> np.ndarray | None:
        return self._norms(grad)

    def record_steps(self, costs: list[float], test_costs: list, states: list[TrainState],
                     norms: list, epochs: list[int]) -> None:
        """Record steps taken elsewhere (a training process) from this
        session's state and settings, as if they had been taken here."""
        if self.iteration < self.history.length:
            self.history.truncate(self.iteration)
        self.history.extend(costs, test_costs, states, norms, epochs)
        self.iteration += len(states)
        self.state = states[-1]
        self.diverged = False
        self._moved(history=True)

    @property
    def layer_names(self) -> list[str]:
        """The layers of ``_layer_norms``: each level's neurons."""
        spec = self.trainer.compiled.spec
        c = self.trainer.compiled
        names = []
        for lv in c.neuron_levels:
            ids = [n.id for i, n in enumerate(spec.nodes) if n.kind == "neuron" and
                   lv.r0 <= c.row[i] < lv.r1]
            names.append(", ".join(ids) if len(ids) <= 3 else f"{ids[0]} … ({len(ids)})")
        return names

    def _index_layers(self) -> None:
        self._norms = LayerNorms(self.trainer.compiled)

    def step(self) -> StepResult:
        result = self.trainer.step(self.state, self.settings)
        self._record(result)
        return result

    def step_traced(self) -> tuple[StepResult, IterationTrace]:
        """One iteration and its micro-steps."""
        settings = self.settings
        result = self.trainer.step(self.state, settings)
        trace = build_trace(self.trainer, result, settings)
        self._record(result)
        return result, trace

    def preview(self) -> IterationTrace:
        """The micro-steps of the next iteration, without taking it."""
        return self.preview_step()[1]

    def preview_step(self) -> tuple[StepResult, IterationTrace]:
        """The next iteration and its micro-steps, without taking it."""
        settings = self.settings
        result = self.trainer.step(self.state, settings)
        return result, build_trace(self.trainer, result, settings)

    def goto(self, iteration: int) -> None:
        """Go back (or forward, within the history) to after ``iteration`` steps,
        replaying from the nearest kept state."""
        self.state = self.state_at(iteration)
        self.iteration = iteration
        self.diverged = False
        self._moved()

    def state_at(self, iteration: int) -> TrainState:
        """The state after ``iteration`` steps of the history, replayed from
        the nearest kept state; the session stays where it is."""
        if not 0 <= iteration <= self.history.length:
            raise IndexError(f"iteration {iteration} is not in the history "
                             f"(0 to {self.history.length})")
        k, state = self.history.nearest_state(iteration)
        while k < iteration:
            state = self.trainer.step(state, self.history.settings_at(k)).after
            k += 1
            state = self._with_values(state, self.history.edits_at(k))
        return state

    def _with_values(self, state: TrainState, values: dict[int, float]) -> TrainState:
        if not values:
            return state
        theta = state.theta.copy()
        for pos, value in values.items():
            theta[pos] = value
        return replace(state, theta=theta)

    def set_value(self, name: str, value: float) -> None:
        """Set a parameter by hand at the current iteration; training goes on
        from there, and the history replays the change."""
        pos = int(self.trainer.compiled.param_theta[self.param_names.index(name)])
        self.state = self._with_values(self.state, {pos: float(value)})
        self.history.set_values(self.iteration, {pos: float(value)}, self.state)
        self.diverged = False
        self._moved(history=True)

    def detach(self) -> SessionParts:
        """Hand over the compiled network, state and history as they are;
        the session goes on with a history of its own (restructure starts it)."""
        parts = SessionParts(self.trainer, self.dataset, self.state, self.history,
                             self.iteration, self.diverged)
        self.history = History(recent=self.history.recent, every=self.history.every)
        return parts

    def attach(self, parts: SessionParts) -> None:
        """Take back what :meth:`detach` handed over."""
        self.trainer, self.dataset, self.state = parts.trainer, parts.dataset, parts.state
        self.history, self.iteration, self.diverged = parts.history, parts.iteration, \
            parts.diverged
        self._index_layers()
        self._moved(history=True)

    def restructure(self, renamed: dict[str, str] | None = None) -> None:
        """Compile the changed document; parameters that still exist keep
        their current values (``renamed``: nodes whose id changed, old →
        new, and their parameters with them), new ones take the document's
        (or are drawn).  The history starts again from here."""
        current = self.parameters()
        if renamed:
            current = {ParamName(name).renamed(renamed): value for name, value in current.items()}
        trainer = Trainer(self.document.graph_spec(), self.dataset)
        settings = self.document.settings()
        state = trainer.initial_state(settings.seed)
        theta = state.theta.copy()
        for name, pos in zip(trainer.param_names, trainer.compiled.param_theta):
            if name in current:
                theta[pos] = current[name]
        self.trainer = trainer
        self._index_layers()
        self.state = replace(state, theta=theta)
        self.history.start(self.state, settings)
        self.iteration = 0
        self.diverged = False
        self._moved(history=True)

    def change_settings(self, **changes) -> Settings:
        """New settings from the next iteration on; a history beyond the
        current iteration no longer holds and is dropped."""
        settings = self.settings.with_(**changes)
        self.history.set_settings(self.iteration, settings)
        self.events.settings_changed.emit()
        self.events.history_changed.emit()
        return settings

    def train(self, steps: int, use_epsilon: bool = True, on_step=None) -> RunResult:
        """Up to ``steps`` iterations under the contract's stopping rules.

        The run pauses at every iteration where the history plans a change
        (after going back), so the changes replay exactly."""
        def record(result: StepResult) -> None:
            self._record(result, announce=False)
            if on_step is not None:
                on_step(result)
        costs: list[float] = []
        test_costs: list[float] = []
        try:
            return self._train(steps, use_epsilon, record, costs, test_costs)
        finally:
            if costs or self.diverged:
                self._moved(history=True)

    def _train(self, left, use_epsilon, record, costs, test_costs) -> RunResult:
        while True:
            change = self.history.next_change_after(self.iteration)
            chunk = left if change is None else min(left, change - self.iteration)
            run = self.trainer.run(self.state, self.settings, chunk, use_epsilon, record)
            costs += run.costs
            test_costs += run.test_costs
            left -= len(run.costs)
            if run.stopped != StopReason.MAX_STEPS or left == 0:
                return RunResult(costs, test_costs, self.state, run.stopped)

    def gradient_check(self, h: float = 1e-6,
                       iteration: int | None = None) -> dict[str, tuple[float, float]]:
        """Analytic and central-difference gradients of the cost on the next
        step's batch, for every named parameter; with ``iteration``, of the
        step taken after that many (the one a completed iteration shows)."""
        if iteration is None or iteration == self.iteration:
            state, s = self.state, self.settings
        else:
            state, s = self.state_at(iteration), self.history.settings_at(iteration)
        rows = self.trainer.next_batch(state.position, s)[0]
        theta = state.theta
        analytic = self.trainer.named(self.trainer.evaluate(theta, rows, s).grad)
        out = {}
        for k, (name, pos) in enumerate(zip(self.param_names, self.trainer.compiled.param_theta)):
            plus, minus = theta.copy(), theta.copy()
            plus[pos] += h
            minus[pos] -= h
            numeric = (self.trainer.evaluate(plus, rows, s).cost
                       - self.trainer.evaluate(minus, rows, s).cost) / (2 * h)
            out[name] = (float(analytic[k]), float(numeric))
        return out


def relative_error(analytic: float, numeric: float) -> float:
    """|a − n| / max(|a|, |n|, 1e-8): relative, with a floor so two tiny
    gradients that agree absolutely are not reported as disagreeing."""
    return abs(analytic - numeric) / max(abs(analytic), abs(numeric), 1e-8)


def max_relative_error(checks: dict[str, tuple[float, float]]) -> float:
    return max((relative_error(a, n) for a, n in checks.values()), default=0.0)

