"""Writing network files: canonical, stable-ordered JSON, saved atomically.

Sections and keys always come in the contract's order, one node, edge or data
row per line, floats in their shortest exact form, so a saved file diffs well
and load → save → load gives the same document.
"""
from __future__ import annotations

import json
import os
import stat
import tempfile
from pathlib import Path

from ..errors import BpsimError
from ..processes import process_alive
from .format import FORMAT, VERSION
from .model import Data, Document, Edge, Node, Training


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


def edge_dict(e: Edge) -> dict:
    return {"from": e.src, "to": e.dst, **({"weight": _num(e.weight)} if e.weight is not None
                                          else {})}


def data_dict(data: Data) -> dict:
    d: dict = {"inputs": list(data.inputs), "targets": list(data.targets)}
    if data.rows is not None:
        d["rows"] = [[_num(v) for v in row] for row in data.rows]
    elif data.csv is not None:
        d["csv"] = data.csv
    else:
        d.update(generator=data.generator, samples=data.samples, noise=_num(data.noise),
                 seed=data.seed, labels=data.labels)
    if data.test_fraction:
        d["test_fraction"] = _num(data.test_fraction)
    return d


def section_dict(doc: Document, section: str):
    """One top-level section as the file writes it (``data``: None when absent)."""
    if section == "nodes":
        return [node_dict(n) for n in doc.nodes]
    if section == "edges":
        return [edge_dict(e) for e in doc.edges]
    if section == "outputs":
        return list(doc.outputs)
    if section == "loss":
        return {"kind": doc.loss.kind, "reduction": doc.loss.reduction}
    if section == "regularization":
        return {"kind": doc.regularization.kind, "lambda": _num(doc.regularization.lam)}
    if section == "training":
        return training_dict(doc.training)
    if section == "data":
        return None if doc.data is None else data_dict(doc.data)
    return getattr(doc, section)          # title, notes, view


def document_dict(doc: Document) -> dict:
    d: dict = {"format": FORMAT, "version": VERSION}
    if doc.title:
        d["title"] = doc.title
    if doc.notes:
        d["notes"] = doc.notes
    for section in ("nodes", "edges", "outputs", "loss", "regularization", "training"):
        d[section] = section_dict(doc, section)
    if doc.data is not None:
        d["data"] = data_dict(doc.data)
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


TEMPORARY_SUFFIX = ".tmp"


def _temporary_prefix(target: Path) -> str:
    return f".{target.name}."


def save(doc: Document, path: str | Path) -> None:
    """Write the document's canonical text atomically (``write_atomically``)."""
    try:
        text = to_json(doc)
    except ValueError as exc:         # a non-finite number: strict JSON cannot hold it
        raise BpsimError(f"cannot save: {exc}", file=str(path))
    write_atomically(path, text)


def write_atomically(path: str | Path, text: str) -> None:
    """Write ``text`` as UTF-8: a temporary file in the target's folder,
    fsync, rename, fsync the folder.

    A symbolic link is written through (its target gets the new content, the
    link stays), an existing file keeps its permission bits, and a failure
    leaves the old file and no temporary file.  Temporary files left by a
    process killed mid-write are swept on the next write to the same file.
    """
    path = Path(path)
    target = Path(os.path.realpath(path))
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = _default_mode()
    except OSError as exc:
        raise BpsimError(f"cannot save: {exc.strerror or exc}", file=str(path))
    _sweep_temporaries(target)
    prefix = f"{_temporary_prefix(target)}{os.getpid()}."
    try:
        fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=TEMPORARY_SUFFIX, dir=target.parent)
    except OSError as exc:
        raise BpsimError(f"cannot save here: {exc.strerror or exc}", file=str(path))
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fchmod(f.fileno(), mode)
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise BpsimError(f"cannot save: {exc.strerror or exc}", file=str(path))
        raise
    _fsync_folder(target.parent)


def _default_mode() -> int:
    """What a new file gets from open(): 0666 less the umask (mkstemp's 0600
    made every saved network private)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _fsync_folder(folder: Path) -> None:
    """The rename itself reaches the disk; where a folder cannot be opened
    (Windows), the file's own fsync is what there is."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _sweep_temporaries(target: Path) -> None:
    """Remove this file's temporaries whose writer is gone (killed mid-save)."""
    prefix = _temporary_prefix(target)
    try:
        names = os.listdir(target.parent)
    except OSError:
        return
    for name in names:
        if not (name.startswith(prefix) and name.endswith(TEMPORARY_SUFFIX)):
            continue
        pid = name[len(prefix):].split(".", 1)[0]
        if pid.isdigit() and not process_alive(int(pid)):
            try:
                os.unlink(target.parent / name)
            except OSError:
                pass
