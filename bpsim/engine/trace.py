"""One iteration as the ordered micro-steps a lecturer walks through.

Forward (one per node, topological order), cost, backward (one per node,
reverse order), update.  Every micro-step is read from the arrays the
vectorized pass left behind — the same numbers, a second presentation — and
carries what is needed to explain it: inputs, local derivative, the upstream
terms of the chain rule one consumer at a time, and the result.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..enums import Word
from .functions import ACTIVATIONS, GATES
from .names import ParamName
from .graph import Compiled
from .training import Settings, StepResult, Trainer


class Phase(Word):
    """Where a micro-step is in an iteration; READY is before the first."""
    READY = "ready"
    FORWARD = "forward"
    COST = "cost"
    BACKWARD = "backward"
    UPDATE = "update"


@dataclass(frozen=True)
class Operand:
    """One input of a node in the forward pass."""

    node: str
    value: np.ndarray          # per sample
    weight: float | None       # the edge's weight for a neuron, None into an op
    weight_name: str | None


@dataclass(frozen=True)
class ForwardStep:
    node: str
    kind: str                  # input, const, param, neuron, op
    fn: str                    # activation or gate ("" for sources)
    operands: tuple[Operand, ...]
    constant: float | None     # a scale/offset gate's value
    bias: float | None
    z: np.ndarray | None       # neurons only
    out: np.ndarray
    phase = Phase.FORWARD


@dataclass(frozen=True)
class CostStep:
    outputs: tuple[str, ...]
    loss_kind: str
    reduction: str
    y: np.ndarray
    t: np.ndarray | None
    elements: np.ndarray
    dy: np.ndarray
    loss: float
    regularization: str
    lam: float
    penalty: float
    cost: float
    phase = Phase.COST


@dataclass(frozen=True)
class Term:
    """A consumer's share of a node's ∂cost/∂out: factor · upstream.

    Into a neuron the factor is the edge weight and the upstream its δ = dz;
    into an op the factor is the gate's local derivative and the upstream the
    op's dout.
    """

    consumer: str
    factor: np.ndarray
    upstream: np.ndarray
    value: np.ndarray
    through: str               # "weight" or "gate"


@dataclass(frozen=True)
class ParamGrad:
    """∂cost/∂p = Σ over samples of (a_prev · δ), plus the penalty's part."""

    name: str
    source: str | None         # the edge's source node for a weight
    a_prev: np.ndarray | None  # per sample (ones for a bias)
    delta: np.ndarray          # per sample
    penalty: float
    value: float
    param: float | None = None   # the parameter itself, before the update (the penalty's w)


@dataclass(frozen=True)
class BackwardStep:
    node: str
    kind: str
    fn: str
    loss_term: np.ndarray | None   # ∂loss/∂out when the node is an output
    terms: tuple[Term, ...]
    dout: np.ndarray
    local: np.ndarray | None       # φ'(z), neurons only
    dz: np.ndarray | None
    grads: tuple[ParamGrad, ...]
    # a neuron's z and a = φ(z), which its local derivative's rule reads
    z: np.ndarray | None = None
    a: np.ndarray | None = None
    phase = Phase.BACKWARD


@dataclass(frozen=True)
class UpdateStep:
    optimizer: str
    learning_rate: float
    names: tuple[str, ...]
    before: np.ndarray
    grads: np.ndarray
    direction: np.ndarray | None   # what η multiplies (g, v, or Adam's m̂/(√v̂+ε))
    after: np.ndarray | None       # None when the step diverged
    delta_norm: float
    # the optimizer's constants, and its state by parameter (optimizer_moments)
    momentum: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    moments: dict | None = None
    epsilon: float | None = None   # the stopping rule's ‖Δp‖₂ < ε
    phase = Phase.UPDATE


@dataclass(frozen=True)
class IterationTrace:
    step: int
    rows: np.ndarray
    steps: tuple
    cost: float
    diverged: bool


