"""What the canvas shows at the stepper's position, as plain numbers.

For each node: its forward value once its forward micro-step has been shown,
its gradient once its backward micro-step has; for each edge: the weight (the
updated one once the update is shown) and, in the backward phase, ∂C/∂w or
the chain-rule term flowing back through a gate.  The micro-step being shown
marks its node "current", the nodes and edges it reads "read", and, in
the backward pass, the edges whose ∂C/∂w it computes "computed".  Numbers are one
sample's or, when no sample is picked, the batch's: the mean of the forward
values and the sum of the gradients.  Each sample's ∂C/∂z already holds its
share of the cost (1/m under the mean reduction), so their sum is what the
parameters receive (∂C/∂b for a bias); their mean was m times smaller than
every gradient in the table and the update.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..engine.names import EdgeKey, ParamName
from ..engine.trace import BackwardStep, ForwardStep, Phase, UpdateStep
from ..enums import Word
from .stepper import Stepper


class Mark(Word):
    """What the micro-step shown makes of a node or an edge."""
    CURRENT = "current"     # its node
    READ = "read"           # what it reads
    COMPUTED = "computed"   # an edge whose ∂C/∂w it computes (backward)


@dataclass
class NodeDisplay:
    out: float | None = None        # forward value (a for a neuron)
    z: float | None = None          # neurons
    dout: float | None = None       # ∂C/∂out
    dz: float | None = None         # δ, neurons
    mark: Mark | None = None        # CURRENT or READ
    asked: Phase | None = None      # its numbers of that phase are veiled: "?"


@dataclass
class EdgeDisplay:
    weight: float | None = None     # edges into neurons
    grad: float | None = None       # ∂C/∂w, once the target's backward step is shown
    term: float | None = None       # the chain-rule term sent back along the edge
    mark: Mark | None = None        # READ by the current micro-step, or its ∂C/∂w COMPUTED
    asked: str | None = None        # "weight", "grad" or "term" the veiled micro-step computes: "?"


@dataclass
class Display:
    nodes: dict[str, NodeDisplay] = field(default_factory=dict)
    edges: dict[str, EdgeDisplay] = field(default_factory=dict)   # "FROM->TO"
    phase: Phase = Phase.READY
    current: str | None = None      # the node of the current micro-step
    rows: int = 1                   # samples in the batch
    sample: int | None = None       # the data row shown, None: the batch mean
    veiled: bool = False            # the current micro-step's numbers are asked, not shown

    @property
    def shown_as(self) -> str:
        """What a node's numbers are, in words ("" for a batch of one)."""
        if self.rows <= 1:
            return ""
        if self.sample is None:
            return (f"values: mean over the batch's {self.rows} samples; "
                    f"gradients: their sum (for a bias, ∂C/∂b)")
        return f"sample {self.sample} of the batch's {self.rows}"

    @property
    def summed(self) -> bool:
        """Whether the gradients shown are the batch's sums."""
        return self.rows > 1 and self.sample is None


def pick(values: np.ndarray | None, sample: int | None) -> float | None:
    """One sample's value, or the batch mean."""
    if values is None:
        return None
    v = np.asarray(values)
    if sample is None:
        # what v.mean() computes, without its wrapper: this runs for every
        # node and edge at every frame
        return float(np.add.reduce(v, axis=None)) / v.size
    return float(v[min(sample, len(v) - 1)])


def pick_gradient(values: np.ndarray | None, sample: int | None) -> float | None:
    """One sample's gradient, or the batch's sum (see the module's note)."""
    if values is None:
        return None
    v = np.asarray(values)
    if sample is None:
        return float(np.add.reduce(v, axis=None))
    return float(v[min(sample, len(v) - 1)])


def display(stepper: Stepper, edges: list[tuple[str, str]], sample: int | None = None,
            picks: "Picks | None" = None) -> Display:
    """``edges``: the document's (from, to) pairs, in order; ``picks``: where
    the numbers picked from the trace are kept from one call to the next."""
    trace = stepper.trace
    rows = trace.rows
    out = Display(phase=stepper.phase, rows=len(rows),
                  sample=None if sample is None or not len(rows) else
                  int(rows[min(sample, len(rows) - 1)]))
    update = trace.steps[-1]
    assert isinstance(update, UpdateStep)
    veiled = stepper.veiled
    out.veiled = veiled
    applied = stepper.complete and update.after is not None and not veiled
    picks = picks or Picks()
    out.edges = {key: EdgeDisplay(weight=w)
                 for key, w in picks.weights(update, applied, edges)}
    for p in picks.shown(stepper, sample):
        if p.phase == Phase.FORWARD:
            out.nodes[p.node] = NodeDisplay(out=p.value, z=p.inner)
        elif p.phase == Phase.BACKWARD:
            nd = out.nodes.setdefault(p.node, NodeDisplay())
            nd.dout, nd.dz = p.value, p.inner
            for edge, value in p.terms:
                out.edges[edge].term = value
            for edge, value in p.grads:
                out.edges[edge].grad = value
    micro = stepper.micro
    if isinstance(micro, (ForwardStep, BackwardStep)):
        out.current = micro.node
        out.nodes.setdefault(micro.node, NodeDisplay()).mark = Mark.CURRENT
        if isinstance(micro, ForwardStep):
            reads = [(o.node, EdgeKey.of(o.node, micro.node)) for o in micro.operands]
        else:
            reads = [(t.consumer, EdgeKey.of(micro.node, t.consumer)) for t in micro.terms]
        for node, edge in reads:
            out.nodes.setdefault(node, NodeDisplay()).mark = Mark.READ
            out.edges[edge].mark = Mark.READ
        if isinstance(micro, BackwardStep):
            # the gradients of its incoming weights are this step's results:
            # an edge whose numbers had no clear place showed none of them
            for g in micro.grads:
                edge = out.edges.get(EdgeKey.of(g.source, micro.node)) if g.source else None
                if edge is not None and edge.mark is None:
                    edge.mark = Mark.COMPUTED
    if veiled:
        _veil(out, micro)
    return out


