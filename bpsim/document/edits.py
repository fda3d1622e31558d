"""Reversible edits of a document.

Every change a user makes is an :class:`Edit` with ``apply(doc)`` and
``revert(doc)``; the document announces each change (``node_added``, …) so
views can update the items with those ids.  Removals remember where things
were, so undo puts them back in the same order (as orange-canvas does).
:func:`check_edit` tries an edit on a copy first: an edit that would make the
document invalid (a cycle, an edge into an input, …) is refused with the
validator's own message and never reaches the document.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace

from ..errors import BpsimError
from .format import TOP_FIELDS
from .limits import check_limits
from .model import Change, ChangeKind, Document, Edge, Node
from .writer import edge_dict, node_dict, section_dict
from ..engine.graph import check_structure
from .dataset import build_dataset
from .reader import check_document, read_edge, read_node


class Edit:
    """Base class: ``text`` names the edit in the Undo menu."""

    text = "edit"
    #: Edits with the same non-None key in a row may merge into one undo step.
    merge_key: str | None = None

    def apply(self, doc: Document) -> None:
        raise NotImplementedError

    def revert(self, doc: Document) -> None:
        raise NotImplementedError

    def merge(self, later: "Edit") -> bool:
        """Absorb ``later`` (same merge_key); False when they cannot merge."""
        return False


def check_edit(doc: Document, edit: Edit, base_dir=None) -> None:
    """Raise a BpsimError if ``edit`` would make ``doc``'s graph impossible
    (a cycle, an edge into an input, …) or put in a value the file format
    refuses (a non-finite weight, a negative learning rate, …).  An
    incomplete network — a gate not yet connected — is allowed while it is
    being drawn, but a settings edit may not break a complete network (bce on
    targets outside [0, 1], …).  ``base_dir`` is the network file's folder,
    where a CSV is read from."""
    trial = copy.deepcopy(doc)
    changes: list[Change] = []
    trial.subscribe(changes.append)
    edit.apply(trial)
    check_limits(trial)
    check_values(trial, changes)
    check_structure(trial.graph_spec())
    # A section's check costs what the section can break: the learning rate
    # cannot break the data (a 100 000-row CSV was read again at every tick
    # of its slider), a loss can refuse the targets the data holds.
    sections = {e.section for e in _leaves(edit) if isinstance(e, SetSection)}
    if sections & set(CHECKED_WHOLE) and is_complete(doc):
        check_document(trial)
        if sections & {"loss", "data"}:
            build_dataset(trial, base_dir)


def _leaves(edit: Edit) -> list[Edit]:
    """The edits a compound is made of (an edit alone: itself)."""
    return [leaf for e in edit.edits for leaf in _leaves(e)] if isinstance(edit, Compound) \
        else [edit]


# Sections whose change may break a complete network as a whole (the others:
# training, regularization, title, notes, view, only their own fields).
CHECKED_WHOLE = ("loss", "outputs", "data")


def check_values(doc: Document, changes: list[Change]) -> None:
    """Check what ``changes`` touched against the file format's own fields,
    so no edit can bring in a value a file could not hold."""
    nodes = {n.id: i for i, n in enumerate(doc.nodes)}
    edges = {edge_id(e): i for i, e in enumerate(doc.edges)}
    for change in dict.fromkeys(changes):
        if change.what in (ChangeKind.NODE_ADDED, ChangeKind.NODE_CHANGED) and change.id in nodes:
            i = nodes[change.id]
            read_node(node_dict(doc.nodes[i]), f"nodes[{i}]")       # a file's own rules
        elif change.what in (ChangeKind.EDGE_ADDED, ChangeKind.EDGE_CHANGED) and change.id in edges:
            i = edges[change.id]
            read_edge(edge_dict(doc.edges[i]), f"edges[{i}]")
        elif change.what == ChangeKind.SECTION_CHANGED:
            value = section_dict(doc, change.field)
            if value is not None:
                TOP_FIELDS[change.field].check(value, change.field)


def is_complete(doc: Document) -> bool:
    try:
        check_document(doc)
    except BpsimError:
        return False
    return True


@dataclass
class AddNode(Edit):
    node: Node
    index: int | None = None

    @property
    def text(self) -> str:
        return f"add {self.node.kind} {self.node.id}"

    def apply(self, doc):
        i = len(doc.nodes) if self.index is None else self.index
        doc.nodes.insert(i, replace(self.node))
        doc.announce(Change(ChangeKind.NODE_ADDED, self.node.id))

    def revert(self, doc):
        doc.nodes = [n for n in doc.nodes if n.id != self.node.id]
        doc.announce(Change(ChangeKind.NODE_REMOVED, self.node.id))


@dataclass
class AddEdge(Edit):
    edge: Edge

    @property
    def text(self) -> str:
        return f"connect {self.edge.src} → {self.edge.dst}"

    def apply(self, doc):
        doc.edges.append(replace(self.edge))
        doc.announce(Change(ChangeKind.EDGE_ADDED, edge_id(self.edge)))

    def revert(self, doc):
        ends = (self.edge.src, self.edge.dst)
        if doc.edges and (doc.edges[-1].src, doc.edges[-1].dst) == ends:
            # where apply put it, when edits revert in order: undoing a
            # builder's thousands of edges rebuilt the list once per edge
            doc.edges.pop()
        else:
            doc.edges = [e for e in doc.edges if (e.src, e.dst) != ends]
        doc.announce(Change(ChangeKind.EDGE_REMOVED, edge_id(self.edge)))


def edge_id(edge: Edge) -> str:
    """An edge's id in announcements: its key, ``FROM->TO``."""
    return edge.key


