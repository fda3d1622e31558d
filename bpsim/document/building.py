"""Helpers for drawing networks: numbers as students write them, an
automatic layout for any DAG, and the layered-network builder."""
from __future__ import annotations

import re

from ..errors import BpsimError
from .edits import AddEdge, AddNode, Compound, SetSection
from .model import Data, Document, Edge, Loss, Node

_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_FRACTION = re.compile(rf"^\s*({_NUMBER})\s*(?:/\s*({_NUMBER}))?\s*$")


def parse_number(text: str) -> float:
    """``0.5``, ``-3``, ``1/2``, ``2e-3``, ``−0.4`` (a typographic minus) → float."""
    cleaned = text.replace("−", "-")
    if cleaned.count(",") == 1 and "." not in cleaned:   # a decimal comma: 0,5
        cleaned = cleaned.replace(",", ".")
    m = _FRACTION.match(cleaned)
    if not m:
        raise BpsimError(f'"{text.strip()}" is not a number (try 0.5, -3, 1/2 or 2e-3)')
    num = float(m.group(1))
    if m.group(2) is None:
        return num
    den = float(m.group(2))
    if den == 0:
        raise BpsimError(f'"{text.strip()}": division by zero')
    return num / den


def data_for_loss(doc: Document, kind: str) -> Data | None:
    """The data a change to loss ``kind`` takes along, so that the choice is
    never refused for want of targets: a loss that reads targets gets a
    target column per output (0, to be edited) — on the inputs' own values
    when there is no data — and "none" drops them.  None: the data as it is
    serves (or only a file can change it: a CSV's columns)."""
    from ..engine.losses import LOSSES
    from dataclasses import replace
    needs = LOSSES[kind].needs_targets
    data = doc.data
    inputs = [n.id for n in doc.nodes if n.kind == "input"]
    if data is None:
        if not needs:
            return None
        values = [float(doc.node(i).value or 0.0) for i in inputs]
        return Data(inputs, list(doc.outputs), rows=[values + [0.0] * len(doc.outputs)])
    if data.csv is not None:
        return None
    if needs and data.targets == list(doc.outputs):
        return None
    if not needs and not data.targets:
        return None
    if data.rows is not None:
        width = len(data.inputs)
        rows = [list(row[:width]) for row in data.rows]
        if needs:
            rows = [row + [0.0] * len(doc.outputs) for row in rows]
        return replace(data, targets=list(doc.outputs) if needs else [], rows=rows)
    # generated: its target is the outputs' (one), or none
    return replace(data, targets=list(doc.outputs) if needs else [])


def new_edge_weight(doc: Document, dst: str) -> float:
    """A weight for a new edge into neuron ``dst``, drawn as the contract's
    initialization draws a missing one: uniform in ±1/√fan_in (the fan-in
    with this edge).  From the training seed and the number of edges so far,
    so the same drawing gives the same weights, and two edges drawn into a
    neuron differ (all at 0.5, a hand-built network was symmetric and its
    hidden neurons learned alike)."""
    import math

    import numpy as np
    fan_in = 1 + sum(1 for e in doc.edges if e.dst == dst)
    bound = 1.0 / math.sqrt(fan_in)
    rng = np.random.default_rng([int(doc.training.seed), len(doc.edges)])
    return float(rng.uniform(-bound, bound))


def levels_of(doc: Document) -> dict[str, int]:
    """Longest-path level of every node (an incomplete or cyclic graph gets
    its best effort: nodes on a cycle stay at the level reached)."""
    level = {n.id: 0 for n in doc.nodes}
    for _ in range(len(doc.nodes)):
        changed = False
        for e in doc.edges:
            if e.src in level and e.dst in level and level[e.dst] < level[e.src] + 1:
                level[e.dst] = level[e.src] + 1
                changed = True
        if not changed:
            break
    for n in doc.nodes:
        if n.kind == "neuron" and level[n.id] == 0:
            level[n.id] = 1
    return level


COLUMN, ROW = 300.0, 120.0
WIDE = 1.2          # a built network's width over its height, at least


