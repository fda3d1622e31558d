"""Training steps: batch, forward, cost, backward, update; stopping rules.

A :class:`Trainer` is compiled once per network structure.  Its state lives in
immutable :class:`TrainState` values, so a history can keep them and any step
can be replayed from any of them with identical numbers.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from ..enums import Word

from .data import BatchPosition, Dataset, epoch_order
from .graph import GraphSpec, compile_graph
from .init import initial_theta
from .losses import LOSSES, loss_value_and_grad, penalty_and_grad
from .network import Network, Pass
from .optimizers import OptimizerState, update


@dataclass(frozen=True)
class Settings:
    """Everything about training that may change between iterations."""

    loss: str = "none"
    reduction: str = "mean"
    regularization: str = "none"
    lam: float = 0.0
    learning_rate: float = 0.1
    optimizer: str = "gd"
    momentum: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    batch: str | int = "full"
    shuffle: bool = False
    seed: int = 0
    epsilon: float | None = None
    max_steps: int | None = None

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)


# The per-step records are slotted, not frozen: a frozen dataclass's __init__
# costs a microsecond per field, a lot in a 15 µs step.  Treat them as immutable.
# The settings a step's update alone depends on: changed, the step's pass
# (its rows, cost and gradient) stands, and only the update is taken again.
UPDATE_ONLY = ("learning_rate", "optimizer", "momentum", "beta1", "beta2", "eps", "epsilon",
               "max_steps")


def differs_in_update_only(a: Settings, b: Settings) -> bool:
    return replace(a, **{name: getattr(b, name) for name in UPDATE_ONLY}) == b


@dataclass(slots=True)
class TrainState:
    theta: np.ndarray
    optimizer: OptimizerState = field(default_factory=OptimizerState)
    position: BatchPosition = field(default_factory=BatchPosition)
    step: int = 0   # updates applied so far


@dataclass(slots=True)
class Evaluation:
    """One forward and backward pass over a batch."""

    rows: np.ndarray
    y: np.ndarray          # outputs × samples
    t: np.ndarray | None   # targets × samples
    dy: np.ndarray         # ∂loss/∂y
    loss: float
    penalty: float
    cost: float
    grad: np.ndarray       # ∂cost/∂theta
    penalty_grad: np.ndarray | None
    loss_kind: str = "none"

    @property
    def elements(self) -> np.ndarray:
        """The per-element losses (computed when asked: only the trace needs them)."""
        with np.errstate(all="ignore"):
            return LOSSES[self.loss_kind].elements(self.y, self.t)


@dataclass(slots=True)
class StepResult:
    step: int                      # 1-based number of this step
    evaluation: Evaluation
    test_cost: float | None
    before: TrainState
    after: TrainState | None       # None when the step diverged
    direction: np.ndarray | None   # what η multiplied
    exact: bool = False            # passed again exactly (non-finite numbers: see Pass)

    @property
    def diverged(self) -> bool:
        return self.after is None

    @property
    def cost(self) -> float:
        return self.evaluation.cost

    @property
    def delta_norm(self) -> float:
        """‖Δp‖₂ of the applied update (nan when none was applied)."""
        if self.after is None:
            return float("nan")
        return _change_norm(self.before.theta, self.after.theta)


def _change_norm(before: np.ndarray, after: np.ndarray) -> float:
    """‖after − before‖₂."""
    with np.errstate(over="ignore"):   # a huge but finite step has norm inf: fine
        d = after - before
        return float(np.sqrt(d.dot(d)))


def _all_finite(v: np.ndarray) -> bool:
    """Whether every entry of ``v`` is finite.  v·v is finite only if they
    all are, and one dot product (the method: np.dot's dispatch costs more
    than a small product) costs less than a sum; only an overflowing product
    of finite values needs the element-wise check."""
    return math.isfinite(v.dot(v)) or bool(np.all(np.isfinite(v)))


class StopReason(Word):
    """Why a run ended: the contract's ``stopped`` (and, for a runner that
    failed, ``error``)."""

    MAX_STEPS = "max_steps"
    EPSILON = "epsilon"
    DIVERGED = "diverged"
    ERROR = "error"


def stop_reason(result: StepResult, epsilon: float | None,
                steps_left: int | None) -> StopReason | None:
    """The contract's stopping rule after one step (every runner's): a step
    that diverged ends the run, its update not applied; then an update
    smaller than ``epsilon``; then the steps allowed, used up (``steps_left``
    None: no end).  When epsilon and the last step allowed come together,
    the run stopped for epsilon.  None: the run goes on."""
    if result.diverged:
        return StopReason.DIVERGED
    return stop_after_update(result.before.theta, result.after.theta, epsilon, steps_left)


def stop_after_update(before: np.ndarray, after: np.ndarray, epsilon: float | None,
                      steps_left: int | None) -> StopReason | None:
    """The rest of ``stop_reason``'s rule, for a step whose update was
    applied (from parameters ``before`` to ``after``): a run that makes no
    step records asks it directly."""
    if epsilon is not None and _change_norm(before, after) < epsilon:
        return StopReason.EPSILON
    if steps_left is not None and steps_left <= 0:
        return StopReason.MAX_STEPS
    return None


@dataclass(frozen=True)
class RunResult:
    costs: list[float]
    test_costs: list[float]
    state: TrainState
    stopped: StopReason     # MAX_STEPS when all the steps asked for were taken


def _owned(ev: Evaluation) -> Evaluation:
    """An evaluation that no later pass overwrites (the pass's buffers are reused)."""
    return replace(ev, grad=ev.grad.copy(), y=ev.y.copy())


class Trainer:
    """A compiled network with its data, ready to take steps."""

    def __init__(self, spec: GraphSpec, dataset: Dataset):
        self.compiled = compile_graph(spec)
        self.dataset = dataset
        self.network = Network(self.compiled, dataset.inputs)
        n = self._n_train = dataset.n_train     # (a property: kept for the batches)
        self._X_train = np.ascontiguousarray(dataset.X[:n].T)
        self._T_train = np.ascontiguousarray(dataset.T[:n].T)
        self._X_test = np.ascontiguousarray(dataset.X[n:].T)
        self._T_test = np.ascontiguousarray(dataset.T[n:].T)
        # A second network for the test rows, so a step's test cost never
        # overwrites the buffers the trace reads.
        self._test_network = Network(self.compiled, dataset.inputs)
        self._order = np.arange(n)
        self._batches: dict[tuple[int, int], tuple] = {}
        self._shuffled_key: tuple | None = None
        self._shuffled = self._order
        self._last: Pass | None = None

    @property
    def param_names(self) -> list[str]:
        return self.compiled.param_names

    def named(self, theta: np.ndarray) -> np.ndarray:
        """The named parameters' values, in ``param_names`` order."""
        return theta[self.compiled.param_theta]

    def initial_state(self, seed: int) -> TrainState:
        return TrainState(initial_theta(self.compiled, seed))

    @property
    def last_pass(self) -> Pass:
        """The buffers of the last training pass, for the trace."""
        return self._last

    # --- batches -------------------------------------------------------------

    def _epoch_order(self, seed: int, epoch: int) -> np.ndarray:
        """A shuffled epoch's row order (the last one drawn is kept)."""
        if (seed, epoch) != self._shuffled_key:
            self._shuffled = epoch_order(self.dataset.n_train, True, seed, epoch)
            self._shuffled_key = (seed, epoch)
        return self._shuffled

    def next_batch(self, pos: BatchPosition, settings: Settings):
        """(rows, inputs, targets, position after) of the next batch.

        Mini-batches are consecutive in the epoch's order; the last one of an
        epoch may be smaller, and the next epoch starts again at its first row.
        A full batch is always every training row in file order.  Batches in
        file order are views of the data, made once and kept.
        """
        rows, x, t, epoch, row = self._batch(pos.epoch, pos.row, settings)
        return rows, x, t, BatchPosition(epoch, row)

    def _batch(self, epoch: int, row: int, settings: Settings):
        """``next_batch`` with the positions as numbers: (rows, inputs,
        targets, epoch after, row after)."""
        n = self._n_train
        batch = settings.batch
        k = n if batch == "full" else 1 if batch == "sgd" else min(int(batch), n)
        if batch == "full" or not settings.shuffle:
            start = 0 if batch == "full" else row
            cached = self._batches.get((k, start))
            if cached is None:
                stop = min(start + k, n)
                cached = self._batches[(k, start)] = (
                    self._order[start:stop], self._X_train[:, start:stop],
                    self._T_train[:, start:stop], stop)
            rows, x, t, after = cached
        else:
            order = self._epoch_order(settings.seed, epoch)
            rows = order[row:row + k]
            x, t = self._X_train[:, rows], self._T_train[:, rows]
            after = row + len(rows)
        return (rows, x, t, epoch + 1, 0) if after >= n else (rows, x, t, epoch, after)

    # --- passes ---------------------------------------------------------------

    def evaluate(self, theta: np.ndarray, rows: np.ndarray, settings: Settings,
                 all_nodes: bool = True) -> Evaluation:
        """Forward, cost and backward on training rows.  The pass's buffers
        keep every node's values for the trace (``last_pass``)."""
        x, t = self._X_train[:, rows], self._T_train[:, rows]
        with np.errstate(all="ignore"):
            ev = self._evaluate(theta, x, t, rows, settings, all_nodes)
            if self._leaked(self._last):
                ev = self._evaluate(theta, x, t, rows, settings, all_nodes, exact=True)
            return _owned(ev)

    @staticmethod
    def _leaked(p: Pass) -> bool:
        """Whether a non-finite number in a pass that shows every node may
        have reached nodes it does not feed (the dense products' 0·inf):
        then pass again, exactly.  Training steps ask less (see ``_step``)."""
        return p.can_leak and not (np.isfinite(p.A).all() and np.isfinite(p.dA).all())

    def _evaluate(self, theta, x, t, rows, settings: Settings, all_nodes: bool,
                  exact: bool = False) -> Evaluation:
        """The pass itself; ``grad`` is the pass's own buffer (copy to keep it)."""
        cost, grad, y, targets, dy, loss_value, penalty, penalty_grad = self._pass(
            theta, x, t, len(rows), settings, all_nodes, exact)
        return Evaluation(rows, y, targets, dy, loss_value, penalty, cost, grad, penalty_grad,
                          settings.loss)

    def _pass(self, theta, x, t, size: int, settings: Settings, all_nodes: bool,
              exact: bool = False) -> tuple:
        """Forward, cost and backward over a batch of ``size`` samples: (cost,
        ∂cost/∂theta, y, targets, ∂loss/∂y, loss, penalty, ∂penalty/∂theta),
        the fields of an Evaluation, which a run does without.  The gradient
        is the pass's own buffer."""
        loss = LOSSES[settings.loss]
        p = self.network.pass_for(size)
        self._last = p
        p.forward(theta, x, exact=exact)
        y = p.outputs()
        targets = t if loss.needs_targets else None
        loss_value, dy = loss_value_and_grad(loss, settings.reduction, y, targets)
        grad = p.backward(dy, all_nodes, exact=exact)
        penalty, penalty_grad = 0.0, None
        if settings.regularization != "none" and settings.lam:
            penalty, penalty_grad = penalty_and_grad(
                settings.regularization, settings.lam, theta * self.compiled.weight_mask)
            grad += penalty_grad
        return loss_value + penalty, grad, y, targets, dy, loss_value, penalty, penalty_grad

    def test_cost(self, theta: np.ndarray, settings: Settings) -> float | None:
        """The loss, without penalty, on the held-out rows."""
        count = self.dataset.test_count
        if count == 0:
            return None
        loss = LOSSES[settings.loss]
        p = self._test_network.pass_for(count)
        t = self._T_test if loss.needs_targets else None
        with np.errstate(all="ignore"):
            p.forward(theta, self._X_test)
            cost = loss_value_and_grad(loss, settings.reduction, p.outputs(), t)[0]
            if not math.isfinite(cost) and p.can_leak:
                p.forward(theta, self._X_test, exact=True)
                cost = loss_value_and_grad(loss, settings.reduction, p.outputs(), t)[0]
            return cost

    # --- steps ----------------------------------------------------------------

    def step(self, state: TrainState, settings: Settings) -> StepResult:
        """One iteration.  A non-finite cost or parameter leaves ``after`` None:
        the update is not applied."""
        with np.errstate(all="ignore"):
            result = self._step(state, settings, True)
            if not result.exact and self._leaked(self._last):
                result = self._step(state, settings, True, exact=True)
        ev = _owned(result.evaluation)
        # gd's direction is the gradient itself, i.e. the pass's buffer
        direction = ev.grad if result.direction is result.evaluation.grad else result.direction
        return replace(result, evaluation=ev, direction=direction)

    def _step(self, state: TrainState, settings: Settings, all_nodes: bool,
              exact: bool = False) -> StepResult:
        rows, x, t, position = self.next_batch(state.position, settings)
        test = self.test_cost(state.theta, settings) if self.dataset.test_count else None
        ev = self._evaluate(state.theta, x, t, rows, settings, all_nodes, exact)
        number = state.step + 1
        if not math.isfinite(ev.cost):
            if not exact and self._last.can_leak:
                return self._step(state, settings, all_nodes, exact=True)
            return StepResult(number, ev, test, state, None, None, exact)
        result = self._updated(state, settings, ev, test, position, exact)
        if result.after is None and not exact and self._last.can_leak:
            return self._step(state, settings, all_nodes, exact=True)
        return result

    def _updated(self, state: TrainState, settings: Settings, ev: Evaluation, test,
                 position: BatchPosition, exact: bool) -> StepResult:
        """The step of evaluation ``ev`` (a finite cost) with the optimizer's update."""
        number = state.step + 1
        up = update(settings.optimizer, state.theta, ev.grad, state.optimizer,
                    settings.learning_rate, settings.momentum, settings.beta1,
                    settings.beta2, settings.eps)
        if not _all_finite(up.theta):
            return StepResult(number, ev, test, state, None, up.direction, exact)
        after = TrainState(up.theta, up.state, position, number)
        return StepResult(number, ev, test, state, after, up.direction, exact)

    def with_update(self, result: StepResult, settings: Settings) -> StepResult | None:
        """``result``'s step with the update taken under ``settings``, whose
        difference from the settings it was taken with is in the update
        alone (``UPDATE_ONLY``): the same rows, cost and gradient, not
        passed over again.  None where only a pass can tell (the cost was
        not finite, or the new update is not and the pass was not exact)."""
        if not math.isfinite(result.evaluation.cost):
            return None
        position = result.after.position if result.after is not None else \
            self.next_batch(result.before.position, settings)[3]
        with np.errstate(all="ignore"):
            new = self._updated(result.before, settings, result.evaluation, result.test_cost,
                                position, result.exact)
        if new.after is None and not result.exact:
            return None
        # gd's direction is the gradient itself: owned by the evaluation
        return new

    def run(self, state: TrainState, settings: Settings, steps: int,
            use_epsilon: bool = True, on_step=None) -> RunResult:
        """Up to ``steps`` iterations with the contract's stopping rules.

        The result lists every step's cost and test cost (some 32 bytes a
        step each): a run of any length goes in chunks, each from the state
        the last one ended at (the numbers are the same), as ``bpsim train``
        runs it.  The evaluations handed to ``on_step`` share the pass's
        buffers: copy ``evaluation.grad`` or ``evaluation.y`` to keep them
        beyond the call.  Without ``on_step`` the steps make no records at
        all (the same numbers: see ``_run_unobserved``).
        """
        epsilon = settings.epsilon if use_epsilon else None
        if on_step is None:
            return self._run_unobserved(state, settings, steps, epsilon)
        costs: list[float] = []
        test_costs: list[float] = []
        stopped = None
        with np.errstate(all="ignore"):
            for k in range(steps):
                result = self._step(state, settings, False)
                costs.append(result.evaluation.cost)
                if result.test_cost is not None:
                    test_costs.append(result.test_cost)
                if on_step is not None:
                    on_step(result)
                if result.after is not None:
                    state = result.after
                stopped = stop_reason(result, epsilon, steps - k - 1)
                if stopped is not None:
                    break
        return RunResult(costs, test_costs, state, stopped or StopReason.MAX_STEPS)

    def _run_unobserved(self, state: TrainState, settings: Settings, steps: int,
                        epsilon: float | None) -> RunResult:
        """``run`` with no one to hand the steps to: ``_step``'s arithmetic
        without its records (a StepResult, a TrainState and a BatchPosition a
        step, a noticeable part of a small net's step).  A step whose cost or
        update is not finite is taken again by ``_step`` itself, which
        decides what becomes of it (an exact pass, or divergence)."""
        costs: list[float] = []
        test_costs: list[float] = []
        theta, opt, number = state.theta, state.optimizer, state.step
        epoch, row = state.position.epoch, state.position.row
        testing = self.dataset.test_count > 0
        kind, momentum, beta1, beta2, eps = (settings.optimizer, settings.momentum,
                                             settings.beta1, settings.beta2, settings.eps)
        # A 0-d array: NumPy multiplies by it faster than by a Python float
        # (the same float64 product).
        lr = np.array(settings.learning_rate, dtype=float)
        with np.errstate(all="ignore"):
            for k in range(steps):
                rows, x, t, next_epoch, next_row = self._batch(epoch, row, settings)
                test = self.test_cost(theta, settings) if testing else None
                cost, grad = self._pass(theta, x, t, len(rows), settings, False)[:2]
                up = None
                if math.isfinite(cost):
                    up = update(kind, theta, grad, opt, lr, momentum, beta1, beta2, eps)
                if up is None or not _all_finite(up.theta):
                    before = self._state(state, theta, opt, epoch, row, number)
                    result = self._step(before, settings, False)
                    costs.append(result.evaluation.cost)
                    if result.test_cost is not None:
                        test_costs.append(result.test_cost)
                    after = result.after if result.after is not None else before
                    stopped = stop_reason(result, epsilon, steps - k - 1)
                    if stopped is not None:
                        return RunResult(costs, test_costs, after, stopped)
                    theta, opt, number = after.theta, after.optimizer, after.step
                    epoch, row = after.position.epoch, after.position.row
                    continue
                costs.append(cost)
                if test is not None:
                    test_costs.append(test)
                stopped = stop_after_update(theta, up.theta, epsilon, steps - k - 1)
                theta, opt, number = up.theta, up.state, number + 1
                epoch, row = next_epoch, next_row
                if stopped is not None:
                    return RunResult(costs, test_costs,
                                     self._state(state, theta, opt, epoch, row, number), stopped)
        return RunResult(costs, test_costs, self._state(state, theta, opt, epoch, row, number),
                         StopReason.MAX_STEPS)

    @staticmethod
    def _state(start: TrainState, theta, opt, epoch, row, number) -> TrainState:
        """The state a run from ``start`` has come to (``start`` itself when
        no update has been applied since)."""
        if number == start.step:
            return start
        return TrainState(theta, opt, BatchPosition(epoch, row), number)
