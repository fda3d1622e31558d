"""Forward and backward passes over a compiled graph, vectorized over the batch.

The value matrix ``A`` has one row per node (plus the ones rows) and one
column per sample.  A level of neurons is ``Z = W @ A[lo:hi]`` and one
activation call per activation group; its backward is ``dW = dZ @ A[lo:hi]ᵀ``
and ``dA[lo:hi] += Wᵀ @ dZ``.  Only ``op`` gates are visited one by one.

A :class:`Pass` is made once per batch size with every view it needs bound
in advance — W and dW as views of its own theta and gradient buffers, and
their transposes — so a training step makes only the NumPy calls its
arithmetic needs.  Its buffers keep the last pass's values for the trace to
read.  Products are taken with the ``dot`` method: the same product as
``np.dot``, without its dispatch (``__array_function__``), which costs more
than the product itself on a small net.
"""
from __future__ import annotations

import numpy as np

from .functions import ACTIVATIONS, GATES
from .graph import Compiled, OpNode


def _rows(A: np.ndarray, rows: np.ndarray):
    """A view of ``rows`` of A when they are consecutive, else None."""
    if len(rows) and np.all(np.diff(rows) == 1):
        return A[rows[0]:rows[-1] + 1]
    return None


def _copy(z: np.ndarray, out: np.ndarray) -> None:
    """identity's φ: a slice assignment, which costs less than np.copyto."""
    out[...] = z


def _exact_dot(W: np.ndarray, mask: np.ndarray | None, src: np.ndarray,
               out: np.ndarray) -> None:
    """``W @ src`` where an unconnected pair (mask 0) adds nothing even when
    the source is not finite: 0·nan is nan, and a dense product would hand a
    nan of one node to every node of the level, connected to it or not."""
    bad = np.flatnonzero(~np.isfinite(src).all(axis=1)) if mask is not None else ()
    if not len(bad):
        np.dot(W, src, out=out)
        return
    clean = src.copy()
    clean[bad] = 0.0
    np.dot(W, clean, out=out)
    for s in bad:
        targets = np.flatnonzero(mask[:, s])
        out[targets] += W[targets, s][:, None] * src[s]


def _live_rows(c: Compiled) -> np.ndarray:
    """Rows of the nodes an output depends on.  The others are dead ends:
    nothing flows back through them (as in torch, whose backward never
    visits a node the loss does not reach)."""
    spec = c.spec
    live = np.zeros(len(spec.nodes), dtype=bool)
    live[[c.index[o] for o in spec.outputs]] = True
    for i in reversed(c.topo_order):
        if not live[i]:
            live[i] = any(live[c.index[spec.edges[e].dst]] for e in c.consumers[i])
    rows = np.ones(c.n_rows, dtype=bool)      # the ones rows feed biases: live enough
    rows[c.row] = live
    return rows


class _Level:
    """One level of neurons with its views bound."""

    def __init__(self, lv, p: "Pass"):
        r, k = lv.shape
        n = r * k
        self.level = lv.level
        self.W = p.theta[lv.theta_offset:lv.theta_offset + n].reshape(r, k)
        self.W_T = self.W.T      # bound once: ``W.T`` makes a new view at every call
        self.gW = p.grad[lv.theta_offset:lv.theta_offset + n].reshape(r, k)
        self.src = p.A[lv.lo:lv.hi]
        self.src_T = self.src.T
        self.dsrc = p.dA[lv.lo:lv.hi]
        self.Z = p.Z[lv.r0:lv.r1]
        self.dZ = p.dZ[lv.r0:lv.r1]
        self.dA = p.dA[lv.r0:lv.r1]
        self.back = np.empty((lv.hi - lv.lo, p.size))
        self.mask = lv.mask
        self.mask_T = None if lv.mask is None else lv.mask.T
        # Per activation group: φ with its rows of Z and A; φ' with its rows
        # of Z, A and δ.
        self.values = [(_copy if act == "identity" else ACTIVATIONS[act].value,
                        p.Z[g0:g1], p.A[g0:g1]) for g0, g1, act in lv.groups]
        self.grads = [(ACTIVATIONS[act].grad, p.Z[g0:g1], p.A[g0:g1], p.dZ[g0:g1])
                      for g0, g1, act in lv.groups]
        # A level of identity neurons (a regression's output): δ is ∂C/∂a
        # itself, one copy instead of φ' = 1 and a product.
        self.identity = all(act == "identity" for _, _, act in lv.groups)
        self.dead = ~p.live[lv.r0:lv.r1]      # its neurons no output depends on
        self.reads_only_data = False   # both set by the Pass, which knows the rows
        self.direct = False