def auto_layout(doc: Document) -> dict[str, tuple[float, float]]:
    """Columns by level, each column centred, nodes in file order."""
    level = levels_of(doc)
    columns: dict[int, list[str]] = {}
    for n in doc.nodes:
        columns.setdefault(level[n.id], []).append(n.id)
    tallest = max((len(c) for c in columns.values()), default=1)
    pos = {}
    for lv, ids in columns.items():
        top = (tallest - len(ids)) * ROW / 2
        for k, nid in enumerate(ids):
            pos[nid] = (lv * COLUMN, top + k * ROW)
    return pos


def place_unplaced(doc: Document) -> None:
    """Give the nodes a file left without ``pos`` their automatic places
    (a file written by hand or by a script often has none: piled at one
    point, its nodes would hide each other)."""
    if any(n.pos is None for n in doc.nodes):
        pos = auto_layout(doc)
        for n in doc.nodes:
            if n.pos is None:
                n.pos = pos[n.id]


def parse_layers(text: str) -> list[int]:
    """"2-4-4-1" → [2, 4, 4, 1]."""
    parts = [p.strip() for p in re.split(r"[-,\s]+", text.strip()) if p.strip()]
    try:
        sizes = [int(p) for p in parts]
    except ValueError:
        raise BpsimError(f'"{text}": write the layer sizes like 2-4-4-1')
    if len(sizes) < 2 or any(s < 1 or s > 64 for s in sizes):
        raise BpsimError(f'"{text}": at least two layers, each of 1 to 64 nodes')
    return sizes


def layered_network(doc: Document, text: str, hidden: str, output: str) -> Compound:
    """An edit that adds a fully connected layered network beside what is
    there: inputs x1…, hidden neurons h<layer>_<k>, outputs y1…; the new
    outputs become the document's outputs when it has none."""
    sizes = parse_layers(text)
    taken = {n.id for n in doc.nodes}
    right = max((n.pos[0] for n in doc.nodes if n.pos), default=-COLUMN) + COLUMN

    def fresh(prefix: str) -> str:
        k = 1
        while f"{prefix}{k}" in taken:
            k += 1
        taken.add(f"{prefix}{k}")
        return f"{prefix}{k}"

    layers: list[list[str]] = []
    edits = []
    tallest = max(sizes)
    # A tall network is spread as wide as it is tall: at 300 px between
    # layers, a 2-64-64-64-1 would be a column six times as tall as wide,
    # its lines one slab where the view fits it.
    column = max(COLUMN, WIDE * (tallest - 1) * ROW / max(len(sizes) - 1, 1))
    for li, size in enumerate(sizes):
        if li == 0:
            ids = [fresh("x") for _ in range(size)]
        elif li == len(sizes) - 1:
            ids = [fresh("y") for _ in range(size)]
        else:
            ids = [fresh(f"h{li}_") for _ in range(size)]
        top = (tallest - size) * ROW / 2
        for k, nid in enumerate(ids):
            pos = (right + li * column, top + k * ROW)
            if li == 0:
                node = Node(nid, "input", pos=pos)
            else:
                node = Node(nid, "neuron", activation=output if li == len(sizes) - 1 else hidden,
                            pos=pos)
            edits.append(AddNode(node))
        layers.append(ids)
    for lower, upper in zip(layers, layers[1:]):
        for b in upper:
            for a in lower:
                edits.append(AddEdge(Edge(a, b)))
    if not doc.outputs:
        edits.append(SetSection("outputs", list(layers[-1])))
    edits += _something_to_learn(doc, layers[0], layers[-1], output)
    return Compound(edits, f"build {text.strip()} network")


def _something_to_learn(doc: Document, inputs: list[str], outputs: list[str],
                        output: str) -> list:
    """On an empty canvas, a network of one or two inputs and one output gets
    data and a loss to learn with (a circle to separate, a sine to fit):
    without them its cost is its output itself, and training it only pushes
    that down."""
    if doc.nodes or doc.data is not None or doc.loss.kind != "none" or len(outputs) != 1 \
            or len(inputs) not in (1, 2):
        return []
    generator = "circle" if len(inputs) == 2 else "sine"
    kind = "bce" if len(inputs) == 2 and output == "sigmoid" else "mse"
    return [SetSection("data", Data(list(inputs), list(outputs), generator=generator)),
            SetSection("loss", Loss(kind, "mean"))]
