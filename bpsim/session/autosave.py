"""Autosaves: unsaved work written aside, found again after a crash.

Each process writes its work as an ordinary network file,
``autosave-PID-K.bpsim.json``, with ``autosave-PID-K.info.json`` beside it
saying where the work came from (its file, if it had one) and when it was
written.  A process that ends cleanly, or saves, removes its own; what is
found there from a process no longer running is work a crash left behind.
"""
from __future__ import annotations

import itertools
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from ..document import Document, Loaded, load_draft, loads, read_text, save
from ..document.writer import write_atomically
from ..errors import BpsimError
from ..processes import process_alive

PREFIX = "autosave-"
NETWORK = ".bpsim.json"
INFO = ".info.json"

_counter = itertools.count(1)


@dataclass
class Autosaved:
    """Work an ended process left: its network file and what it says of it."""

    network: Path
    info: Path
    pid: int
    original: Path | None        # the file the work was opened from or saved as
    saved_at: float              # seconds since the epoch
    title: str

    def load(self) -> Loaded:
        """The network, read with its original folder as the base of a CSV
        (unfinished work, as the window saves it, too)."""
        base = self.original.parent if self.original is not None else None
        try:
            return loads(read_text(self.network), str(self.network), base)
        except BpsimError as exc:
            draft = load_draft(self.network)
            if draft is None:
                raise exc
            return draft

    def discard(self) -> None:
        _remove(self.network, self.info)


class AutosaveSlot:
    """Where one window of this process autosaves."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        stem = f"{PREFIX}{os.getpid()}-{next(_counter)}"
        self.network = self.folder / f"{stem}{NETWORK}"
        self.info = self.folder / f"{stem}{INFO}"

    def write(self, doc: Document, original: Path | None) -> None:
        """Write atomically: the network, then what it is (a crash between the
        two leaves a network without its info, which is still found)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        save(doc, self.network)
        info = {"pid": os.getpid(), "original": None if original is None else str(original),
                "saved_at": time.time(), "title": doc.title}
        write_atomically(self.info, json.dumps(info))

    def clear(self) -> None:
        _remove(self.network, self.info)

    @property
    def exists(self) -> bool:
        return self.network.exists()


def left_behind(folder: str | Path) -> list[Autosaved]:
    """The autosaves of processes no longer running, newest first."""
    folder = Path(folder)
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    found = []
    for name in names:
        if not (name.startswith(PREFIX) and name.endswith(NETWORK)):
            continue
        stem = name[:-len(NETWORK)]
        pid_text = stem[len(PREFIX):].split("-", 1)[0]
        if not pid_text.isdigit() or process_alive(int(pid_text)):
            continue
        network, info_path = folder / name, folder / f"{stem}{INFO}"
        info = _read_info(info_path)
        original = info.get("original")
        try:
            saved_at = float(info.get("saved_at") or network.stat().st_mtime)
        except (OSError, TypeError, ValueError):
            continue
        title = info.get("title")
        found.append(Autosaved(network, info_path, int(pid_text),
                               Path(original) if isinstance(original, str) else None,
                               saved_at, title if isinstance(title, str) else ""))
    return sorted(found, key=lambda a: a.saved_at, reverse=True)


def _remove(*paths: Path) -> None:
    for path in paths:
        try:
            path.unlink()
        except FileNotFoundError:
            pass


def _read_info(path: Path) -> dict:
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return info if isinstance(info, dict) else {}


__all__ = ["Autosaved", "AutosaveSlot", "BpsimError", "left_behind"]
