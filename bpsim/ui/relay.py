"""The network's announcements, brought to the window's thread.

The session announces from whichever thread moves it (Run at full speed
trains on a worker thread).  The relay notes each announcement and
delivers them together, as one Qt signal in the window's thread, at the
event loop's next turn: a burst of changes (an edit of many parts, a run's
chunk) asks for one refresh.
"""
from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Qt, Signal

from ..session.events import Events, Subscriptions


class Relay(QObject):
    #: the names of the announcements (``Events.NAMES``) since the last delivery
    announced = Signal(frozenset)
    _post = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._lock = threading.Lock()
        self._noted: set[str] = set()
        self._subscriptions = Subscriptions()
        self._post.connect(self._deliver, Qt.QueuedConnection)

    def follow(self, events: Events | None) -> None:
        """Relay ``events`` (another network's: the last one's are dropped)."""
        self._subscriptions.disconnect_all()
        self.discard()
        if events is not None:
            self._subscriptions.connect_all(events, self._note)

    def close(self) -> None:
        self.follow(None)

    def discard(self) -> set[str]:
        """Take what was noted and not yet delivered: the window shows it
        now, in a refresh of its own."""
        with self._lock:
            noted, self._noted = self._noted, set()
        return noted

    def _note(self, name: str) -> None:
        with self._lock:
            first = not self._noted
            self._noted.add(name)
        if first:
            self._post.emit()      # queued: delivered in this object's thread

    def _deliver(self) -> None:
        noted = self.discard()
        if noted:
            self.announced.emit(frozenset(noted))
