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


def landscape(trainer: Trainer, theta: np.ndarray, settings: Settings, names: tuple[str, ...],
              values: tuple[np.ndarray, ...], network: Network | None = None) -> np.ndarray:
    """The cost over all training rows (the cost the descent minimizes) with
    one parameter at each of ``values[0]`` (a curve), or two: cost[j, i] with
    names[0] at values[0][i] and names[1] at values[1][j].

    ``network``: one of the trainer's graph to evaluate with, kept by a
    caller that asks often (its buffers are large, and made once); by
    default a new one, so any thread may call this."""
    c = trainer.compiled
    if len(set(names)) != len(names) or len(names) not in (1, 2):
        raise ValueError("a landscape needs one parameter or two different ones")
    pos = [int(c.param_theta[c.param_names.index(n)]) for n in names]
    if len(names) == 1:     # a curve: the same parameter on both axes, once
        return landscape_points(trainer, theta, settings, pos[:1],
                                [np.asarray(values[0], dtype=float)], network)
    va, vb = (np.asarray(v, dtype=float) for v in values)
    ga, gb = np.meshgrid(va, vb)                    # (len b, len a)
    flat = landscape_points(trainer, theta, settings, pos, [ga.ravel(), gb.ravel()], network)
    return flat.reshape(len(vb), len(va))


def landscape_points(trainer: Trainer, theta: np.ndarray, settings: Settings,
                     pos: list[int], points: list[np.ndarray],
                     network: Network | None = None) -> np.ndarray:
    """The cost at each point: parameter pos[k] at points[k][i] for point i."""
    c = trainer.compiled
    deltas = [p - theta[q] for q, p in zip(pos, points)]
    ds = trainer.dataset
    n = ds.n_train
    X, T = np.ascontiguousarray(ds.X[:n].T), np.ascontiguousarray(ds.T[:n].T)
    loss = LOSSES[settings.loss]
    count = reduction_count(loss, len(c.output_rows), n, settings.reduction)
    if network is None:
        network = Network(c, ds.inputs)
    count_points = len(points[0])
    # equal passes: one size of buffers, made once when the network is kept
    passes = -(-count_points // max(1, COLUMNS_PER_PASS // n))
    per_pass = -(-count_points // passes)
    out = np.empty(count_points)
    with np.errstate(all="ignore"):
        for start in range(0, count_points, per_pass):
            k = min(per_pass, count_points - start)
            p = network.pass_for(n * k)
            offsets = {q: np.repeat(d[start:start + k], n) for q, d in zip(pos, deltas)}
            tiled = np.tile(X, k)
            t = np.tile(T, k) if loss.needs_targets else None
            for exact in (False, True):   # exactly only where a nan may have spread
                p.forward(theta, tiled, offsets, exact=exact)
                elements = loss.elements(p.outputs(), t)
                sums = elements.reshape(elements.shape[0], k, n).sum(axis=(0, 2))
                if np.isfinite(sums).all() or not p.can_leak:
                    break
            out[start:start + k] = sums
        cost = out / count
        if settings.regularization != "none" and settings.lam:
            base = float(np.sum(np.abs(theta * c.weight_mask)) if settings.regularization == "l1"
                         else np.dot(theta * c.weight_mask, theta * c.weight_mask))
            cost += settings.lam * base
            for q, grid in zip(pos, points):
                if c.weight_mask[q]:
                    cost += _penalty_delta(settings.regularization, settings.lam, theta[q], grid)
    return cost


def outputs_over(trainer: Trainer, theta: np.ndarray, X: np.ndarray,
                 node_ids: list[str]) -> dict[str, np.ndarray]:
    """Each named node's output for every row of ``X`` (rows × data inputs):
    the network's output over the input plane, or one hidden neuron's."""
    c = trainer.compiled
    network = Network(c, trainer.dataset.inputs)
    p = network.pass_for(len(X))
    with np.errstate(all="ignore"):
        inputs = np.ascontiguousarray(np.asarray(X, dtype=float).T)
        p.forward(theta, inputs)
        if p.can_leak and not np.isfinite(p.A).all():
            p.forward(theta, inputs, exact=True)
    return {nid: p.A[c.row[c.index[nid]]].copy() for nid in node_ids}


def contour_lines(grid: np.ndarray, levels: int = 10):
    """What a heatmap of the grid shows, and its contour lines: (shown,
    logged, x, y).  ``shown`` is the grid, or log10 of (grid − min) where the
    cost spans more than three decades (``logged``), with non-finite values
    at its maximum; x and y are the end points of the lines' segments, in
    pairs, in index coordinates (x = column, y = row)."""
    logged = bool(np.ptp(grid) > 1e3)
    shown = np.log10(grid - np.nanmin(grid) + 1e-12) if logged else grid
    finite_at = np.isfinite(shown)
    finite = np.where(finite_at, shown, np.nanmax(shown[finite_at]) if finite_at.any() else 0.0)
    x, y = contour_segments(finite, np.linspace(finite.min(), finite.max(), levels + 2)[1:-1])
    return finite, logged, x, y


def contour_segments(f, levels):
    """Marching squares over all levels at once: end points of the segments,
    in pairs (x = column, y = row of f)."""
    f = np.asarray(f, dtype=float)
    corners = np.stack([f[:-1, :-1], f[:-1, 1:], f[1:, 1:], f[1:, :-1]])   # a b c d, clockwise
    lo, hi = corners.min(0), corners.max(0)
    L = np.asarray(levels, dtype=float)[:, None, None]
    k, r, q = np.nonzero((lo[None] < L) & (L < hi[None]))     # crossed cells
    v = corners[:, r, q]                                      # (4, m)
    lev = L[k, 0, 0]
    u, w = v, np.roll(v, -1, axis=0)                          # edges a-b, b-c, c-d, d-a
    ok = (u > lev) != (w > lev)
    # edge k runs from corner k to corner k+1: a(0,0) b(1,0) c(1,1) d(0,1) as (dx, dy)
    cx = np.array([0, 1, 1, 0.])[:, None]
    cy = np.array([0, 0, 1, 1.])[:, None]
    # edges the level does not cross divide by zero: they are dropped below
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (lev - u) / (w - u)     # where along each edge the level is crossed
        ex = cx + (np.roll(cx, -1, 0) - cx) * t + q
        ey = cy + (np.roll(cy, -1, 0) - cy) * t + r
    # the crossed edges first: two of them, or four at a saddle
    order = np.argsort(~ok, axis=0, kind="stable")
    ex = np.take_along_axis(ex, order, 0)
    ey = np.take_along_axis(ey, order, 0)
    four = ok.sum(0) == 4
    x = np.concatenate([ex[:2].T.ravel(), ex[2:, four].T.ravel()])
    y = np.concatenate([ey[:2].T.ravel(), ey[2:, four].T.ravel()])
    return x, y
