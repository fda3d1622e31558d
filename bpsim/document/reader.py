"""Reading and validating network files.

Everything is checked before anything is used: the shapes of the fields
(``format.py``), then what needs the whole file (ids, the graph, data against
the loss).  The first problem found is raised as a :class:`BpsimError` naming
the JSON path.
"""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

from ..engine import GATES, LOSSES, compile_graph
from ..engine.data import TWO_INPUT_GENERATORS
from ..errors import BpsimError
from ..engine.graph import check_structure
from .fields import Identifier, ListOf, check_object
from .format import DATA_SOURCES, EDGE_FIELDS, GENERATOR_ONLY, KIND_FIELDS, \
    KIND_REQUIRED, NODE_FIELDS, TOP_FIELDS, TOP_REQUIRED, VERSION
from .limits import MAX_FILE_BYTES, MAX_NODES, check_limits, read_file
from .model import Data, Document, Edge, Loss, Node, Regularization, Training


class _NotANumber(str):
    """NaN, Infinity or -Infinity as written in the file.  The json module
    does not say where it met one, so it is kept as a marker and found after
    parsing, where its JSON path is known."""


class _Object(dict):
    """A JSON object that remembers a key it saw twice (the json module keeps
    the last one silently; a file that says two things is refused)."""

    duplicate: str | None = None


def _object(pairs: list[tuple[str, object]]) -> _Object:
    obj = _Object()
    for key, value in pairs:
        if key in obj and obj.duplicate is None:
            obj.duplicate = key
        obj[key] = value
    return obj


# "\ud800" escaped alone in JSON parses to half a character, which no
# UTF-8 file or terminal can hold: saving or printing it would fail.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_text(text: str, path: str) -> None:
    found = _SURROGATE.search(text)
    if found:
        raise BpsimError(f"\\u{ord(found.group()):04x} is half a character (a lone "
                         "surrogate), not text", path or "$")


