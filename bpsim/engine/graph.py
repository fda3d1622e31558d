"""The network as the engine sees it, and its compilation into levels.

A :class:`GraphSpec` is plain data in file order.  :func:`compile_graph` checks
what only a whole graph can tell (unknown ids, cycles, arities, duplicate
edges) and lays the nodes out for vectorized passes:

* every node gets a *level* (sources 0, else 1 + the highest level it reads);
* rows of the value matrix are grouped by level, each level's block followed by
  a row of ones, so a neuron's bias is just the weight on that ones row;
* the neurons of a level read one contiguous slice of rows, from the lowest row
  they read to the ones row of the level below: ``Z = W @ A[lo:hi]`` with a
  dense W whose entries without an edge are held at zero by a mask.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import BpsimError
from .functions import ACTIVATIONS, GATES
from .names import ParamName

NODE_KINDS = ("input", "const", "param", "neuron", "op")
SOURCE_KINDS = ("input", "const", "param")


@dataclass(frozen=True)
class NodeSpec:
    id: str
    kind: str
    fn: str = ""                  # activation of a neuron, gate of an op
    value: float | None = None    # input/const/param value; scale/offset constant
    bias: float | None = None     # neurons only


@dataclass(frozen=True)
class EdgeSpec:
    src: str
    dst: str
    weight: float | None = None


@dataclass(frozen=True)
class GraphSpec:
    nodes: tuple[NodeSpec, ...]
    edges: tuple[EdgeSpec, ...]
    outputs: tuple[str, ...]


@dataclass
class NeuronLevel:
    """The neurons of one level: rows [r0, r1) read rows [lo, hi)."""

    level: int
    r0: int
    r1: int
    lo: int
    hi: int
    theta_offset: int
    groups: list[tuple[int, int, str]]   # (row start, row end, activation)
    mask: np.ndarray | None              # None when every entry is an edge

    @property
    def shape(self) -> tuple[int, int]:
        return (self.r1 - self.r0, self.hi - self.lo)


@dataclass
class OpNode:
    row: int
    gate: str
    inputs: list[int]      # rows, edge order
    value: float


@dataclass
class Compiled:
    """Index arrays for the passes; ids and orders the trace presents."""

    spec: GraphSpec
    index: dict[str, int]                 # id -> file index
    row: np.ndarray                       # file index -> storage row
    level: list[int]                      # file index -> level
    n_rows: int
    ones_rows: list[int]
    neuron_levels: list[NeuronLevel]
    op_levels: list[list[OpNode]]         # per level, ops in file order
    theta_size: int
    param_names: list[str]                # the named parameters, in display order
    param_theta: np.ndarray               # name index -> position in theta
    param_fan_in: list[int]
    weight_mask: np.ndarray               # 1.0 on theta entries that are edge weights
    param_node_rows: np.ndarray           # rows of `param` nodes
    param_node_theta: np.ndarray          # their positions in theta
    output_rows: np.ndarray
    topo_order: list[int]                 # file indices, forward order
    consumers: list[list[int]]            # file index -> outgoing edge indices
    in_edges: list[list[int]]             # file index -> incoming edge indices
    edge_theta: dict[int, int] = field(default_factory=dict)   # neuron edge index -> theta
    bias_theta: dict[int, int] = field(default_factory=dict)   # neuron file index -> theta


def _err(problem: str, path: str) -> BpsimError:
    return BpsimError(problem, path)


def _check(spec: GraphSpec, complete: bool = True
           ) -> tuple[dict[str, int], list[list[int]], list[list[int]]]:
    """Ids, kinds and edges; with ``complete`` also what a network still being
    drawn may lack (gate inputs, values, outputs)."""
    index: dict[str, int] = {}
    for i, n in enumerate(spec.nodes):
        if n.id in index:
            raise _err(f'duplicate node id "{n.id}"', f"nodes[{i}].id")
        if n.kind not in NODE_KINDS:
            raise _err(f'unknown kind "{n.kind}"', f"nodes[{i}].kind")
        if n.kind == "neuron" and n.fn not in ACTIVATIONS:
            raise _err(f'unknown activation "{n.fn}"', f"nodes[{i}].activation")
        if n.kind == "op":
            if n.fn not in GATES:
                raise _err(f'unknown op "{n.fn}"', f"nodes[{i}].op")
            if complete and GATES[n.fn].needs_value and n.value is None:
                raise _err(f'op "{n.fn}" needs a value', f"nodes[{i}].value")
        if complete and n.kind == "const" and n.value is None:
            raise _err("a const node needs a value", f"nodes[{i}].value")
        index[n.id] = i
    ins: list[list[int]] = [[] for _ in spec.nodes]
    outs: list[list[int]] = [[] for _ in spec.nodes]
    seen: set[tuple[str, str]] = set()
    for e, edge in enumerate(spec.edges):
        for end, nid in (("from", edge.src), ("to", edge.dst)):
            if nid not in index:
                raise _err(f'unknown node "{nid}"', f"edges[{e}].{end}")
        dst = spec.nodes[index[edge.dst]]
        if dst.kind in SOURCE_KINDS:
            raise _err(f'an edge cannot go into {dst.kind} node "{dst.id}"', f"edges[{e}].to")
        if edge.src == edge.dst:
            raise _err(f'edge from "{edge.src}" to itself makes a cycle', f"edges[{e}]")
        if (edge.src, edge.dst) in seen:
            raise _err(f'duplicate edge "{edge.src}" -> "{edge.dst}"', f"edges[{e}]")
        if dst.kind == "op" and edge.weight is not None:
            raise _err(f'an edge into op "{dst.id}" carries no weight', f"edges[{e}].weight")
        seen.add((edge.src, edge.dst))
        ins[index[edge.dst]].append(e)
        outs[index[edge.src]].append(e)
    for i, n in enumerate(spec.nodes):
        if n.kind == "op":
            k = len(ins[i])
            if not complete and k == 0:
                continue
            if GATES[n.fn].arity == "unary" and k != 1:
                raise _err(f'op "{n.fn}" takes exactly one input, has {k}', f"nodes[{i}]")
            if k == 0:
                raise _err(f'op "{n.fn}" needs at least one input', f"nodes[{i}]")
    if complete and not spec.outputs:
        raise _err("at least one output is needed", "outputs")
    for k, o in enumerate(spec.outputs):
        if o not in index:
            raise _err(f'unknown node "{o}"', f"outputs[{k}]")
        if o in spec.outputs[:k]:
            raise _err(f'output "{o}" listed twice', f"outputs[{k}]")
    return index, ins, outs


def _levels(spec: GraphSpec, index, ins) -> tuple[list[int], list[int]]:
    """Longest-path levels and the forward order; a cycle is refused.

    A neuron without inputs computes z = b, so it sits at level 1 like any
    other neuron, never among the sources.
    """
    n = len(spec.nodes)
    pending = [len(ins[i]) for i in range(n)]
    consumers: list[list[int]] = [[] for _ in range(n)]
    for e in spec.edges:
        consumers[index[e.src]].append(index[e.dst])
    level = [1 if spec.nodes[i].kind == "neuron" and not ins[i] else 0 for i in range(n)]
    ready = [i for i in range(n) if pending[i] == 0]
    order: list[int] = []
    while ready:
        i = ready.pop()
        order.append(i)
        for j in consumers[i]:
            level[j] = max(level[j], level[i] + 1)
            pending[j] -= 1
            if pending[j] == 0:
                ready.append(j)
    if len(order) < n:
        stuck = min(i for i in range(n) if pending[i] > 0)
        raise _err(f'the graph has a cycle through node "{spec.nodes[stuck].id}"', "edges")
    # Forward order: by level, then file order, so sources come first the way
    # a lecturer draws them.
    order.sort(key=lambda i: (level[i], i))
    return level, order


def check_structure(spec: GraphSpec) -> None:
    """What a network being drawn must never be: unknown ids, an edge into a
    source, a weight into a gate, a duplicate edge, a cycle.  It may still be
    incomplete (a gate without inputs, no outputs)."""
    index, ins, _ = _check(spec, complete=False)
    _levels(spec, index, ins)


def compile_graph(spec: GraphSpec) -> Compiled:
    index, ins, outs = _check(spec)
    level, order = _levels(spec, index, ins)
    n = len(spec.nodes)
    top = max(level) if n else 0

    # Storage rows: per level, neurons grouped by activation, then ops, then
    # sources; then that level's ones row.
    row = np.zeros(n, dtype=np.intp)
    block_end: list[int] = []       # the ones row of each level
    ones_rows: list[int] = []
    groups_at: list[list[tuple[int, int, str]]] = []
    r = 0
    for lv in range(top + 1):
        members = [i for i in range(n) if level[i] == lv]
        neurons = sorted((i for i in members if spec.nodes[i].kind == "neuron"),
                         key=lambda i: (list(ACTIVATIONS).index(spec.nodes[i].fn), i))
        groups: list[tuple[int, int, str]] = []
        for i in neurons:
            act = spec.nodes[i].fn
            if groups and groups[-1][2] == act:
                groups[-1] = (groups[-1][0], r + 1, act)
            else:
                groups.append((r, r + 1, act))
            row[i] = r
            r += 1
        for i in members:
            if spec.nodes[i].kind != "neuron":
                row[i] = r
                r += 1
        groups_at.append(groups)
        ones_rows.append(r)
        block_end.append(r)
        r += 1
    n_rows = r

    # Parameters: theta holds each level's dense W (bias column included), then
    # the param nodes.  Named parameters point into it.
    neuron_levels: list[NeuronLevel] = []
    edge_theta: dict[int, int] = {}
    bias_theta: dict[int, int] = {}
    offset = 0
    weight_positions: list[int] = []
    for lv in range(1, top + 1):
        groups = groups_at[lv]
        if not groups:
            continue
        r0, r1 = groups[0][0], groups[-1][1]
        members = [i for i in range(n) if level[i] == lv and spec.nodes[i].kind == "neuron"]
        src_rows = [int(row[index[spec.edges[e].src]]) for i in members for e in ins[i]]
        hi = block_end[lv - 1] + 1
        lo = min(src_rows) if src_rows else hi - 1
        cols = hi - lo
        mask = np.zeros((r1 - r0, cols))
        mask[:, cols - 1] = 1.0
        for i in members:
            rr = int(row[i]) - r0
            bias_theta[i] = offset + rr * cols + cols - 1
            for e in ins[i]:
                c = int(row[index[spec.edges[e].src]]) - lo
                mask[rr, c] = 1.0
                edge_theta[e] = offset + rr * cols + c
                weight_positions.append(edge_theta[e])
        neuron_levels.append(NeuronLevel(lv, r0, r1, lo, hi, offset, groups,
                                         None if mask.all() else mask))
        offset += (r1 - r0) * cols

    param_nodes = [i for i in range(n) if spec.nodes[i].kind == "param"]
    param_node_theta = np.arange(offset, offset + len(param_nodes), dtype=np.intp)
    theta_size = offset + len(param_nodes)

    names: list[str] = []
    positions: list[int] = []
    fan_in: list[int] = []
    for i, node in enumerate(spec.nodes):
        if node.kind == "neuron":
            for e in ins[i]:
                names.append(ParamName.weight(spec.edges[e].src, node.id))
                positions.append(edge_theta[e])
                fan_in.append(len(ins[i]))
            names.append(ParamName.bias(node.id))
            positions.append(bias_theta[i])
            fan_in.append(len(ins[i]))
        elif node.kind == "param":
            names.append(ParamName.param(node.id))
            positions.append(int(param_node_theta[param_nodes.index(i)]))
            fan_in.append(-1)

    weight_mask = np.zeros(theta_size)
    weight_mask[weight_positions] = 1.0

    op_levels: list[list[OpNode]] = [[] for _ in range(top + 1)]
    for i, node in enumerate(spec.nodes):
        if node.kind == "op":
            op_levels[level[i]].append(OpNode(
                int(row[i]), node.fn, [int(row[index[spec.edges[e].src]]) for e in ins[i]],
                0.0 if node.value is None else float(node.value)))

    return Compiled(
        spec=spec, index=index, row=row, level=level, n_rows=n_rows, ones_rows=ones_rows,
        neuron_levels=neuron_levels, op_levels=op_levels, theta_size=theta_size,
        param_names=names, param_theta=np.array(positions, dtype=np.intp), param_fan_in=fan_in,
        weight_mask=weight_mask,
        param_node_rows=np.array([row[i] for i in param_nodes], dtype=np.intp),
        param_node_theta=param_node_theta,
        output_rows=np.array([row[index[o]] for o in spec.outputs], dtype=np.intp),
        topo_order=order, consumers=outs, in_edges=ins,
        edge_theta=edge_theta, bias_theta=bias_theta,
    )