@dataclass
class RemoveElements(Edit):
    """Remove nodes (with every edge touching them) and edges.

    A removed node is also dropped from ``outputs`` and from the data's
    inputs and targets, its column leaving the inline rows; all of it comes
    back on undo.
    """

    node_ids: list[str]
    edges: list[tuple[str, str]] = field(default_factory=list)
    _nodes: list[tuple[int, Node]] = field(default_factory=list, repr=False)
    _edges: list[tuple[int, Edge]] = field(default_factory=list, repr=False)
    _outputs: list[str] | None = field(default=None, repr=False)
    _data: object = field(default=None, repr=False)

    @property
    def text(self) -> str:
        n, e = len(self.node_ids), len(self.edges)
        if n == 1 and not e:
            return f"delete {self.node_ids[0]}"
        return f"delete {n} node(s), {e} edge(s)" if n else f"delete {e} edge(s)"

    def apply(self, doc):
        gone = set(self.node_ids)
        pairs = set(self.edges)
        self._edges = [(i, e) for i, e in enumerate(doc.edges)
                       if e.src in gone or e.dst in gone or (e.src, e.dst) in pairs]
        self._nodes = [(i, n) for i, n in enumerate(doc.nodes) if n.id in gone]
        self._outputs = list(doc.outputs)
        self._data = copy.deepcopy(doc.data)
        doc.edges = [e for i, e in enumerate(doc.edges) if i not in {k for k, _ in self._edges}]
        doc.nodes = [n for n in doc.nodes if n.id not in gone]
        for _, e in self._edges:
            doc.announce(Change(ChangeKind.EDGE_REMOVED, edge_id(e)))
        for _, n in self._nodes:
            doc.announce(Change(ChangeKind.NODE_REMOVED, n.id))
        if gone & set(doc.outputs):
            doc.outputs = [o for o in doc.outputs if o not in gone]
            doc.announce(Change(ChangeKind.SECTION_CHANGED, field="outputs"))
        if doc.data is not None and gone & {*doc.data.inputs, *doc.data.targets}:
            _drop_data_columns(doc, gone)
            doc.announce(Change(ChangeKind.SECTION_CHANGED, field="data"))

    def revert(self, doc):
        for i, n in self._nodes:
            doc.nodes.insert(i, n)
            doc.announce(Change(ChangeKind.NODE_ADDED, n.id))
        for i, e in self._edges:
            doc.edges.insert(i, e)
            doc.announce(Change(ChangeKind.EDGE_ADDED, edge_id(e)))
        if doc.outputs != self._outputs:
            doc.outputs = list(self._outputs)
            doc.announce(Change(ChangeKind.SECTION_CHANGED, field="outputs"))
        if doc.data != self._data:
            doc.data = copy.deepcopy(self._data)
            doc.announce(Change(ChangeKind.SECTION_CHANGED, field="data"))


def _drop_data_columns(doc: Document, gone: set[str]) -> None:
    data = doc.data
    columns = [*data.inputs, *data.targets]
    keep = [k for k, c in enumerate(columns) if c not in gone]
    if data.rows is not None:
        data.rows = [[row[k] for k in keep] for row in data.rows]
    data.inputs = [i for i in data.inputs if i not in gone]
    data.targets = [t for t in data.targets if t not in gone]


@dataclass
class MoveNodes(Edit):
    """Nodes dragged to new positions; a drag is one edit, pushed on release."""

    moves: dict[str, tuple[tuple[float, float] | None, tuple[float, float]]]
    text = "move"

    def apply(self, doc):
        self._set(doc, 1)

    def revert(self, doc):
        self._set(doc, 0)

    def _set(self, doc, which):
        for nid, ends in self.moves.items():
            doc.node(nid).pos = ends[which]
            doc.announce(Change(ChangeKind.NODE_CHANGED, nid, "pos"))


@dataclass
class SetNodeField(Edit):
    """A node's activation, bias, value, op or label."""

    node_id: str
    name: str
    value: object
    old: object = None

    @property
    def text(self) -> str:
        return f"set {self.name} of {self.node_id}"

    def apply(self, doc):
        node = doc.node(self.node_id)
        self.old = getattr(node, self.name)
        setattr(node, self.name, self.value)
        doc.announce(Change(ChangeKind.NODE_CHANGED, self.node_id, self.name))

    def revert(self, doc):
        setattr(doc.node(self.node_id), self.name, self.old)
        doc.announce(Change(ChangeKind.NODE_CHANGED, self.node_id, self.name))



