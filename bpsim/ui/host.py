"""What a dock or a plot may reach of the window: its host.

The docks (``ui/docks/``) and the plots (``ui/plots/``) are given the
window, and use no more of it than this (``tests/ui/test_host.py`` reads
their source to hold them to it).  Everything else they need comes from
the workspace and its announcements (``session/events.py``).
"""
from __future__ import annotations

from typing import Protocol

from ..session.workspace import Workspace


class Host(Protocol):
    workspace: Workspace            # the open network: document, session, stepper, events
    digits: int                     # significant digits the numbers are shown with
    running: bool                   # Run is on: views draw less, less often

    def push(self, edit) -> bool:
        """An edit through the undo stack (``Editor.push``); False: refused, said why."""

    def say(self, text: str, ms: int = 8000) -> None:
        """A message in the status bar."""

    def refresh(self) -> None:
        """Show the workspace as it is now, at once."""

    def tr(self, text: str) -> str:
        """Qt's translation of ``text`` (the window's context)."""

    # parts a view works with
    scene: object                   # the canvas: selection, hover, node items (thumbnails)
    view: object                    # the canvas view: Enter in a field gives it the keys back
    editor: object                  # the Training dock's activation applies through it
    files: object                   # importing a CSV saves the network first
    runner: object                  # a gradient check stops a run first
    params: object                  # the landscape follows the parameters picked in the table
    stepping: object                # an exercise asks its questions through the walk
    explanation: object             # an exercise's veiled step says where to answer
    plots: object                   # compared runs draw their paths on the landscape
    training: object                # the Rows dock generates and imports as its data settings say


MEMBERS = frozenset(name for name in Host.__annotations__) | frozenset(
    name for name in vars(Host) if not name.startswith("_"))
