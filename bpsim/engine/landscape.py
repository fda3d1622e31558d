"""The cost over a grid of two parameters, the others held where they are.

The grid is evaluated in a few passes over the data tiled once per grid
point: every column sees its own pair of values through the pass's offsets,
so a 100 × 100 grid is a handful of matrix products, not 10 000 passes.  It
uses a network of its own, so it may run on another thread than the steps.
"""
from __future__ import annotations

import numpy as np

from .losses import LOSSES, reduction_count
from .network import Network
from .training import Settings, Trainer

COLUMNS_PER_PASS = 60_000


def _penalty_delta(kind: str, lam: float, w0: float, values: np.ndarray) -> np.ndarray:
    f = np.square if kind == "l2" else np.abs
    return lam * (f(values) - f(w0))


def landscape(trainer: Trainer, theta: np.ndarray, settings: Settings, names: tuple[str, str],
              values: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """cost[j, i] with parameter names[0] at values[0][i] and names[1] at
    values[1][j], over all training rows (the cost the descent minimizes)."""
    c = trainer.compiled
    if names[0] == names[1]:
        raise ValueError("a landscape needs two different parameters")
    pos = [int(c.param_theta[c.param_names.index(n)]) for n in names]
    va, vb = (np.asarray(v, dtype=float) for v in values)
    ga, gb = np.meshgrid(va, vb)                    # (len b, len a)
    da, db = ga.ravel() - theta[pos[0]], gb.ravel() - theta[pos[1]]
    ds = trainer.dataset
    n = ds.n_train
    X, T = np.ascontiguousarray(ds.X[:n].T), np.ascontiguousarray(ds.T[:n].T)
    loss = LOSSES[settings.loss]
    count = reduction_count(loss, len(c.output_rows), n, settings.reduction)
    network = Network(c, ds.inputs)
    points = len(da)
    per_pass = max(1, COLUMNS_PER_PASS // n)
    out = np.empty(points)
    with np.errstate(all="ignore"):
        for start in range(0, points, per_pass):
            k = min(per_pass, points - start)
            p = network.pass_for(n * k)
            offsets = {pos[0]: np.repeat(da[start:start + k], n),
                       pos[1]: np.repeat(db[start:start + k], n)}
            p.forward(theta, np.tile(X, k), offsets)
            y = p.outputs()
            t = np.tile(T, k) if loss.needs_targets else None
            elements = loss.elements(y, t)
            out[start:start + k] = elements.reshape(elements.shape[0], k, n).sum(axis=(0, 2))
        cost = out / count
        if settings.regularization != "none" and settings.lam:
            base = float(np.sum(np.abs(theta * c.weight_mask)) if settings.regularization == "l1"
                         else np.dot(theta * c.weight_mask, theta * c.weight_mask))
            cost += settings.lam * base
            for p_, grid in ((pos[0], ga.ravel()), (pos[1], gb.ravel())):
                if c.weight_mask[p_]:
                    cost += _penalty_delta(settings.regularization, settings.lam, theta[p_], grid)
    return cost.reshape(len(vb), len(va))
