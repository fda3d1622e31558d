"""gd, momentum and Adam on the flat parameter vector, exactly as torch.optim."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

OPTIMIZERS = ("gd", "momentum", "adam")


@dataclass(frozen=True)
class OptimizerState:
    """What an optimizer carries from step to step (arrays shaped like theta)."""

    velocity: np.ndarray | None = None   # momentum's v
    m: np.ndarray | None = None          # Adam's first moment
    v: np.ndarray | None = None          # Adam's second moment
    t: int = 0                           # Adam's step count


@dataclass(slots=True)     # made at every step: frozen's __init__ costs a µs a field
class Update:
    theta: np.ndarray
    state: OptimizerState
    direction: np.ndarray   # what was multiplied by η: g, v, or m̂/(√v̂ + ε)


def update(kind: str, theta: np.ndarray, grad: np.ndarray, state: OptimizerState,
           lr: float, momentum: float = 0.9, beta1: float = 0.9, beta2: float = 0.999,
           eps: float = 1e-8) -> Update:
    """One optimizer step; nothing is changed in place.  (Callers decide how
    NumPy reports overflow: a diverging step is detected, not raised.)"""
    if kind == "gd":
        return Update(theta - lr * grad, state, grad)
    if kind == "momentum":
        v = grad.copy() if state.velocity is None else momentum * state.velocity + grad
        return Update(theta - lr * v, OptimizerState(velocity=v), v)
    if kind == "adam":
        t = state.t + 1
        m = (1.0 - beta1) * grad if state.m is None else beta1 * state.m + (1.0 - beta1) * grad
        v = (1.0 - beta2) * grad * grad if state.v is None else \
            beta2 * state.v + (1.0 - beta2) * grad * grad
        # torch.optim.Adam's own arrangement of the bias corrections.
        bias1 = 1.0 - beta1 ** t
        bias2 = 1.0 - beta2 ** t
        denom = np.sqrt(v) / np.sqrt(bias2) + eps
        direction = (m / bias1) / denom
        return Update(theta - lr * direction, OptimizerState(m=m, v=v, t=t), direction)
    raise ValueError(f"unknown optimizer {kind!r}")
