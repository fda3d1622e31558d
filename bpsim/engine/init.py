"""The starting parameter vector: the file's values, missing ones drawn."""
from __future__ import annotations

import math

import numpy as np

from .graph import Compiled


def given_values(c: Compiled) -> list[float | None]:
    """Each named parameter's value as the spec gives it (None if absent)."""
    spec = c.spec
    values: list[float | None] = []
    for i, node in enumerate(spec.nodes):
        if node.kind == "neuron":
            values.extend(spec.edges[e].weight for e in c.in_edges[i])
            values.append(node.bias)
        elif node.kind == "param":
            values.append(node.value)
    return values


def initial_theta(c: Compiled, seed: int) -> np.ndarray:
    """Theta with the spec's values; each missing one drawn, in parameter
    order, from ``default_rng(seed)``: uniform in ±1/√fan_in for weights and
    biases (as ``torch.nn.Linear``; 0 for a neuron without inputs) and in ±1
    for a ``param``."""
    theta = np.zeros(c.theta_size)
    rng = np.random.default_rng(seed)
    for pos, fan_in, value in zip(c.param_theta, c.param_fan_in, given_values(c)):
        if value is None:
            bound = 1.0 if fan_in < 0 else (1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0)
            value = rng.uniform(-bound, bound)
        theta[pos] = value
    return theta
