"""A document's data section made into arrays: inline rows, a CSV beside the
file, or a generator; then the targets checked against the loss."""
from __future__ import annotations

import csv
import io
import math
from collections import OrderedDict
from pathlib import Path

import numpy as np

from ..engine import Dataset, generate, single_sample
from ..errors import BpsimError
from .limits import MAX_CSV_BYTES, MAX_ROWS, check_rows, read_file
from .model import Document


def build_dataset(doc: Document, base_dir: str | Path | None) -> Dataset:
    """The arrays of a checked document's data (``check_document`` holds
    its rows and samples to the limits; a CSV file's rows are held here).
    A CSV file or a generator is read once for as long as its data section,
    its folder and (for a file) the file itself stay the same: an edit
    elsewhere in the network does not read 100 000 rows again."""
    data = doc.data
    if data is None:
        return single_sample()
    key = _source_key(doc, base_dir)
    arrays = _CACHE.get(key) if key is not None else None
    if arrays is None:
        arrays = read_arrays(doc, base_dir)
        if key is not None:
            _remember(key, arrays)
    X, T, lines, where = arrays
    if where == "data.csv":
        check_rows(len(X), doc, "data.csv")      # the network may have grown since
    _check_targets(doc, T, where, lines)
    # test_fraction < 1, so at least one row is left to train on.
    test = math.floor(data.test_fraction * X.shape[0])
    return Dataset(tuple(data.inputs), tuple(data.targets), X, T, test)


def read_arrays(doc: Document, base_dir: str | Path | None):
    """(inputs, targets, each row's line in its CSV file or None, where the
    rows come from): the data read or generated, not yet checked against
    the loss."""
    data = doc.data
    n_in = len(data.inputs)
    lines = None
    if data.rows is not None:
        table = np.array(data.rows, dtype=float).reshape(len(data.rows), -1)
        X, T = table[:, :n_in], table[:, n_in:]
        where = "data.rows"
    elif data.csv is not None:
        X, T, lines = _read_csv(doc, base_dir)
        where = "data.csv"
    else:
        X, T = generate(data.generator, data.samples, data.noise, data.seed, data.labels)
        if not data.targets:   # loss "none": the generator's labels are not used
            T = T[:, :0]
        where = "data.generator"
    for array in (X, T):
        array.flags.writeable = False        # shared by every dataset built from it
    return X, T, lines, where


# The data read last, by where it came from (CACHED of them).
_CACHE: OrderedDict = OrderedDict()
CACHED = 4


def _remember(key: tuple, arrays: tuple) -> None:
    _CACHE[key] = arrays
    _CACHE.move_to_end(key)
    while len(_CACHE) > CACHED:
        _CACHE.popitem(last=False)


def _source_key(doc: Document, base_dir: str | Path | None) -> tuple | None:
    """What the arrays of ``doc``'s data depend on, or None where reading
    is no dearer than comparing (inline rows) or the file cannot be told
    (then it is read, and its error said)."""
    data = doc.data
    columns = (tuple(data.inputs), tuple(data.targets))
    if data.rows is not None:
        return None
    if data.csv is None:
        return ("generator", data.generator, data.samples, data.noise, data.seed, data.labels,
                *columns)
    if base_dir is None or "\0" in data.csv:
        return None
    try:
        path = (Path(base_dir) / data.csv).resolve()
        st = path.stat()
    except (OSError, ValueError):
        return None
    # the same file, unchanged: its identity, size and time of last change
    return ("csv", data.csv, str(Path(base_dir).resolve()), str(path), st.st_dev, st.st_ino,
            st.st_size, st.st_mtime_ns, st.st_ctime_ns, *columns)