def _check_values(value: object, path: str) -> None:
    """Every number finite, everywhere (``view`` too: saving writes strict
    JSON, and a 1e999 that parsed as inf would fail only then); no key twice;
    every string, keys too, whole characters."""
    if isinstance(value, _Object) and value.duplicate is not None:
        key = value.duplicate
        raise BpsimError(f'key "{key}" given twice', f"{path}.{key}" if path else key)
    if isinstance(value, _NotANumber):
        raise BpsimError(f"invalid JSON: {value} is not a JSON number", path or "$")
    if isinstance(value, float) and not math.isfinite(value):
        raise BpsimError("expected a finite number, got one too large for a float", path or "$")
    if isinstance(value, str):
        _check_text(value, path)
    elif isinstance(value, dict):
        for key, v in value.items():
            _check_text(key, path)
            _check_values(v, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _check_values(v, f"{path}[{i}]")


def parse_json(text: str) -> object:
    try:
        raw = json.loads(text, parse_constant=_NotANumber, object_pairs_hook=_object)
        _check_values(raw, "")
        return raw
    except json.JSONDecodeError as exc:
        raise BpsimError(f"invalid JSON: {exc.msg}", f"line {exc.lineno} column {exc.colno}")
    except RecursionError:
        # json recurses once per level of nesting: "[[[[..." past Python's
        # recursion limit
        raise BpsimError("invalid JSON: nested too deeply", "$")
    except ValueError as exc:   # e.g. an integer of more than 4300 digits
        raise BpsimError(f"invalid JSON: {exc}", "$")


def read_text(path: str | Path) -> str:
    try:
        # a BOM from a Windows editor is fine
        return read_file(path, MAX_FILE_BYTES).decode("utf-8-sig")
    except BpsimError as exc:    # not a regular file, or too large
        raise BpsimError(exc.problem, file=str(path))
    except FileNotFoundError:
        raise BpsimError("no such file", file=str(path))
    except IsADirectoryError:
        raise BpsimError("is a directory, not a network file", file=str(path))
    except PermissionError:
        raise BpsimError("permission denied", file=str(path))
    except UnicodeDecodeError as exc:
        raise BpsimError(f"not UTF-8 text (byte {exc.start})", file=str(path))
    except OSError as exc:   # a name too long, an I/O error, ...
        raise BpsimError(f"cannot read: {exc.strerror or exc}", file=str(path))


# A network the window saved while it was being drawn may have no output yet.
_DRAFT_FIELDS = {**TOP_FIELDS, "outputs": ListOf(Identifier(), max_length=MAX_NODES,
                                                  noun="outputs")}


def parse_document(raw: object, complete: bool = True) -> Document:
    """A validated :class:`Document` from parsed JSON.  ``complete=False``
    takes a network still being drawn (a gate without inputs, no output yet),
    as the window saves one: every field and the graph's structure are still
    checked."""
    if isinstance(raw, dict):
        _check_format(raw)
    top = check_object(raw, "", TOP_FIELDS if complete else _DRAFT_FIELDS, TOP_REQUIRED)
    nodes = [read_node(v, f"nodes[{i}]") for i, v in enumerate(top["nodes"])]
    edges = [read_edge(v, f"edges[{i}]") for i, v in enumerate(top.get("edges", []))]
    loss = top.get("loss", {})
    reg = top.get("regularization", {})
    doc = Document(
        nodes=nodes, edges=edges, outputs=list(top["outputs"]),
        title=top.get("title", ""), notes=top.get("notes", ""),
        loss=Loss(loss.get("kind", "none"), loss.get("reduction", "mean")),
        regularization=Regularization(reg.get("kind", "none"), reg.get("lambda", 0.0)),
        training=Training(**top.get("training", {})),
        data=_data(top["data"]) if "data" in top else None,
        view=top.get("view", {}),
    )
    if complete:
        check_document(doc)
    else:
        check_limits(doc)
        check_structure(doc.graph_spec())
    return doc


def _check_format(raw: dict) -> None:
    """The format and the version before anything else: a trace file, or a
    file from a later bpsim with fields this one does not know, is told so,
    not that some field is missing or unknown."""
    if "format" in raw:
        TOP_FIELDS["format"].check(raw["format"], "format")
    if "version" in raw:
        version = TOP_FIELDS["version"].check(raw["version"], "version")
        if version != VERSION:
            raise BpsimError(f"unsupported version {version} (this bpsim reads {VERSION})",
                             "version")


def read_node(raw: object, path: str) -> Node:
    v = check_object(raw, path, NODE_FIELDS, ("id", "kind"))
    kind = v["kind"]
    for key in v:
        if key not in ("id", "kind", "pos", "label") and key not in KIND_FIELDS[kind]:
            raise BpsimError(f'field "{key}" does not belong on a{"n" if kind[0] in "aeio" else ""}'
                             f' {kind} node', f"{path}.{key}")
    for key in KIND_REQUIRED.get(kind, ()):
        if key not in v:
            raise BpsimError(f'a{"n" if kind[0] in "aeio" else ""} {kind} node needs "{key}"',
                             path)
    if kind == "op":
        gate = GATES[v["op"]]
        if gate.needs_value and "value" not in v:
            raise BpsimError(f'op "{gate.name}" needs a "value"', path)
        if not gate.needs_value and "value" in v:
            raise BpsimError(f'op "{gate.name}" takes no value', f"{path}.value")
    # A neuron's default activation is written in, as saving writes it: the
    # file read back is the same document.
    activation = v.get("activation", "identity" if kind == "neuron" else None)
    return Node(v["id"], kind, activation, v.get("bias"), v.get("op"), v.get("value"),
                tuple(v["pos"]) if "pos" in v else None, v.get("label"))


def read_edge(raw: object, path: str) -> Edge:
    v = check_object(raw, path, EDGE_FIELDS, ("from", "to"))
    return Edge(v["from"], v["to"], v.get("weight"))


def _data(v: dict) -> Data:
    sources = [k for k in DATA_SOURCES if k in v]
    if len(sources) != 1:
        raise BpsimError("give exactly one of rows, csv or generator"
                         + (f" (found {', '.join(sources)})" if sources else ""), "data")
    if "generator" not in v:
        for key in GENERATOR_ONLY:
            if key in v:
                raise BpsimError(f'"{key}" applies to generated data only', f"data.{key}")
    known = {k: v[k] for k in ("rows", "csv", "generator", "samples", "noise", "seed",
                               "labels", "test_fraction") if k in v}
    return Data(list(v["inputs"]), list(v.get("targets", [])), **known)


def check_document(doc: Document) -> None:
    """What only the whole document can tell, within the limits first (the
    graph's checks cost what its size does)."""
    check_limits(doc)
    compile_graph(doc.graph_spec())  # ids, edges, cycles, arities, outputs
    kinds = {n.id: n.kind for n in doc.nodes}
    loss = LOSSES[doc.loss.kind]
    data = doc.data
    if doc.loss.kind == "none":
        if len(doc.outputs) != 1:
            raise BpsimError(f'loss "none" needs exactly one output, got {len(doc.outputs)}',
                             "outputs")
        if data is not None and data.targets:
            raise BpsimError('loss "none" takes no targets', "data.targets")
    elif data is None:
        raise BpsimError(f'loss "{doc.loss.kind}" needs data with targets', "data")
    if data is None:
        return
    for k, nid in enumerate(data.inputs):
        if nid not in kinds:
            raise BpsimError(f'unknown node "{nid}"', f"data.inputs[{k}]")
        if kinds[nid] != "input":
            raise BpsimError(f'"{nid}" is a {kinds[nid]} node, not an input', f"data.inputs[{k}]")
        if nid in data.inputs[:k]:
            raise BpsimError(f'input "{nid}" listed twice', f"data.inputs[{k}]")
    if loss.needs_targets and not data.targets:
        raise BpsimError(f'loss "{doc.loss.kind}" needs targets: the outputs in order '
                         f"({', '.join(doc.outputs)})", "data.targets")
    if loss.needs_targets and data.targets != doc.outputs:
        raise BpsimError(f"targets must name the outputs in order ({', '.join(doc.outputs)}), "
                         f"got ({', '.join(data.targets)})", "data.targets")
    if data.generator is not None:
        want = (2, 1) if data.generator in TWO_INPUT_GENERATORS else (1, 1)
        have = (len(data.inputs), len(data.targets) or 1)
        if have != want:
            raise BpsimError(f'generator "{data.generator}" makes {want[0]} input(s) and '
                             f"{want[1]} target, the data names {len(data.inputs)} and "
                             f"{len(data.targets)}", "data")
        if data.generator not in TWO_INPUT_GENERATORS and data.labels != "01":
            raise BpsimError(f'generator "{data.generator}" makes real targets, not labels',
                             "data.labels")
    if data.rows is not None:
        width = len(data.inputs) + len(data.targets)
        if not data.rows:
            raise BpsimError("no rows", "data.rows")
        for i, row in enumerate(data.rows):
            if len(row) != width:
                raise BpsimError(f"expected {width} values (inputs then targets), got {len(row)}",
                                 f"data.rows[{i}]")
