"""How big a network file may be, and the one-line refusal past that.

Anything within these limits opens in the window within a few seconds and
traces in bounded memory; a file past one is refused before its size costs
anything (docs/file-format.md, "Limits").  The reader checks them while it
reads a file, and :func:`check_limits` checks a whole document, so an edit
can be held to them too.
"""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from ..errors import BpsimError
from .model import Document

MAX_FILE_BYTES = 16_000_000        # the network file
MAX_CSV_BYTES = 16_000_000         # its CSV file
MAX_NODES = 250
MAX_EDGES = 10_000
MAX_ROWS = 100_000                 # generated samples, inline rows, CSV rows
# One step computes a value of every node and every edge for every row, and
# the window keeps them to show: rows × (nodes + edges).
MAX_STEP_VALUES = 5_000_000
MAX_TITLE_CHARS = 200
MAX_NOTES_CHARS = 20_000
# ``bpsim trace``: each step writes a line or an entry per node and edge, and
# (JSON) a value per node for each of its rows.
MAX_TRACE_ITEMS = 200_000          # steps × (nodes + edges)
MAX_TRACE_VALUES = 10_000_000      # steps × rows × (nodes + edges)


def too_many(noun: str, count: int, limit: int, path: str = "") -> BpsimError:
    return BpsimError(f"too many {noun}: {count} (at most {limit})", path)


def too_long(length: int, limit: int, path: str) -> BpsimError:
    return BpsimError(f"too long: {length} characters (at most {limit})", path)


def check_limits(doc: Document) -> None:
    """Raise a BpsimError naming the JSON path of the first limit ``doc``
    goes past.  Costs a few comparisons: the rows of a CSV file are counted
    where it is read (:func:`check_rows`)."""
    if len(doc.title) > MAX_TITLE_CHARS:
        raise too_long(len(doc.title), MAX_TITLE_CHARS, "title")
    if len(doc.notes) > MAX_NOTES_CHARS:
        raise too_long(len(doc.notes), MAX_NOTES_CHARS, "notes")
    if len(doc.nodes) > MAX_NODES:
        raise too_many("nodes", len(doc.nodes), MAX_NODES, "nodes")
    if len(doc.edges) > MAX_EDGES:
        raise too_many("edges", len(doc.edges), MAX_EDGES, "edges")
    data = doc.data
    if data is not None and data.rows is not None:
        check_rows(len(data.rows), doc, "data.rows")
    elif data is not None and data.generator is not None:
        check_rows(data.samples, doc, "data.samples", "samples")


def check_rows(count: int, doc: Document, path: str, noun: str = "rows") -> None:
    """``count`` rows of data for ``doc``: within MAX_ROWS, and within what
    one step of its network may compute."""
    if count > MAX_ROWS:
        raise too_many(noun, count, MAX_ROWS, path)
    size = len(doc.nodes) + len(doc.edges)
    if count * size > MAX_STEP_VALUES:
        raise BpsimError(f"too much data for the network: {count} {noun} × {size} nodes and "
                         f"edges is {count * size} values a step (at most {MAX_STEP_VALUES})",
                         path)


def check_trace(steps: int, batch_rows: int, doc: Document) -> None:
    """``steps`` traced steps of ``batch_rows`` rows each (the first batch,
    the largest): what the trace writes, and the time it takes, grow with
    steps × (nodes + edges) and steps × rows × (nodes + edges)."""
    size = len(doc.nodes) + len(doc.edges)
    most = min(MAX_TRACE_ITEMS // size, MAX_TRACE_VALUES // (batch_rows * size))
    if steps > most:
        raise BpsimError(f"--steps {steps}: a trace of this network ({size} nodes and edges, "
                         f"{batch_rows} row{'s' if batch_rows != 1 else ''} a step) holds "
                         f"at most {most} steps")


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def read_file(path: str | Path, limit: int) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them.

    A named pipe would wait for a writer forever and a device such as
    /dev/zero never ends: anything but a regular file is refused before it
    is opened, and again on the opened descriptor (opened without blocking),
    in case it was swapped in between.  Raises OSError as ``open`` does
    (IsADirectoryError for a folder), or BpsimError without a file or path,
    for the caller to place.
    """
    mode = os.stat(path).st_mode
    if stat.S_ISDIR(mode):
        # (os.open would open a folder on Linux, and reading it fail later)
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if not stat.S_ISREG(mode):
        raise BpsimError(f"not a regular file ({_kind(mode)})")
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise BpsimError(f"not a regular file ({_kind(info.st_mode)})")
        if info.st_size > limit:
            raise _too_large(info.st_size, limit)
        # as much as the file holds (a buffer of the limit's size for every
        # file would cost 16 MB a read), and a byte more: it may have grown
        data = f.read(info.st_size + 1)
        if len(data) > info.st_size:
            data += f.read(limit + 1 - len(data))
    if len(data) > limit:
        raise _too_large(len(data), limit)
    return data


def _too_large(size: int, limit: int) -> BpsimError:
    return BpsimError(f"too large: {size} bytes (at most {limit})")