class Pass:
    """Buffers and bound views for batches of ``size`` samples."""

    def __init__(self, net: "Network", size: int):
        c = net.c
        self.c = c
        self.size = size
        rows = c.n_rows
        self.A = np.zeros((rows, size))
        self.Z = np.zeros((rows, size))
        self.dA = np.zeros((rows, size))
        self.dZ = np.zeros((rows, size))
        self.A[c.ones_rows] = 1.0
        self.theta = np.zeros(c.theta_size)
        self.grad = np.zeros(c.theta_size)
        self.data_rows = net.data_rows
        self.data_view = _rows(self.A, net.data_rows)
        if len(net.fixed_rows):
            self.A[net.fixed_rows] = net.fixed_values
        self.out_view = _rows(self.A, c.output_rows)
        self.dout_view = _rows(self.dA, c.output_rows)
        self.live = _live_rows(c)
        levels = {lv.level: _Level(lv, self) for lv in c.neuron_levels}
        # Whether a non-finite value could reach a node that does not read it
        # (see exact in forward): a level with unconnected pairs, or a dead end.
        self.can_leak = any(lv.mask is not None for lv in c.neuron_levels) or \
            not self.live.all()
        # The forward schedule: per level, the neurons' level then its gates.
        self.schedule: list[tuple[_Level | None, list[OpNode]]] = [
            (levels.get(k), c.op_levels[k]) for k in range(1, len(c.op_levels))]
        # The backward one: the forward schedule backwards, gates first.
        self.backward_schedule = [(level, ops[::-1]) for level, ops in reversed(self.schedule)]
        # A level that reads only inputs, constants and ones rows: no parameter
        # needs the gradient of what it reads.
        data_only = {int(r) for r in (*net.data_rows, *net.fixed_rows)} | set(c.ones_rows)
        for lv in c.neuron_levels:
            levels[lv.level].reads_only_data = all(r in data_only for r in range(lv.lo, lv.hi))
        self._plan_gradient_writes(levels)
        self.has_params = len(c.param_node_rows) > 0
        # Where each theta entry acts: a W cell (level, row, column) or a param node's row.
        self.param_cell: dict[int, tuple] = {}
        for lv in c.neuron_levels:
            rows, cols = lv.shape
            for k in range(rows * cols):
                self.param_cell[lv.theta_offset + k] = ("w", lv.level, k // cols, k % cols)
        for row, pos in zip(c.param_node_rows, c.param_node_theta):
            self.param_cell[int(pos)] = ("node", int(row))

    def _plan_gradient_writes(self, levels: dict[int, _Level]) -> None:
        """Decide which rows of dA are written outright and which accumulate.

        A row whose gradient comes from one place only — a single level of
        neurons reading it, or the loss — is written directly; only rows with
        several contributions are zeroed and summed.  In a layered network
        nothing needs zeroing at all.
        """
        c = self.c
        writers: dict[int, list[tuple]] = {}
        for r in c.output_rows:
            writers.setdefault(int(r), []).append(("loss",))
        for level in c.op_levels:
            for op in level:
                for r in op.inputs:
                    writers.setdefault(r, []).append(("op", op.row))
        for lv in c.neuron_levels:
            for r in range(lv.lo, lv.hi):
                writers.setdefault(r, []).append(("level", lv.level))
        for lv in c.neuron_levels:
            levels[lv.level].direct = all(writers[r] == [("level", lv.level)]
                                          for r in range(lv.lo, lv.hi))
        self.outputs_direct = all(writers[int(r)] == [("loss",)] for r in c.output_rows)

        def outright(w: list[tuple]) -> bool:
            if len(w) != 1:
                return False
            if w[0][0] == "loss":
                return self.outputs_direct
            return w[0][0] == "level" and levels[w[0][1]].direct
        shared = sorted(r for r, w in writers.items() if not outright(w))
        self.zero_rows = np.array(shared, dtype=np.intp)
        self.zeroes = len(shared) > 0

    def forward(self, theta: np.ndarray, inputs: np.ndarray,
                offsets: dict[int, np.ndarray] | None = None, exact: bool = False) -> None:
        """``inputs``: the data columns, shape (data inputs, size).

        ``offsets`` {theta position: per-column change} evaluates, in one
        pass, columns that each see a different value of a few parameters —
        the cost over a grid of two weights is one pass over tiled data.

        The products are dense: a nan or inf in one node's value becomes nan
        in every node of the next level (0·inf).  When the values are finite
        that cannot happen; when they are not, the caller passes again with
        ``exact``, where only connected pairs meet (the rare, slower way).
        """
        self.theta[...] = theta      # (a slice assignment costs less than np.copyto)
        A = self.A
        if self.data_view is not None:
            self.data_view[...] = inputs
        elif len(self.data_rows):
            A[self.data_rows] = inputs
        c = self.c
        if self.has_params:
            A[c.param_node_rows] = theta[c.param_node_theta][:, None]
        by_level: dict[int, list] | None = None
        if offsets:
            by_level = {}
            for pos, delta in offsets.items():
                where = self.param_cell[pos]
                if where[0] == "node":
                    A[where[1]] += delta
                else:
                    by_level.setdefault(where[1], []).append((where[2], where[3], delta))
        for level, ops in self.schedule:
            if level is not None:
                if exact:
                    _exact_dot(level.W, level.mask, level.src, level.Z)
                else:
                    level.W.dot(level.src, out=level.Z)
                if by_level:
                    for r, col, delta in by_level.get(level.level, ()):
                        level.Z[r] += delta * level.src[col]     # w + Δw, column by column
                for value, Zg, Ag in level.values:
                    value(Zg, Ag)
            for op in ops:
                A[op.row] = GATES[op.gate].forward([A[r] for r in op.inputs], op.value)

    def outputs(self) -> np.ndarray:
        return self.out_view if self.out_view is not None else self.A[self.c.output_rows]

    def op_local_grads(self, op: OpNode) -> list[np.ndarray]:
        """∂out/∂input for each input of an op, from the stored forward values."""
        A = self.A
        return GATES[op.gate].local([A[r] for r in op.inputs], A[op.row], op.value)

    def backward(self, d_outputs: np.ndarray, all_nodes: bool = True,
                 exact: bool = False) -> np.ndarray:
        """∂loss/∂theta (this pass's own buffer) given ∂loss/∂outputs.

        With ``all_nodes`` False, the gradients of inputs and constants are
        not computed: training never needs them, only the trace shows them.
        With ``exact``, non-finite numbers stay where they belong (see
        ``forward``): only connected pairs meet, and dead ends send nothing
        back (their local derivative may be inf, and inf·0 is nan).
        """
        c = self.c
        dA = self.dA
        if self.zeroes:
            dA[self.zero_rows] = 0.0
        if self.outputs_direct and self.dout_view is not None:
            self.dout_view[...] = d_outputs
        elif self.outputs_direct:
            dA[c.output_rows] = d_outputs
        else:
            dA[c.output_rows] += d_outputs
        for level, ops in self.backward_schedule:
            for op in ops:
                if exact and not self.live[op.row]:
                    continue
                upstream = dA[op.row]
                for r, local in zip(op.inputs, self.op_local_grads(op)):
                    dA[r] += local * upstream
            if level is None:
                continue
            dz = level.dZ
            if level.identity:
                dz[...] = level.dA
            else:
                for grad, Zg, Ag, dZg in level.grads:
                    grad(Zg, Ag, dZg)
                dz *= level.dA
            if exact:
                dz[level.dead] = 0.0
            dz.dot(level.src_T, out=level.gW)
            if level.mask is not None:
                if exact:
                    np.copyto(level.gW, 0.0, where=level.mask == 0)
                else:
                    level.gW *= level.mask
            if level.direct:
                if all_nodes or not level.reads_only_data:
                    if exact:
                        _exact_dot(level.W_T, level.mask_T, dz, level.dsrc)
                    else:
                        level.W_T.dot(dz, out=level.dsrc)
            else:
                if exact:
                    _exact_dot(level.W_T, level.mask_T, dz, level.back)
                else:
                    level.W_T.dot(dz, out=level.back)
                level.dsrc += level.back
        if self.has_params:
            self.grad[c.param_node_theta] = dA[c.param_node_rows].sum(axis=1)
        return self.grad


class Network:
    """The passes of one compiled graph, one :class:`Pass` per batch size."""

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
        self._passes: dict[int, Pass] = {}

    def pass_for(self, size: int) -> Pass:
        p = self._passes.get(size)
        if p is None:
            p = self._passes[size] = Pass(self, size)
        return p
