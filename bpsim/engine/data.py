"""Data sets: generated ones, and the batches a training run draws from them.

Generators use NumPy's PCG64 (``default_rng(seed)``), whose streams are the
same on every machine, so a seed names the same rows everywhere.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GENERATORS = ("xor", "circle", "gauss", "spiral", "line", "sine")
TWO_INPUT_GENERATORS = ("xor", "circle", "gauss", "spiral")


@dataclass(frozen=True)
class Dataset:
    """Rows of inputs X (n × inputs) and targets T (n × targets).

    The last ``test_count`` rows are held out of training.
    """

    inputs: tuple[str, ...]
    targets: tuple[str, ...]
    X: np.ndarray
    T: np.ndarray
    test_count: int = 0

    @property
    def n(self) -> int:
        return self.X.shape[0]

    @property
    def n_train(self) -> int:
        return self.n - self.test_count


def single_sample() -> Dataset:
    """No data: one sample made of the input nodes' own values."""
    return Dataset((), (), np.zeros((1, 0)), np.zeros((1, 0)))


def generate(name: str, samples: int = 200, noise: float = 0.1, seed: int = 0,
             labels: str = "01") -> tuple[np.ndarray, np.ndarray]:
    """(X, T) for a named generator.

    xor: uniform in [−1, 1]², class 1 where x₁·x₂ < 0.  circle: class 1 inside
    radius 0.5 of a disc of radius 1.  gauss: two blobs at ±(0.5, 0.5), class 1
    at +.  spiral: two interleaved arms.  line: t = 2x − 1.  sine: t = sin(πx),
    x in [−1, 1].  Noise is Gaussian with standard deviation ``noise``, added
    to the points (classes) or to the target (line, sine).
    """
    rng = np.random.default_rng(seed)
    n = int(samples)
    if name == "xor":
        p = rng.uniform(-1.0, 1.0, size=(n, 2))
        y = (p[:, 0] * p[:, 1] < 0).astype(float)
        p = p + rng.normal(0.0, noise, size=p.shape)
    elif name == "circle":
        r = np.sqrt(rng.uniform(0.0, 1.0, n))
        a = rng.uniform(0.0, 2 * np.pi, n)
        p = np.column_stack([r * np.cos(a), r * np.sin(a)])
        y = (r < 0.5).astype(float)
        p = p + rng.normal(0.0, noise, size=p.shape)
    elif name == "gauss":
        y = (rng.uniform(0.0, 1.0, n) < 0.5).astype(float)
        centre = np.where(y[:, None] > 0, 0.5, -0.5)
        p = centre + rng.normal(0.0, 0.25 + noise, size=(n, 2))
    elif name == "spiral":
        y = (np.arange(n) % 2).astype(float)
        s = rng.uniform(0.0, 1.0, n)
        angle = 1.75 * 2 * np.pi * s + np.pi * y
        p = np.column_stack([s * np.cos(angle), s * np.sin(angle)])
        p = p + rng.normal(0.0, noise, size=p.shape)
    elif name == "line":
        x = rng.uniform(-1.0, 1.0, n)
        return x[:, None], (2.0 * x - 1.0 + rng.normal(0.0, noise, n))[:, None]
    elif name == "sine":
        x = rng.uniform(-1.0, 1.0, n)
        return x[:, None], (np.sin(np.pi * x) + rng.normal(0.0, noise, n))[:, None]
    else:
        raise ValueError(f"unknown generator {name!r}")
    if labels == "pm1":
        y = 2.0 * y - 1.0
    return p, y[:, None]


@dataclass(frozen=True, slots=True)
class BatchPosition:
    """Where a run is in its data: the epoch and the next row of its order."""

    epoch: int = 0
    row: int = 0


def epoch_order(n: int, shuffle: bool, seed: int, epoch: int) -> np.ndarray:
    """The training rows' order in an epoch; re-drawn from (seed, epoch) when
    shuffling, so any epoch can be replayed without carrying RNG state."""
    if not shuffle:
        return np.arange(n)
    return np.random.default_rng([seed, epoch]).permutation(n)
