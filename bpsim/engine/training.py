"""Training steps: batch, forward, cost, backward, update; stopping rules.

A :class:`Trainer` is compiled once per network structure.  Its state lives in
immutable :class:`TrainState` values, so a history can keep them and any step
can be replayed from any of them with identical numbers.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from .data import BatchPosition, Dataset, next_batch
from .graph import GraphSpec, compile_graph
from .init import initial_theta
from .losses import LOSSES, loss_and_grad, penalty_and_grad
from .network import Network
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


@dataclass(frozen=True)
class TrainState:
    theta: np.ndarray
    optimizer: OptimizerState = field(default_factory=OptimizerState)
    position: BatchPosition = field(default_factory=BatchPosition)
    step: int = 0   # updates applied so far


@dataclass(frozen=True)
class Evaluation:
    """One forward and backward pass over a batch."""

    rows: np.ndarray
    y: np.ndarray          # outputs × samples
    t: np.ndarray | None   # targets × samples
    elements: np.ndarray   # per-element loss
    dy: np.ndarray         # ∂loss/∂y
    loss: float
    penalty: float
    cost: float
    grad: np.ndarray       # ∂cost/∂theta
    penalty_grad: np.ndarray | None


@dataclass(frozen=True)
class StepResult:
    step: int                      # 1-based number of this step
    evaluation: Evaluation
    test_cost: float | None
    before: TrainState
    after: TrainState | None       # None when the step diverged
    direction: np.ndarray | None   # what η multiplied
    delta_norm: float

    @property
    def diverged(self) -> bool:
        return self.after is None

    @property
    def cost(self) -> float:
        return self.evaluation.cost


@dataclass(frozen=True)
class RunResult:
    costs: list[float]
    test_costs: list[float]
    state: TrainState
    stopped: str            # "max_steps", "epsilon" or "diverged"


class Trainer:
    """A compiled network with its data, ready to take steps."""

    def __init__(self, spec: GraphSpec, dataset: Dataset):
        self.compiled = compile_graph(spec)
        self.dataset = dataset
        self.network = Network(self.compiled, dataset.inputs)
        self._test_network = Network(self.compiled, dataset.inputs)
        n = dataset.n_train
        self._X_train = np.ascontiguousarray(dataset.X[:n].T)
        self._T_train = np.ascontiguousarray(dataset.T[:n].T)
        self._all_rows = np.arange(n)

    @property
    def param_names(self) -> list[str]:
        return self.compiled.param_names

    def named(self, theta: np.ndarray) -> np.ndarray:
        """The named parameters' values, in ``param_names`` order."""
        return theta[self.compiled.param_theta]

    def initial_state(self, seed: int) -> TrainState:
        return TrainState(initial_theta(self.compiled, seed))

    def _columns(self, rows: np.ndarray):
        if len(rows) == len(self._all_rows) and rows[0] == 0 and rows[-1] == len(rows) - 1:
            return self._X_train, self._T_train
        return self._X_train[:, rows], self._T_train[:, rows]

    def evaluate(self, theta: np.ndarray, rows: np.ndarray, settings: Settings) -> Evaluation:
        """Forward, cost and backward on training rows; the network's buffers
        keep every node's values for the trace."""
        x, t = self._columns(rows)
        return self._evaluate(self.network, theta, x, t, rows, settings)

    def _evaluate(self, network, theta, x, t, rows, settings: Settings) -> Evaluation:
        loss = LOSSES[settings.loss]
        buf = network.forward(theta, x, len(rows))
        y = network.outputs(buf)
        targets = t if loss.needs_targets else None
        elements, loss_value, dy = loss_and_grad(loss, settings.reduction, y, targets)
        grad = network.backward(theta, buf, dy, np.empty_like(theta))
        penalty, penalty_grad = penalty_and_grad(
            settings.regularization, settings.lam, theta * self.compiled.weight_mask)
        if penalty_grad is not None:
            grad += penalty_grad
        return Evaluation(rows, y, targets, elements, dy, loss_value, penalty,
                          loss_value + penalty, grad, penalty_grad)

    def test_cost(self, theta: np.ndarray, settings: Settings) -> float | None:
        """The loss, without penalty, on the held-out rows."""
        ds = self.dataset
        if ds.test_count == 0:
            return None
        x = np.ascontiguousarray(ds.X[ds.n_train:].T)
        t = np.ascontiguousarray(ds.T[ds.n_train:].T)
        loss = LOSSES[settings.loss]
        buf = self._test_network.forward(theta, x, ds.test_count)
        y = self._test_network.outputs(buf)
        return loss_and_grad(loss, settings.reduction, y, t if loss.needs_targets else None)[1]

    def step(self, state: TrainState, settings: Settings) -> StepResult:
        """One iteration.  A non-finite cost or parameter leaves ``after`` None:
        the update is not applied."""
        rows, position = next_batch(state.position, self.dataset.n_train, settings.batch,
                                    settings.shuffle, settings.seed)
        test = self.test_cost(state.theta, settings)
        ev = self.evaluate(state.theta, rows, settings)
        number = state.step + 1
        if not np.isfinite(ev.cost):
            return StepResult(number, ev, test, state, None, None, float("nan"))
        up = update(settings.optimizer, state.theta, ev.grad, state.optimizer,
                    settings.learning_rate, settings.momentum, settings.beta1,
                    settings.beta2, settings.eps)
        if not np.all(np.isfinite(up.theta)):
            return StepResult(number, ev, test, state, None, up.direction, float("nan"))
        delta = up.theta - state.theta
        after = TrainState(up.theta, up.state, position, number)
        with np.errstate(over="ignore"):   # a huge but finite step has norm inf: fine
            norm = float(np.sqrt(np.dot(delta, delta)))
        return StepResult(number, ev, test, state, after, up.direction, norm)

    def run(self, state: TrainState, settings: Settings, steps: int,
            use_epsilon: bool = True, on_step=None) -> RunResult:
        """Up to ``steps`` iterations with the contract's stopping rules."""
        costs: list[float] = []
        test_costs: list[float] = []
        stopped = "max_steps"
        for _ in range(steps):
            result = self.step(state, settings)
            costs.append(result.cost)
            if result.test_cost is not None:
                test_costs.append(result.test_cost)
            if on_step is not None:
                on_step(result)
            if result.diverged:
                stopped = "diverged"
                break
            state = result.after
            if use_epsilon and settings.epsilon is not None and result.delta_norm < settings.epsilon:
                stopped = "epsilon"
                break
        return RunResult(costs, test_costs, state, stopped)
