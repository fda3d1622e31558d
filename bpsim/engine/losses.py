"""Losses and the weight penalty, each with its derivative, as contract §1 says.

Predictions ``y`` and targets ``t`` are arrays of shape (outputs, samples).
``elements(y, t)`` gives the per-element loss, ``grad(y, t)`` its derivative
with respect to y; the reduction is applied by :func:`reduce_loss`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

BCE_LOG_CLAMP = -100.0
BCE_GRAD_FLOOR = 1e-12


def _bce(y, t):
    with np.errstate(divide="ignore", invalid="ignore"):
        return _bce_of(y, t, 1.0 - y)


def _bce_of(y, t, one_minus_y):
    log_y = np.maximum(np.log(y), BCE_LOG_CLAMP)
    log_1my = np.maximum(np.log(one_minus_y), BCE_LOG_CLAMP)
    # np.maximum propagates NaN, so y outside [0, 1] stays non-finite.
    return -(t * log_y + (1.0 - t) * log_1my)


def _bce_grad(y, t):
    return _bce_grad_of(y, t, 1.0 - y)


def _bce_grad_of(y, t, one_minus_y):
    return (y - t) / np.maximum(y * one_minus_y, BCE_GRAD_FLOOR)


def _log_softmax(y):
    shifted = y - np.max(y, axis=0, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=0, keepdims=True))


def _softmax_ce(y, t):
    # One value per sample (a row of shape (1, samples)): the loss is over all outputs.
    return -np.sum(t * _log_softmax(y), axis=0, keepdims=True)


def _softmax_ce_grad(y, t):
    p = np.exp(_log_softmax(y))
    return p * np.sum(t, axis=0, keepdims=True) - t


def _softmax(y):
    return np.exp(_log_softmax(y))


@dataclass(frozen=True)
class Loss:
    """A loss, its derivative, and the derivative's rule: in y and t, and
    with the numbers in (functions.py says how rules are written), given the
    outputs and targets (outputs × samples), the output's row k and
    ``write``."""

    name: str
    elements: Callable
    grad: Callable
    formula: str          # per element, in y and t
    rule: str             # ∂/∂y of one element, as the notes write it
    rule_numbers: Callable | None = None    # (y, t, k, write) -> str
    needs_targets: bool = True
    per_sample: bool = False   # softmax_ce: one term per sample, not per output


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss("none", lambda y, t: y.copy(), lambda y, t: np.ones_like(y), "y", "1",
             needs_targets=False),
        Loss("mse", lambda y, t: (y - t) ** 2, lambda y, t: 2.0 * (y - t), "(y − t)²",
             "2·(y − t)",
             lambda y, t, k, w: f"2·({w(y[k])} − {w(t[k])})"),
        Loss("mae", lambda y, t: np.abs(y - t), lambda y, t: np.sign(y - t), "|y − t|",
             "sign(y − t)", lambda y, t, k, w: f"sign({w(y[k])} − {w(t[k])})"),
        # the floor of y·(1 − y) at 1e-12 (the contract's) changes nothing shown
        Loss("bce", _bce, _bce_grad, "−[t·ln y + (1 − t)·ln(1 − y)]",
             "(y − t)/(y·(1 − y))",
             lambda y, t, k, w: f"({w(y[k])} − {w(t[k])})/({w(y[k])}·{w(1.0 - y[k])})"),
        Loss("softmax_ce", _softmax_ce, _softmax_ce_grad, "−Σₖ tₖ·ln softmax(y)ₖ",
             "softmax(y)·Σt − t",
             lambda y, t, k, w: f"{w(_softmax(y)[k])}·{w(t.sum(axis=0))} − {w(t[k])}",
             per_sample=True),
        Loss("hinge", lambda y, t: np.maximum(0.0, 1.0 - t * y),
             lambda y, t: np.where(t * y < 1.0, -t, 0.0), "max(0, 1 − t·y)",
             "−t if t·y < 1, else 0"),
        Loss("perceptron", lambda y, t: np.maximum(0.0, -t * y),
             lambda y, t: np.where(t * y <= 0.0, -t, 0.0), "max(0, −t·y)",
             "−t if t·y ≤ 0, else 0"),
    )
}

REDUCTIONS = ("mean", "sum")
REGULARIZATIONS = ("none", "l1", "l2")


def reduction_count(loss: Loss, n_outputs: int, n_samples: int, reduction: str) -> float:
    """The divisor of the reduction: 1 for sum, the number of terms for mean."""
    if reduction == "sum":
        return 1.0
    return float(n_samples if loss.per_sample else n_outputs * n_samples)


def loss_and_grad(loss: Loss, reduction: str, y: np.ndarray, t: np.ndarray):
    """Return (per-element losses, reduced loss, ∂loss/∂y) for one batch."""
    with np.errstate(all="ignore"):
        elements = loss.elements(y, t)
        count = reduction_count(loss, y.shape[0], y.shape[1], reduction)
        total = float(np.sum(elements)) / count
        dy = loss.grad(y, t) / count
    return elements, total, dy


def loss_value_and_grad(loss: Loss, reduction: str, y: np.ndarray, t: np.ndarray):
    """(reduced loss, ∂loss/∂y) without keeping the per-element losses.

    The caller decides how NumPy reports a log of 0 or an overflow (training
    ignores them: a non-finite cost is detected, not raised).  Squared error,
    the common case in a training loop, takes four NumPy calls; binary
    cross-entropy computes 1 − y once for both of its formulas; every other
    loss goes through its table entry.
    """
    count = reduction_count(loss, y.shape[0], y.shape[1], reduction)
    if loss.name == "mse":
        d = y - t
        flat = d.ravel()
        total = float(flat.dot(flat)) / count     # (np.dot's dispatch costs more)
        # A 0-d array: NumPy multiplies by it faster than by a Python float
        # (the same float64 product).
        d *= np.array(2.0 / count)
        return total, d
    if loss.name == "bce":
        one_minus_y = 1.0 - y
        total = float(_bce_of(y, t, one_minus_y).sum()) / count
        return total, _bce_grad_of(y, t, one_minus_y) / count
    return float(loss.elements(y, t).sum()) / count, loss.grad(y, t) / count


@dataclass(frozen=True)
class Penalty:
    """A weight penalty: its value over the weights, its (sub)gradient, and
    the gradient's rule (as a loss's: ``rule_numbers(lam, w, write)``)."""

    name: str
    value: Callable       # (lam, weights) -> float
    grad: Callable        # (lam, weights) -> array
    formula: str          # the penalty, in λ and w
    rule: str             # its derivative by one weight
    rule_numbers: Callable


PENALTIES: dict[str, Penalty] = {
    p.name: p
    for p in (
        Penalty("l2", lambda lam, w: lam * float(w.dot(w)), lambda lam, w: 2.0 * lam * w,
                "λ·Σw²", "2·λ·w", lambda lam, w, write: f"2·{write(lam)}·{write(w)}"),
        Penalty("l1", lambda lam, w: lam * float(np.sum(np.abs(w))),
                lambda lam, w: lam * np.sign(w), "λ·Σ|w|", "λ·sign(w)",
                lambda lam, w, write: f"{write(lam)}·sign({write(w)})"),
    )
}


def penalty_and_grad(kind: str, lam: float, weights: np.ndarray):
    """λ·Σw² or λ·Σ|w| over the edge weights, and its (sub)gradient."""
    if kind == "none" or lam == 0.0:
        return 0.0, None
    penalty = PENALTIES[kind]
    return penalty.value(lam, weights), penalty.grad(lam, weights)