@dataclass(frozen=True)
class TraceRecord:
    """The numbers a trace is read from, in a few arrays: the node matrices
    of one pass (a row per node, a column per sample, owned copies), the
    local derivatives of its neurons and gates, the loss's arrays and the
    update's.  Cheap to reduce and to pickle (a run's training process sends
    one a frame, see :meth:`means`); :func:`assemble` turns it into the
    micro-steps."""

    step: int
    rows: np.ndarray               # the batch's rows of the data set
    diverged: bool
    settings: Settings
    A: np.ndarray
    Z: np.ndarray
    dA: np.ndarray
    dZ: np.ndarray
    local: np.ndarray              # φ'(z) in the neurons' rows
    gate_local: dict               # (op row, input position) -> ∂out/∂input
    gate_term: dict                # (op row, input position) -> ∂out/∂input · dout
    y: np.ndarray
    t: np.ndarray | None
    elements: np.ndarray
    dy: np.ndarray
    loss: float
    penalty: float
    cost: float
    grad: np.ndarray               # per parameter, in ``param_names`` order
    penalty_grad: np.ndarray | None
    before: np.ndarray
    after: np.ndarray | None
    direction: np.ndarray | None
    delta_norm: float
    moments: dict | None = None    # optimizer_moments

    def means(self) -> "TraceRecord":
        """What a frame of a run shows, each per-sample array kept as a column
        of one sample: the batch mean of the forward values and of the local
        derivatives, the batch sum of the gradients (what the parameters
        receive, as session.display shows a batch).  (Products of two
        per-sample arrays, the gates' terms, are summed as products.)"""
        n = self.A.shape[1]

        def mean(a):
            # what a.mean(axis=-1) computes, without its wrapper
            return None if a is None else np.add.reduce(a, axis=-1, keepdims=True) / n

        def total(a):
            return None if a is None else np.add.reduce(a, axis=-1, keepdims=True)
        with np.errstate(all="ignore"):     # a diverging step's numbers, as they are
            return replace(self, A=mean(self.A), Z=mean(self.Z), dA=total(self.dA),
                           dZ=total(self.dZ), local=mean(self.local),
                           gate_local={k: mean(v) for k, v in self.gate_local.items()},
                           gate_term={k: total(v) for k, v in self.gate_term.items()},
                           y=mean(self.y), t=mean(self.t), elements=mean(self.elements),
                           dy=total(self.dy))


def record_trace(trainer: Trainer, result: StepResult, settings: Settings) -> TraceRecord:
    """The numbers of ``result``'s micro-steps; call it right after
    ``trainer.step`` so the network's buffers still hold that step's values."""
    c = trainer.compiled
    ev = result.evaluation
    buf = trainer.last_pass
    A, Z = buf.A.copy(), buf.Z.copy()
    dA = buf.dA.copy()
    # A diverged step's products may overflow: they are shown as they are.
    with np.errstate(all="ignore"):
        local = np.zeros_like(Z)
        for i in c.topo_order:
            node = c.spec.nodes[i]
            if node.kind == "neuron":
                r = c.row[i]
                ACTIVATIONS[node.fn].grad(Z[r], A[r], local[r])
        gate_local, gate_term = {}, {}
        for level in c.op_levels:
            for op in level:
                for k, g in enumerate(buf.op_local_grads(op)):
                    gate_local[op.row, k] = g
                    gate_term[op.row, k] = g * dA[op.row]
        elements = ev.elements
    return TraceRecord(
        result.step, ev.rows, result.diverged, settings, A, Z, dA, buf.dZ.copy(), local,
        gate_local, gate_term, ev.y.copy(), None if ev.t is None else ev.t.copy(), elements,
        ev.dy.copy(), ev.loss, ev.penalty, ev.cost, trainer.named(ev.grad),
        None if ev.penalty_grad is None else trainer.named(ev.penalty_grad),
        trainer.named(result.before.theta),
        None if result.after is None else trainer.named(result.after.theta),
        None if result.direction is None else trainer.named(result.direction),
        result.delta_norm, optimizer_moments(trainer, result))


def optimizer_moments(trainer: Trainer, result: StepResult) -> dict | None:
    """The optimizer's state before and after ``result``'s update, by
    parameter: momentum's v (``v_before``, ``v``), Adam's m and v and its
    step count ``t``; None for gd, or a step that diverged."""
    if result.after is None:
        return None
    before, after = result.before.optimizer, result.after.optimizer

    def named(a):
        return trainer.named(np.zeros_like(result.before.theta) if a is None else a)
    if after.velocity is not None:
        return {"v_before": named(before.velocity), "v": named(after.velocity)}
    if after.m is not None:
        return {"m_before": named(before.m), "v_before": named(before.v),
                "m": named(after.m), "v": named(after.v), "t": after.t}
    return None


def build_trace(trainer: Trainer, result: StepResult, settings: Settings) -> IterationTrace:
    """The micro-steps of ``result``; call it right after ``trainer.step`` so
    the network's buffers still hold that step's values."""
    return assemble(trainer.compiled, record_trace(trainer, result, settings))


def assemble(c: Compiled, rec: TraceRecord) -> IterationTrace:
    """The micro-steps read from ``rec``, a record of a step of the graph ``c``.
    Per-sample arrays are rows of the record's matrices (views: a trace is
    never changed)."""
    with np.errstate(all="ignore"):
        return _assemble(c, rec)