def _check_targets(doc: Document, T: np.ndarray, where: str,
                   lines: list[int] | None = None) -> None:
    """``lines``: the CSV file's line of each row, for the message."""
    kind = doc.loss.kind
    if kind in ("hinge", "perceptron"):
        bad = ~np.isin(T, (-1.0, 1.0))
        problem = f'loss "{kind}" needs targets -1 or +1'
    elif kind == "bce":
        bad = (T < 0.0) | (T > 1.0)
        problem = 'loss "bce" needs targets in [0, 1]'
    else:
        return
    if bad.any():
        i, k = np.argwhere(bad)[0]
        if where == "data.rows":
            where = f"data.rows[{i}][{len(doc.data.inputs) + k}]"
        elif where == "data.generator":
            where, problem = "data.labels", problem + ': use "labels": "pm1"'
        else:
            problem = (f'"{doc.data.csv}" line {lines[i]}, column "{doc.data.targets[k]}": '
                       + problem)
        raise BpsimError(problem + ("" if where == "data.labels" else f", got {T[i, k]:g}"),
                         where)


def _read_csv(doc: Document, base_dir: str | Path | None
              ) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Inputs, targets, and each row's line in the file (blank lines are
    skipped, so a row's index does not tell its line)."""
    name, inputs, targets = doc.data.csv, doc.data.inputs, doc.data.targets
    if base_dir is None:
        raise BpsimError("a CSV file needs the network file's folder; save the network first",
                         "data.csv")
    if "\0" in name:   # no file can be named so; Path.resolve would raise ValueError
        raise BpsimError(f'"{name}" is not a file name (it holds a NUL character)', "data.csv")
    base = Path(base_dir).resolve()
    path = (base / name).resolve()
    if Path(name).is_absolute() or base not in path.parents:
        raise BpsimError(f'"{name}" is outside the network file\'s folder', "data.csv")
    try:
        text = read_file(path, MAX_CSV_BYTES).decode("utf-8-sig")
    except BpsimError as exc:    # not a regular file, or too large
        raise BpsimError(f'"{name}" is {exc.problem}', "data.csv")
    except FileNotFoundError:
        raise BpsimError(f'no such file "{name}"', "data.csv")
    except UnicodeDecodeError as exc:
        raise BpsimError(f'"{name}" is not UTF-8 text (byte {exc.start})', "data.csv")
    except OSError as exc:   # strerror: without the absolute path the user never wrote
        raise BpsimError(f'cannot read "{name}": {exc.strerror or exc}', "data.csv")
    reader = csv.reader(io.StringIO(text))
    rows, lines = [], []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append(row)
                lines.append(reader.line_num)
                if len(rows) > MAX_ROWS + 1:    # the header and MAX_ROWS rows
                    raise BpsimError(f'"{name}": too many rows (at most {MAX_ROWS})',
                                     "data.csv")
    except csv.Error as exc:   # e.g. a cell over the csv module's field size limit
        raise BpsimError(f'"{name}" line {reader.line_num}: {exc}', "data.csv")
    if not rows:
        raise BpsimError(f'"{name}" is empty', "data.csv")
    header = [h.strip() for h in rows[0]]
    columns = []
    for nid in (*inputs, *targets):
        if nid not in header:
            raise BpsimError(f'"{name}" has no column "{nid}" (header: {", ".join(header)})',
                             "data.csv")
        columns.append(header.index(nid))
    if len(rows) < 2:
        raise BpsimError(f'"{name}" has a header but no rows', "data.csv")
    check_rows(len(rows) - 1, doc, "data.csv")
    table = np.empty((len(rows) - 1, len(columns)))
    for i, row in enumerate(rows[1:]):
        line = lines[i + 1]
        if len(row) != len(header):
            raise BpsimError(f'"{name}" line {line}: expected {len(header)} cells, got {len(row)}',
                             "data.csv")
        for j, col in enumerate(columns):
            try:
                value = float(row[col])
            except ValueError:
                raise BpsimError(f'"{name}" line {line}, column "{header[col]}": '
                                 f'not a number: "{row[col].strip()}"', "data.csv")
            if not math.isfinite(value):
                raise BpsimError(f'"{name}" line {line}, column "{header[col]}": '
                                 "not a finite number", "data.csv")
            table[i, j] = value
    return table[:, :len(inputs)], table[:, len(inputs):], lines[1:]
