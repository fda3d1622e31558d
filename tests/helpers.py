"""Small builders shared by the tests."""
from __future__ import annotations

import numpy as np

from bpsim.engine import EdgeSpec, GraphSpec, NodeSpec, Settings, Trainer, single_sample
from bpsim.engine.data import Dataset


def graph(nodes, edges, outputs) -> GraphSpec:
    return GraphSpec(tuple(NodeSpec(*n) if isinstance(n, tuple) else n for n in nodes),
                     tuple(EdgeSpec(*e) for e in edges), tuple(outputs))


def trainer(spec: GraphSpec, dataset: Dataset | None = None) -> Trainer:
    return Trainer(spec, dataset or single_sample())


def numeric_grad(tr: Trainer, theta: np.ndarray, rows, settings: Settings,
                 h: float = 1e-6) -> np.ndarray:
    """Central differences of the cost for every named parameter."""
    out = []
    for pos in tr.compiled.param_theta:
        plus, minus = theta.copy(), theta.copy()
        plus[pos] += h
        minus[pos] -= h
        out.append((tr.evaluate(plus, rows, settings).cost
                    - tr.evaluate(minus, rows, settings).cost) / (2 * h))
    return np.array(out)


def assert_grads_close(analytic, numeric, rtol=1e-6, atol=1e-8):
    np.testing.assert_allclose(analytic, numeric, rtol=rtol, atol=atol)
