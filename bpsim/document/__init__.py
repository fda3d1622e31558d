"""The network document: plain data, its file format, reading and writing.
No Qt here."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..engine import Dataset, compile_graph
from ..engine.init import given_values, initial_theta
from ..errors import BpsimError
from .dataset import build_dataset
from .model import Data, Document, Edge, Loss, Node, Regularization, Training
from .reader import check_document, parse_document, parse_json, read_text
from .writer import save, to_json

__all__ = ["INCOMPLETE", "BpsimError", "Data", "Document", "Edge", "Loaded", "Loss", "Node",
           "Regularization", "Training", "check_document", "complete_parameters", "load",
           "load_draft", "loads", "read_text", "save", "to_json"]


@dataclass
class Loaded:
    document: Document
    dataset: Dataset
    path: Path | None


def complete_parameters(doc: Document) -> None:
    """Draw every missing weight, bias and param value from the seed and write
    it into the document, so that saving it replays exactly."""
    compiled = compile_graph(doc.graph_spec())
    if all(v is not None for v in given_values(compiled)):
        return
    theta = initial_theta(compiled, doc.training.seed)
    doc.set_parameters(dict(zip(compiled.param_names, theta[compiled.param_theta])))


def loads(text: str, file: str = "", base_dir: str | Path | None = None) -> Loaded:
    """Parse and validate a network from text; errors name ``file``."""
    try:
        doc = parse_document(parse_json(text))
        dataset = build_dataset(doc, base_dir)
        complete_parameters(doc)
    except BpsimError as exc:
        raise exc.with_file(file)
    return Loaded(doc, dataset, None)


def load(path: str | Path) -> Loaded:
    path = Path(path)
    loaded = loads(read_text(path), str(path), path.parent)
    loaded.path = path
    return loaded


INCOMPLETE = "incomplete"     # the key of ``view`` the window saves an unfinished network under


def load_draft(path: str | Path) -> Loaded | None:
    """A network the window saved unfinished (its ``view`` says why it is
    incomplete), to go on drawing; None for any other file.  Its fields and
    its graph's structure are checked as ever; its data is built once it is
    complete (``dataset`` is None)."""
    path = Path(path)
    try:
        doc = parse_document(parse_json(read_text(path)), complete=False)
    except BpsimError as exc:
        raise exc.with_file(str(path))
    if INCOMPLETE not in doc.view:
        return None
    doc.view = {k: v for k, v in doc.view.items() if k != INCOMPLETE}
    try:
        complete_parameters(doc)
    except BpsimError:
        pass                     # not drawable into a network yet: drawn once it is
    return Loaded(doc, None, path)