def _veil(out: Display, micro) -> None:
    """The numbers the veiled micro-step computes, taken out and marked
    asked: the canvas writes "?" in their place, their tips say nothing."""
    if isinstance(micro, ForwardStep):
        nd = out.nodes[micro.node]
        nd.out = nd.z = None
        nd.asked = Phase.FORWARD
    elif isinstance(micro, BackwardStep):
        nd = out.nodes[micro.node]
        nd.dout = nd.dz = None
        nd.asked = Phase.BACKWARD
        # the terms it reads back along its lines out, on an edge that
        # shows its ∂C/∂w (into a neuron, computed at an earlier step) if
        # it has one, and its lines in's ∂C/∂w
        for t in micro.terms:
            edge = out.edges.get(EdgeKey.of(micro.node, t.consumer))
            if edge is not None:
                edge.term = None
                if edge.grad is None:
                    edge.asked = "term"
        for g in micro.grads:
            edge = out.edges.get(EdgeKey.of(g.source, micro.node)) if g.source else None
            if edge is not None:
                edge.grad = None
                edge.asked = "grad"
    elif isinstance(micro, UpdateStep):
        # the weights before the update stay drawn (the lines' widths and
        # colours); their numbers are what is asked
        for edge in out.edges.values():
            if edge.weight is not None:
                edge.asked = "weight"


@dataclass(slots=True)
class Picked:
    """One micro-step's numbers as the canvas shows them: for a forward
    step the node's value and z, for a backward step ∂C/∂out and δ with the
    terms it sends back along edges and the ∂C/∂w it computes."""
    phase: Phase
    node: str | None = None
    value: float | None = None          # out, or ∂C/∂out
    inner: float | None = None          # z, or δ = ∂C/∂z
    terms: tuple | list = ()            # (edge key, the chain-rule term sent back)
    grads: tuple | list = ()            # (edge key, ∂C/∂w)


class Picks:
    """The numbers of the micro-steps shown, picked once per trace and
    sample: each micro-step shows every earlier one's numbers too, and
    averaging them all again at every step would cost milliseconds."""

    def __init__(self):
        self._trace = None
        self._sample = None
        self._picked: list = []
        self._edges = self._names = self._values = None
        self._keys: list[str] = []             # "FROM->TO" of each edge
        self._at: list[int | None] = []        # where its weight is in the update's values
        self._weights: list = []

    def weights(self, update: UpdateStep, applied: bool,
                edges: list[tuple[str, str]]) -> list[tuple[str, float | None]]:
        """(key, weight) of each edge: the updated weight once ``applied``.
        Worked out again only for other edges (a new list), another network
        or other values: a dense network has thousands of edges."""
        values = update.after if applied else update.before
        if edges is not self._edges or update.names is not self._names:
            names = {n: k for k, n in enumerate(update.names)}
            self._edges, self._names, self._values = edges, update.names, None
            self._keys = [EdgeKey.of(src, dst) for src, dst in edges]
            self._at = [names.get(ParamName.weight(src, dst)) for src, dst in edges]
        if values is not self._values:
            self._values = values
            self._weights = list(zip(self._keys, [None if k is None else float(values[k])
                                                  for k in self._at]))
        return self._weights

    def shown(self, stepper: Stepper, sample: int | None) -> list[Picked]:
        """The numbers of each micro-step shown."""
        trace = stepper.trace
        if trace is not self._trace or sample != self._sample:
            self._trace, self._sample, self._picked = trace, sample, []
        picked = self._picked
        for m in trace.steps[len(picked):stepper.index]:
            if isinstance(m, ForwardStep):
                picked.append(Picked(Phase.FORWARD, m.node, pick(m.out, sample),
                                     pick(m.z, sample)))
            elif isinstance(m, BackwardStep):
                picked.append(Picked(
                    Phase.BACKWARD, m.node, pick_gradient(m.dout, sample),
                    pick_gradient(m.dz, sample),
                    [(EdgeKey.of(m.node, t.consumer), pick_gradient(t.value, sample))
                     for t in m.terms],
                    [(EdgeKey.of(g.source, m.node), g.value) for g in m.grads
                     if g.source is not None]))
            else:
                picked.append(Picked(m.phase))       # the cost and the update: no node
        return picked[:stepper.index]
