"""One iteration as the ordered micro-steps a lecturer walks through.

Forward (one per node, topological order), cost, backward (one per node,
reverse order), update.  Every micro-step is read from the arrays the
vectorized pass left behind — the same numbers, a second presentation — and
carries what is needed to explain it: inputs, local derivative, the upstream
terms of the chain rule one consumer at a time, and the result.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .functions import ACTIVATIONS, GATES
from .training import Settings, StepResult, Trainer


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
    phase = "forward"


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
    phase = "cost"


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
    phase = "backward"


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
    phase = "update"


@dataclass(frozen=True)
class IterationTrace:
    step: int
    rows: np.ndarray
    steps: tuple
    cost: float
    diverged: bool


def build_trace(trainer: Trainer, result: StepResult, settings: Settings) -> IterationTrace:
    """The micro-steps of ``result``; call it right after ``trainer.step`` so
    the network's buffers still hold that step's values."""
    # A diverged step's products may overflow: they are shown as they are.
    with np.errstate(all="ignore"):
        return _build_trace(trainer, result, settings)


def _build_trace(trainer: Trainer, result: StepResult, settings: Settings) -> IterationTrace:
    c = trainer.compiled
    spec = c.spec
    ev = result.evaluation
    buf = trainer.last_pass
    A, Z, dA, dZ = buf.A, buf.Z, buf.dA, buf.dZ
    theta = result.before.theta
    [n.id for n in spec.nodes]
    ops = {op.row: op for level in c.op_levels for op in level}
    output_pos = {o: k for k, o in enumerate(spec.outputs)}
    names = c.param_names
    name_pos = {n: k for k, n in enumerate(names)}
    grad_named = trainer.named(ev.grad)
    pen_named = trainer.named(ev.penalty_grad) if ev.penalty_grad is not None else None

    forward: list[ForwardStep] = []
    for i in c.topo_order:
        node = spec.nodes[i]
        r = c.row[i]
        operands = []
        for e in c.in_edges[i]:
            src = spec.edges[e].src
            if node.kind == "neuron":
                operands.append(Operand(src, A[c.row[c.index[src]]].copy(),
                                        float(theta[c.edge_theta[e]]), f"w:{src}->{node.id}"))
            else:
                operands.append(Operand(src, A[c.row[c.index[src]]].copy(), None, None))
        is_neuron = node.kind == "neuron"
        forward.append(ForwardStep(
            node.id, node.kind, node.fn, tuple(operands),
            node.value if node.kind == "op" else None,
            float(theta[c.bias_theta[i]]) if is_neuron else None,
            Z[r].copy() if is_neuron else None, A[r].copy()))

    cost = CostStep(tuple(spec.outputs), settings.loss, settings.reduction, ev.y.copy(),
                    None if ev.t is None else ev.t.copy(), ev.elements, ev.dy, ev.loss,
                    settings.regularization, settings.lam, ev.penalty, ev.cost)

    backward: list[BackwardStep] = []
    for i in reversed(c.topo_order):
        node = spec.nodes[i]
        r = c.row[i]
        terms = []
        for e in c.consumers[i]:
            dst = spec.edges[e].dst
            j = c.index[dst]
            rj = c.row[j]
            if spec.nodes[j].kind == "neuron":
                w = np.full(len(ev.rows), theta[c.edge_theta[e]])
                terms.append(Term(dst, w, dZ[rj].copy(), w * dZ[rj], "weight"))
            else:
                op = ops[rj]
                local = buf.op_local_grads(op)[op.inputs.index(r)]
                terms.append(Term(dst, local, dA[rj].copy(), local * dA[rj], "gate"))
        loss_term = ev.dy[output_pos[node.id]].copy() if node.id in output_pos else None
        grads: list[ParamGrad] = []
        local = dz = None
        if node.kind == "neuron":
            dz = dZ[r].copy()
            with np.errstate(all="ignore"):
                local = ACTIVATIONS[node.fn].grad(Z[r], A[r], np.empty(len(ev.rows)))
            for e in c.in_edges[i]:
                src = spec.edges[e].src
                name = f"w:{src}->{node.id}"
                k = name_pos[name]
                grads.append(ParamGrad(name, src, A[c.row[c.index[src]]].copy(), dz,
                                       0.0 if pen_named is None else float(pen_named[k]),
                                       float(grad_named[k])))
            name = f"b:{node.id}"
            grads.append(ParamGrad(name, None, None, dz, 0.0, float(grad_named[name_pos[name]])))
        elif node.kind == "param":
            name = f"p:{node.id}"
            grads.append(ParamGrad(name, None, None, dA[r].copy(), 0.0,
                                   float(grad_named[name_pos[name]])))
        backward.append(BackwardStep(node.id, node.kind, node.fn, loss_term, tuple(terms),
                                     dA[r].copy(), local, dz, tuple(grads)))

    after = None if result.after is None else trainer.named(result.after.theta)
    direction = None if result.direction is None else trainer.named(result.direction)
    upd = UpdateStep(settings.optimizer, settings.learning_rate, tuple(names),
                     trainer.named(theta), grad_named, direction, after, result.delta_norm)
    steps = (*forward, cost, *backward, upd)
    return IterationTrace(result.step, ev.rows, steps, ev.cost, result.diverged)


def op_symbol(gate: str, names: list[str], value: float) -> str:
    return GATES[gate].symbol(names, value)
