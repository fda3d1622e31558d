"""Forward and backward passes over a compiled graph, vectorized over the batch.

The value matrix ``A`` has one row per node (plus the ones rows) and one
column per sample.  A level of neurons is ``Z = W @ A[lo:hi]`` and one
activation call per activation group; a level's backward is
``dW = dZ @ A[lo:hi]ᵀ`` and ``dA[lo:hi] += Wᵀ @ dZ``.  Only ``op`` gates are
visited one by one.  All buffers are kept between calls, so the per-node
values of the last pass are there for the trace to read.
"""
from __future__ import annotations

import numpy as np

from .functions import ACTIVATIONS, GATES
from .graph import Compiled


class Buffers:
    """Everything one pass over a batch of ``size`` samples writes."""

    def __init__(self, compiled: Compiled, size: int):
        rows = compiled.n_rows
        self.size = size
        self.A = np.zeros((rows, size))
        self.Z = np.zeros((rows, size))
        self.dA = np.zeros((rows, size))
        self.dZ = np.zeros((rows, size))
        self.A[compiled.ones_rows] = 1.0
        self.back = [np.empty((lv.hi - lv.lo, size)) for lv in compiled.neuron_levels]


class Network:
    """The passes of one compiled graph; ``theta`` is the flat parameter vector."""

    def __init__(self, compiled: Compiled, data_inputs: tuple[str, ...] = ()):
        self.c = compiled
        spec = compiled.spec
        self.data_rows = np.array([compiled.row[compiled.index[i]] for i in data_inputs],
                                  dtype=np.intp)
        fixed = [(int(compiled.row[i]), float(n.value or 0.0))
                 for i, n in enumerate(spec.nodes)
                 if n.kind in ("input", "const") and n.id not in data_inputs]
        self.fixed_rows = np.array([r for r, _ in fixed], dtype=np.intp)
        self.fixed_values = np.array([v for _, v in fixed])[:, None]
        self._buffers: dict[int, Buffers] = {}

    def buffers(self, size: int) -> Buffers:
        buf = self._buffers.get(size)
        if buf is None:
            buf = self._buffers[size] = Buffers(self.c, size)
        return buf

    def weight_views(self, theta: np.ndarray) -> list[np.ndarray]:
        """Each neuron level's W (bias column last) as a view into theta."""
        out = []
        for lv in self.c.neuron_levels:
            r, k = lv.shape
            out.append(theta[lv.theta_offset:lv.theta_offset + r * k].reshape(r, k))
        return out

    def forward(self, theta: np.ndarray, inputs: np.ndarray, size: int) -> Buffers:
        """``inputs``: the data columns, shape (data inputs, ``size`` samples)."""
        buf = self.buffers(size)
        A, Z = buf.A, buf.Z
        if len(self.data_rows):
            A[self.data_rows] = inputs
        if len(self.fixed_rows):
            A[self.fixed_rows] = self.fixed_values
        c = self.c
        if len(c.param_node_rows):
            A[c.param_node_rows] = theta[c.param_node_theta][:, None]
        weights = self.weight_views(theta)
        n_levels = len(c.op_levels)
        li = 0
        with np.errstate(all="ignore"):
            for level in range(1, n_levels):
                if li < len(c.neuron_levels) and c.neuron_levels[li].level == level:
                    lv = c.neuron_levels[li]
                    np.dot(weights[li], A[lv.lo:lv.hi], out=Z[lv.r0:lv.r1])
                    for g0, g1, act in lv.groups:
                        ACTIVATIONS[act].value(Z[g0:g1], A[g0:g1])
                    li += 1
                for op in c.op_levels[level]:
                    A[op.row] = GATES[op.gate].forward([A[r] for r in op.inputs], op.value)
        return buf

    def outputs(self, buf: Buffers) -> np.ndarray:
        return buf.A[self.c.output_rows]

    def op_local_grads(self, buf: Buffers, op) -> list[np.ndarray]:
        """∂out/∂input for each input of an op, from the stored forward values."""
        with np.errstate(all="ignore"):
            return GATES[op.gate].local([buf.A[r] for r in op.inputs], buf.A[op.row], op.value)

    def backward(self, theta: np.ndarray, buf: Buffers, d_outputs: np.ndarray,
                 grad: np.ndarray) -> np.ndarray:
        """Fill ``grad`` (theta's shape) with ∂loss/∂theta given ∂loss/∂outputs."""
        c = self.c
        A, Z, dA, dZ = buf.A, buf.Z, buf.dA, buf.dZ
        dA.fill(0.0)
        dA[c.output_rows] = d_outputs
        weights = self.weight_views(theta)
        grad_views = self.weight_views(grad)
        li = len(c.neuron_levels) - 1
        with np.errstate(all="ignore"):
            for level in range(len(c.op_levels) - 1, 0, -1):
                for op in reversed(c.op_levels[level]):
                    upstream = dA[op.row]
                    for r, local in zip(op.inputs, self.op_local_grads(buf, op)):
                        dA[r] += local * upstream
                if li >= 0 and c.neuron_levels[li].level == level:
                    lv = c.neuron_levels[li]
                    for g0, g1, act in lv.groups:
                        ACTIVATIONS[act].grad(Z[g0:g1], A[g0:g1], dZ[g0:g1])
                    dz = dZ[lv.r0:lv.r1]
                    dz *= dA[lv.r0:lv.r1]
                    gw = grad_views[li]
                    np.dot(dz, A[lv.lo:lv.hi].T, out=gw)
                    if lv.mask is not None:
                        gw *= lv.mask
                    back = buf.back[li]
                    np.dot(weights[li].T, dz, out=back)
                    dA[lv.lo:lv.hi] += back
                    li -= 1
        if len(c.param_node_rows):
            grad[c.param_node_theta] = dA[c.param_node_rows].sum(axis=1)
        return grad
