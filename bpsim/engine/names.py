"""The names of edges and parameters, formatted and parsed here only.

An edge is ``FROM->TO``; a parameter (contract §2) is ``w:FROM->TO`` (the
weight of an edge into a neuron), ``b:NEURON`` or ``p:PARAM``.  Both are
``str`` subclasses, so they key dicts and go into JSON as the strings they
are, and they know their parts.
"""
from __future__ import annotations


class EdgeKey(str):
    """``FROM->TO``."""

    __slots__ = ()

    @classmethod
    def of(cls, src: str, dst: str) -> "EdgeKey":
        return cls(f"{src}->{dst}")

    @property
    def ends(self) -> tuple[str, str]:
        src, _, dst = self.partition("->")
        return src, dst

    @property
    def src(self) -> str:
        return self.ends[0]

    @property
    def dst(self) -> str:
        return self.ends[1]


class ParamName(str):
    """``w:FROM->TO``, ``b:NEURON`` or ``p:PARAM``."""

    __slots__ = ()
    WEIGHT, BIAS, PARAM = "w", "b", "p"

    @classmethod
    def weight(cls, src: str, dst: str) -> "ParamName":
        return cls(f"w:{src}->{dst}")

    @classmethod
    def bias(cls, neuron: str) -> "ParamName":
        return cls(f"b:{neuron}")

    @classmethod
    def param(cls, node: str) -> "ParamName":
        return cls(f"p:{node}")

    @property
    def kind(self) -> str:
        """"w", "b" or "p"."""
        return self.partition(":")[0]

    @property
    def rest(self) -> str:
        """What the parameter belongs to: an edge key or a node id."""
        return self.partition(":")[2]

    @property
    def edge(self) -> EdgeKey:
        """The edge of a weight."""
        return EdgeKey(self.rest)

    @property
    def node(self) -> str:
        """The node a weight goes into, or a bias's or param's own."""
        return self.edge.dst if self.kind == self.WEIGHT else self.rest

    def renamed(self, ids: dict[str, str]) -> "ParamName":
        """The same parameter with its nodes renamed (``ids``: old id → new)."""
        if self.kind == self.WEIGHT:
            src, dst = self.edge.ends
            return ParamName.weight(ids.get(src, src), ids.get(dst, dst))
        return ParamName(f"{self.kind}:{ids.get(self.rest, self.rest)}")