def _assemble(c: Compiled, rec: TraceRecord) -> IterationTrace:
    spec = c.spec
    settings = rec.settings
    A, Z, dA, dZ = rec.A, rec.Z, rec.dA, rec.dZ
    width = A.shape[1]
    theta = rec.before
    output_pos = {o: k for k, o in enumerate(spec.outputs)}
    names = c.param_names
    name_pos = {n: k for k, n in enumerate(names)}
    grad = rec.grad
    pen = rec.penalty_grad
    kinds = [n.kind for n in spec.nodes]
    row_of = [c.row[c.index[e.src]] for e in spec.edges]      # each edge's source row
    # each edge's weight's name, made once: three uses an edge
    edge_name = [ParamName.weight(e.src, e.dst) for e in spec.edges]
    edge_w = [None if k < 0 else float(theta[k]) for k in
              (name_pos.get(name, -1) for name in edge_name)]
    # every edge's chain-rule factor and term at once (used for edges into neurons)
    w_col = np.array([0.0 if w is None else w for w in edge_w]).reshape(-1, 1)
    factors = np.repeat(w_col, width, axis=1)
    products = w_col * dZ[[c.row[c.index[e.dst]] for e in spec.edges]]

    forward: list[ForwardStep] = []
    for i in c.topo_order:
        node = spec.nodes[i]
        r = c.row[i]
        if node.kind == "neuron":
            operands = tuple([Operand(spec.edges[e].src, A[row_of[e]], edge_w[e], edge_name[e])
                              for e in c.in_edges[i]])
            forward.append(ForwardStep(node.id, node.kind, node.fn, operands, None,
                                       float(theta[name_pos[ParamName.bias(node.id)]]), Z[r], A[r]))
        else:
            operands = tuple([Operand(spec.edges[e].src, A[row_of[e]], None, None)
                              for e in c.in_edges[i]])
            forward.append(ForwardStep(node.id, node.kind, node.fn, operands,
                                       node.value if node.kind == "op" else None, None, None,
                                       A[r]))

    cost = CostStep(tuple(spec.outputs), settings.loss, settings.reduction, rec.y, rec.t,
                    rec.elements, rec.dy, rec.loss, settings.regularization, settings.lam,
                    rec.penalty, rec.cost)

    backward: list[BackwardStep] = []
    ops = {op.row: op for level in c.op_levels for op in level}
    for i in reversed(c.topo_order):
        node = spec.nodes[i]
        r = c.row[i]
        terms = []
        for e in c.consumers[i]:
            dst = spec.edges[e].dst
            j = c.index[dst]
            rj = c.row[j]
            if kinds[j] == "neuron":
                terms.append(Term(dst, factors[e], dZ[rj], products[e], "weight"))
            else:
                key = (rj, ops[rj].inputs.index(r))
                terms.append(Term(dst, rec.gate_local[key], dA[rj], rec.gate_term[key], "gate"))
        loss_term = rec.dy[output_pos[node.id]] if node.id in output_pos else None
        grads: list[ParamGrad] = []
        local = dz = None
        if node.kind == "neuron":
            dz = dZ[r]
            local = rec.local[r]
            for e in c.in_edges[i]:
                src = spec.edges[e].src
                name = edge_name[e]
                k = name_pos[name]
                grads.append(ParamGrad(name, src, A[row_of[e]], dz,
                                       0.0 if pen is None else float(pen[k]), float(grad[k]),
                                       edge_w[e]))
            name = ParamName.bias(node.id)
            k = name_pos[name]
            grads.append(ParamGrad(name, None, None, dz, 0.0, float(grad[k]), float(theta[k])))
        elif node.kind == "param":
            name = ParamName.param(node.id)
            k = name_pos[name]
            grads.append(ParamGrad(name, None, None, dA[r], 0.0, float(grad[k]), float(theta[k])))
        neuron = node.kind == "neuron"
        backward.append(BackwardStep(node.id, node.kind, node.fn, loss_term, tuple(terms),
                                     dA[r], local, dz, tuple(grads), Z[r] if neuron else None,
                                     A[r] if neuron else None))

    upd = UpdateStep(settings.optimizer, settings.learning_rate, tuple(names), theta, grad,
                     rec.direction, rec.after, rec.delta_norm, settings.momentum,
                     settings.beta1, settings.beta2, settings.eps, rec.moments,
                     settings.epsilon)
    steps = (*forward, cost, *backward, upd)
    return IterationTrace(rec.step, rec.rows, steps, rec.cost, rec.diverged)


def with_update(trace: IterationTrace, trainer: Trainer, result: StepResult,
                settings: Settings) -> IterationTrace:
    """``trace`` with the update of ``result`` (``Trainer.with_update``: the
    same pass, the update taken under other settings): its forward, cost
    and backward micro-steps stand as they are."""
    # the pass's names, values and gradients stand; what the settings decide is new
    upd = replace(trace.steps[-1], optimizer=settings.optimizer,
                  learning_rate=settings.learning_rate,
                  direction=None if result.direction is None else
                  trainer.named(result.direction),
                  after=None if result.after is None else trainer.named(result.after.theta),
                  delta_norm=result.delta_norm, momentum=settings.momentum,
                  beta1=settings.beta1, beta2=settings.beta2, eps=settings.eps,
                  moments=optimizer_moments(trainer, result), epsilon=settings.epsilon)
    return replace(trace, steps=(*trace.steps[:-1], upd), diverged=result.diverged)


def op_symbol(gate: str, names: list[str], value: float) -> str:
    return GATES[gate].symbol(names, value)