@dataclass
class SetEdgeWeight(Edit):
    src: str
    dst: str
    weight: float | None
    old: float | None = None

    @property
    def text(self) -> str:
        return f"set weight {self.src} → {self.dst}"

    def apply(self, doc):
        edge = doc.edge(self.src, self.dst)
        self.old = edge.weight
        edge.weight = self.weight
        doc.announce(Change(ChangeKind.EDGE_CHANGED, edge.key, "weight"))

    def revert(self, doc):
        edge = doc.edge(self.src, self.dst)
        edge.weight = self.old
        doc.announce(Change(ChangeKind.EDGE_CHANGED, edge.key, "weight"))



@dataclass
class SetSection(Edit):
    """Replace a whole section: loss, regularization, training, data,
    outputs, title, notes or view (values are copied in and out).

    ``control`` names the control that made the change (e.g. "learning_rate"):
    a burst of changes from one control — a slider dragged — is one undo step.
    """

    section: str
    value: object
    control: str | None = None
    old: object = None
    burst: int = 0     # a new number starts a new undo step (a slider pressed anew)

    @property
    def text(self) -> str:
        return f"change {self.control or self.section}"

    @property
    def merge_key(self) -> str | None:
        return f"section:{self.section}:{self.control}:{self.burst}" if self.control else None

    def apply(self, doc):
        self.old = copy.deepcopy(getattr(doc, self.section))
        setattr(doc, self.section, copy.deepcopy(self.value))
        doc.announce(Change(ChangeKind.SECTION_CHANGED, field=self.section))

    def revert(self, doc):
        setattr(doc, self.section, copy.deepcopy(self.old))
        doc.announce(Change(ChangeKind.SECTION_CHANGED, field=self.section))

    def merge(self, later):
        self.value = later.value
        return True


@dataclass
class RenameNode(Edit):
    """A node's id changed, and everything that names it: its edges, the
    outputs, the data's inputs and targets.  Refused, with the reason, for
    an empty id, one another node has, or a node a CSV file's column names
    (the file keeps its header)."""

    old: str
    new: str

    @property
    def text(self) -> str:
        return f"rename {self.old} to {self.new}"

    def apply(self, doc):
        self._rename(doc, self.old, self.new.strip())

    def revert(self, doc):
        self._rename(doc, self.new.strip(), self.old)

    @staticmethod
    def _rename(doc: Document, old: str, new: str) -> None:
        if not new:
            raise BpsimError("a node needs an id", "id")
        if new == old:
            return
        if any(n.id == new for n in doc.nodes):
            raise BpsimError(f'"{new}" is another node\'s id', "id")
        data = doc.data
        if data is not None and data.csv and old in (*data.inputs, *data.targets):
            raise BpsimError(f'"{old}" names a column of {data.csv}: rename the column '
                             "there, then the node", "id")
        node = doc.node(old)
        touching = [e for e in doc.edges if old in (e.src, e.dst)]
        doc.announce(Change(ChangeKind.NODE_RENAMED, new, old))
        for e in touching:
            doc.announce(Change(ChangeKind.EDGE_REMOVED, edge_id(e)))
        doc.announce(Change(ChangeKind.NODE_REMOVED, old))
        node.id = new
        for e in touching:
            e.src = new if e.src == old else e.src
            e.dst = new if e.dst == old else e.dst
        doc.announce(Change(ChangeKind.NODE_ADDED, new))
        for e in touching:
            doc.announce(Change(ChangeKind.EDGE_ADDED, edge_id(e)))
        if old in doc.outputs:
            doc.outputs = [new if o == old else o for o in doc.outputs]
            doc.announce(Change(ChangeKind.SECTION_CHANGED, field="outputs"))
        if data is not None and old in (*data.inputs, *data.targets):
            data.inputs = [new if i == old else i for i in data.inputs]
            data.targets = [new if t == old else t for t in data.targets]
            doc.announce(Change(ChangeKind.SECTION_CHANGED, field="data"))


@dataclass
class Compound(Edit):
    """Several edits as one undo step (e.g. the layered-network builder)."""

    edits: list[Edit]
    text: str = "edit"

    def apply(self, doc):
        for e in self.edits:
            e.apply(doc)

    def revert(self, doc):
        for e in reversed(self.edits):
            e.revert(doc)


def fresh_id(doc: Document, prefix: str) -> str:
    """The first unused id ``prefix1``, ``prefix2``, …"""
    taken = {n.id for n in doc.nodes}
    k = 1
    while f"{prefix}{k}" in taken:
        k += 1
    return f"{prefix}{k}"


__all__ = ["AddEdge", "AddNode", "BpsimError", "Compound", "Edit", "MoveNodes",
           "RemoveElements", "RenameNode", "SetEdgeWeight", "SetNodeField", "SetSection",
           "check_edit", "edge_id", "fresh_id"]
