"""The network document as plain data: what a ``*.bpsim.json`` file says."""
from __future__ import annotations

import copy
from dataclasses import dataclass, field, fields
from typing import Callable

from ..engine import EdgeKey, EdgeSpec, GraphSpec, NodeSpec, ParamName, Settings
from ..enums import Word


class ChangeKind(Word):
    """What an announcement says happened."""

    NODE_ADDED = "node_added"
    NODE_REMOVED = "node_removed"
    NODE_CHANGED = "node_changed"
    EDGE_ADDED = "edge_added"
    EDGE_REMOVED = "edge_removed"
    EDGE_CHANGED = "edge_changed"
    SECTION_CHANGED = "section_changed"
    # a node's id changed (``id`` the new, ``field`` the old), said before the
    # removals and additions that carry it out, so the session keeps the
    # renamed parameters' values
    NODE_RENAMED = "node_renamed"


@dataclass(frozen=True)
class Change:
    """What an edit changed, in the past tense, with ids.

    ``what`` is a :class:`ChangeKind`; for section_changed, ``field`` names
    the section: loss, regularization, training, data, outputs, title, notes,
    view.
    ``field`` says which field of a node or edge changed.
    """

    what: ChangeKind
    id: str | None = None
    field: str | None = None

    @property
    def structural(self) -> bool:
        """Whether the compiled network no longer matches the document."""
        if self.what in (ChangeKind.NODE_ADDED, ChangeKind.NODE_REMOVED, ChangeKind.EDGE_ADDED,
                         ChangeKind.EDGE_REMOVED, ChangeKind.NODE_RENAMED):
            return True
        if self.what == ChangeKind.NODE_CHANGED:
            return self.field in ("activation", "op", "kind")
        if self.what == ChangeKind.SECTION_CHANGED:
            return self.field in ("outputs", "data")
        return False


@dataclass
class Node:
    id: str
    kind: str
    activation: str | None = None   # neuron (identity when absent)
    bias: float | None = None       # neuron; drawn when absent
    op: str | None = None           # op
    value: float | None = None      # input, const, param; scale/offset constant
    pos: tuple[float, float] | None = None
    label: str | None = None


@dataclass
class Edge:
    src: str
    dst: str
    weight: float | None = None

    @property
    def key(self) -> EdgeKey:
        return EdgeKey.of(self.src, self.dst)

    @property
    def name(self) -> ParamName:
        return ParamName.weight(self.src, self.dst)


@dataclass
class Loss:
    kind: str = "none"
    reduction: str = "mean"


@dataclass
class Regularization:
    kind: str = "none"
    lam: float = 0.0


@dataclass
class Training:
    learning_rate: float = 0.1
    optimizer: str = "gd"
    batch: str | int = "full"
    shuffle: bool = False
    seed: int = 0
    epsilon: float | None = None
    max_steps: int | None = None
    momentum: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8


@dataclass
class Data:
    inputs: list[str]
    targets: list[str]
    rows: list[list[float]] | None = None
    csv: str | None = None
    generator: str | None = None
    samples: int = 200
    noise: float = 0.1
    seed: int = 0
    labels: str = "01"
    test_fraction: float = 0.0


@dataclass
class Document:
    nodes: list[Node]
    outputs: list[str]
    edges: list[Edge] = field(default_factory=list)
    title: str = ""
    notes: str = ""
    loss: Loss = field(default_factory=Loss)
    regularization: Regularization = field(default_factory=Regularization)
    training: Training = field(default_factory=Training)
    data: Data | None = None
    view: dict = field(default_factory=dict)

    def __post_init__(self):
        self._listeners: list[Callable[[Change], None]] = []

    def __deepcopy__(self, memo) -> "Document":
        """A copy of the content, without the listeners.  A node's and an
        edge's fields are immutable (strings, numbers, a tuple), so a
        shallow copy of each is a whole one: copied field by field through
        deepcopy, the nodes and edges of a 9-9-9-1 would take most of an
        edit's check (check_edit copies the document for every edit)."""
        whole = {f.name: copy.deepcopy(getattr(self, f.name), memo) for f in fields(self)
                 if f.name not in ("nodes", "edges")}
        return Document(nodes=[copy.copy(n) for n in self.nodes],
                        edges=[copy.copy(e) for e in self.edges], **whole)

    # --- announcing changes -------------------------------------------------

    def subscribe(self, listener: Callable[["Change"], None]) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[["Change"], None]) -> None:
        self._listeners.remove(listener)

    def announce(self, change: "Change") -> None:
        for listener in list(self._listeners):
            listener(change)

    # --- reading ------------------------------------------------------------

    def has_node(self, node_id: str) -> bool:
        return any(n.id == node_id for n in self.nodes)

    def edge(self, src: str, dst: str) -> Edge:
        for e in self.edges:
            if e.src == src and e.dst == dst:
                return e
        raise KeyError((src, dst))

    def node(self, node_id: str) -> Node:
        for n in self.nodes:
            if n.id == node_id:
                return n
        raise KeyError(node_id)

    def graph_spec(self) -> GraphSpec:
        """The engine's view of the structure and the given parameter values."""
        return GraphSpec(
            tuple(NodeSpec(n.id, n.kind,
                           (n.activation or "identity") if n.kind == "neuron" else (n.op or ""),
                           n.value, n.bias) for n in self.nodes),
            tuple(EdgeSpec(e.src, e.dst, e.weight) for e in self.edges),
            tuple(self.outputs))

    def settings(self) -> Settings:
        t = self.training
        return Settings(
            loss=self.loss.kind, reduction=self.loss.reduction,
            regularization=self.regularization.kind, lam=self.regularization.lam,
            learning_rate=t.learning_rate, optimizer=t.optimizer, momentum=t.momentum,
            beta1=t.beta1, beta2=t.beta2, eps=t.eps, batch=t.batch, shuffle=t.shuffle,
            seed=t.seed, epsilon=t.epsilon, max_steps=t.max_steps)

    def apply_settings(self, s: Settings) -> None:
        """Write engine settings back into the document's sections."""
        self.loss = Loss(s.loss, s.reduction)
        self.regularization = Regularization(s.regularization, s.lam)
        self.training = Training(s.learning_rate, s.optimizer, s.batch, s.shuffle, s.seed,
                                 s.epsilon, s.max_steps, s.momentum, s.beta1, s.beta2, s.eps)

    def set_parameters(self, values: dict[str, float]) -> None:
        """Set weights (``w:A->B``), biases (``b:N``) and params (``p:P``) by name."""
        edges = {e.name: e for e in self.edges}
        nodes = {n.id: n for n in self.nodes}
        for name, value in values.items():
            name = ParamName(name)
            if name.kind == ParamName.WEIGHT:
                edges[name].weight = float(value)
            elif name.kind == ParamName.BIAS:
                nodes[name.node].bias = float(value)
            else:
                nodes[name.node].value = float(value)
