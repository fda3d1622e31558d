"""Writing network files: canonical, stable-ordered JSON, saved atomically.

Sections and keys always come in the contract's order, one node, edge or data
row per line, floats in their shortest exact form, so a saved file diffs well
and load → save → load gives the same document.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from ..errors import BpsimError
from .format import FORMAT, VERSION
from .model import Document, Node, Training


def _num(x: float) -> float | int:
    """Integral values are written without ".0" (1, not 1.0): exact either way."""
    return int(x) if float(x).is_integer() and abs(x) < 2 ** 53 else x


def node_dict(n: Node) -> dict:
    d: dict = {"id": n.id, "kind": n.kind}
    if n.kind == "neuron":
        d["activation"] = n.activation or "identity"
        if n.bias is not None:
            d["bias"] = _num(n.bias)
    if n.kind == "op":
        d["op"] = n.op
    if n.value is not None:
        d["value"] = _num(n.value)
    if n.label is not None:
        d["label"] = n.label
    if n.pos is not None:
        d["pos"] = [_num(n.pos[0]), _num(n.pos[1])]
    return d


def training_dict(t: Training) -> dict:
    d = {"learning_rate": _num(t.learning_rate), "optimizer": t.optimizer, "batch": t.batch,
         "shuffle": t.shuffle, "seed": t.seed, "epsilon": t.epsilon, "max_steps": t.max_steps}
    defaults = Training()
    # An optimizer's constants are written when it uses them or when they were changed.
    for key, used_by in (("momentum", "momentum"), ("beta1", "adam"), ("beta2", "adam"),
                         ("eps", "adam")):
        value = getattr(t, key)
        if t.optimizer == used_by or value != getattr(defaults, key):
            d[key] = _num(value)
    return d


def document_dict(doc: Document) -> dict:
    d: dict = {"format": FORMAT, "version": VERSION}
    if doc.title:
        d["title"] = doc.title
    if doc.notes:
        d["notes"] = doc.notes
    d["nodes"] = [node_dict(n) for n in doc.nodes]
    d["edges"] = [{"from": e.src, "to": e.dst,
                   **({"weight": _num(e.weight)} if e.weight is not None else {})}
                  for e in doc.edges]
    d["outputs"] = list(doc.outputs)
    d["loss"] = {"kind": doc.loss.kind, "reduction": doc.loss.reduction}
    d["regularization"] = {"kind": doc.regularization.kind,
                           "lambda": _num(doc.regularization.lam)}
    d["training"] = training_dict(doc.training)
    if doc.data is not None:
        data = doc.data
        dd: dict = {"inputs": list(data.inputs), "targets": list(data.targets)}
        if data.rows is not None:
            dd["rows"] = [[_num(v) for v in row] for row in data.rows]
        elif data.csv is not None:
            dd["csv"] = data.csv
        else:
            dd.update(generator=data.generator, samples=data.samples, noise=_num(data.noise),
                      seed=data.seed, labels=data.labels)
        if data.test_fraction:
            dd["test_fraction"] = _num(data.test_fraction)
        d["data"] = dd
    d["view"] = doc.view
    return d


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def to_json(doc: Document) -> str:
    """The canonical text of a document (ends with a newline)."""
    d = document_dict(doc)
    lines = ["{"]
    keys = list(d)
    for k, key in enumerate(keys):
        value = d[key]
        comma = "," if k < len(keys) - 1 else ""
        if key in ("nodes", "edges") or (key == "data" and "rows" in value):
            lines.append(f"  {_dump(key)}: " + _block(value) + comma)
        else:
            lines.append(f"  {_dump(key)}: {_dump(value)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _block(value) -> str:
    """Lists one item per line; a data object with its rows one per line."""
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(f"    {_dump(v)}" for v in value) + "\n  ]"
    parts = [f'"{k}": {_dump(v)}' for k, v in value.items() if k != "rows"]
    rows = ",\n".join(f"      {_dump(r)}" for r in value["rows"])
    tail = ", ".join(f'"{k}": {_dump(v)}' for k, v in value.items()
                     if k not in ("inputs", "targets", "rows"))
    head = ", ".join(parts[:2])
    return ("{" + head + ",\n    \"rows\": [\n" + rows + "\n    ]"
            + (", " + tail if tail else "") + "}")


def save(doc: Document, path: str | Path) -> None:
    """Write atomically: a temporary file in the same folder, fsync, rename."""
    path = Path(path)
    text = to_json(doc)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise BpsimError(f"cannot write here: {exc.strerror or exc}", file=str(path))
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise BpsimError(f"cannot write: {exc.strerror or exc}", file=str(path))
        raise
