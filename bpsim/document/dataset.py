"""A document's data section made into arrays: inline rows, a CSV beside the
file, or a generator; then the targets checked against the loss."""
from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np

from ..engine import Dataset, generate, single_sample
from ..errors import BpsimError
from .model import Document


def build_dataset(doc: Document, base_dir: str | Path | None) -> Dataset:
    data = doc.data
    if data is None:
        return single_sample()
    n_in = len(data.inputs)
    if data.rows is not None:
        table = np.array(data.rows, dtype=float).reshape(len(data.rows), -1)
        X, T = table[:, :n_in], table[:, n_in:]
        where = "data.rows"
    elif data.csv is not None:
        X, T = _read_csv(data.csv, data.inputs, data.targets, base_dir)
        where = "data.csv"
    else:
        X, T = generate(data.generator, data.samples, data.noise, data.seed, data.labels)
        if not data.targets:   # loss "none": the generator's labels are not used
            T = T[:, :0]
        where = "data.generator"
    _check_targets(doc, T, where)
    n = X.shape[0]
    test = math.floor(data.test_fraction * n)
    if n - test < 1:
        raise BpsimError(f"test_fraction {data.test_fraction:g} leaves no training rows "
                         f"out of {n}", "data.test_fraction")
    return Dataset(tuple(data.inputs), tuple(data.targets), X, T, test)


def _check_targets(doc: Document, T: np.ndarray, where: str) -> None:
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
            problem += f" (row {i + 1}: {T[i, k]:g})"
        raise BpsimError(problem + ("" if where == "data.labels" else f", got {T[i, k]:g}"),
                         where)


def _read_csv(name: str, inputs: list[str], targets: list[str],
              base_dir: str | Path | None) -> tuple[np.ndarray, np.ndarray]:
    if base_dir is None:
        raise BpsimError("a CSV file needs the network file's folder; save the network first",
                         "data.csv")
    base = Path(base_dir).resolve()
    path = (base / name).resolve()
    if Path(name).is_absolute() or base not in path.parents:
        raise BpsimError(f'"{name}" is outside the network file\'s folder', "data.csv")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise BpsimError(f'no such file "{name}"', "data.csv")
    except (OSError, UnicodeDecodeError) as exc:
        raise BpsimError(f'cannot read "{name}": {exc}', "data.csv")
    rows = list(csv.reader(io.StringIO(text)))
    rows = [r for r in rows if any(cell.strip() for cell in r)]
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
    table = np.empty((len(rows) - 1, len(columns)))
    for i, row in enumerate(rows[1:]):
        if len(row) != len(header):
            raise BpsimError(f'"{name}" line {i + 2}: expected {len(header)} cells, got {len(row)}',
                             "data.csv")
        for j, col in enumerate(columns):
            try:
                value = float(row[col])
            except ValueError:
                raise BpsimError(f'"{name}" line {i + 2}, column "{header[col]}": '
                                 f'not a number: "{row[col].strip()}"', "data.csv")
            if not math.isfinite(value):
                raise BpsimError(f'"{name}" line {i + 2}, column "{header[col]}": '
                                 "not a finite number", "data.csv")
            table[i, j] = value
    return table[:, :len(inputs)], table[:, len(inputs):]
