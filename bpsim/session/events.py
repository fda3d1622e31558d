"""What the session announces, and who listens: Qt-free signals.

A view connects a callback to the signals it draws from and keeps the
``Connection`` it gets back; closing, it disconnects them (napari's
pattern: the listener owns its connections).  A signal may be emitted from
a worker thread (Run at full speed trains in one), so a callback does no
more than note what changed; the ui layer relays the notes to the window's
thread (``ui/relay.py``).
"""
from __future__ import annotations

import weakref
from typing import Callable


class Connection:
    """One callback connected to one signal; ``disconnect()`` ends it (again: nothing)."""

    def __init__(self, signal: "Signal", slot: Callable):
        self._signal = weakref.ref(signal)
        self.slot = slot

    def disconnect(self) -> None:
        signal = self._signal()
        if signal is not None:
            signal._remove(self)
        self._signal = lambda: None

    @property
    def connected(self) -> bool:
        signal = self._signal()
        return signal is not None and self in signal._connections


class Signal:
    """Callbacks called in the order connected, with the emitted arguments."""

    def __init__(self, name: str):
        self.name = name
        self._connections: list[Connection] = []

    def connect(self, slot: Callable) -> Connection:
        connection = Connection(self, slot)
        self._connections = [*self._connections, connection]   # emits in progress keep theirs
        return connection

    def _remove(self, connection: Connection) -> None:
        self._connections = [c for c in self._connections if c is not connection]

    def emit(self, *args) -> None:
        for connection in self._connections:
            connection.slot(*args)

    def __len__(self) -> int:
        return len(self._connections)

    def __repr__(self) -> str:
        return f"<Signal {self.name}: {len(self)} connected>"


class Events:
    """The announcements of one open network.  Each means the views that
    show it may be out of date:

    - ``stepped``: the stepper's walk moved (another micro-step, another
      trace shown) — the canvas, the explanation, the status.
    - ``iteration_changed``: the session's iteration or its parameters
      changed (a step, a rewind, a value set by hand) — the plots that draw
      the parameters now: landscape, decision map, tangent, thumbnails.
    - ``history_changed``: iterations were recorded, dropped or started over,
      or a value or setting was recorded in the history — the loss curve,
      the history slider, the cost warning.
    - ``settings_changed``: the loss, regularization or training settings in
      force changed — the Training dock.
    - ``rebuilt``: a new session (or none, for a network that cannot run);
      everything above at once.
    """

    NAMES = ("stepped", "iteration_changed", "history_changed", "settings_changed", "rebuilt")

    def __init__(self):
        for name in self.NAMES:
            setattr(self, name, Signal(name))

    def signals(self) -> list[Signal]:
        return [getattr(self, name) for name in self.NAMES]


class Subscriptions:
    """A view's connections, kept to end them together (a view closing, or
    a new network replacing the one it showed)."""

    def __init__(self):
        self._connections: list[Connection] = []

    def connect(self, signal: Signal, slot: Callable) -> Connection:
        connection = signal.connect(slot)
        self._connections.append(connection)
        return connection

    def connect_all(self, events: Events, slot: Callable[[str], None]) -> None:
        """``slot(name)`` for every announcement of ``events``."""
        for signal in events.signals():
            self.connect(signal, lambda *_, name=signal.name: slot(name))

    def disconnect_all(self) -> None:
        connections, self._connections = self._connections, []
        for connection in connections:
            connection.disconnect()

    def __len__(self) -> int:
        return sum(1 for c in self._connections if c.connected)


class Watch:
    """Whether some of a network's announcements came since a view last
    drew: the view's staleness, told by the session rather than guessed
    from what it sees.  It follows whichever network's events it is asked
    about (the window opens another file: everything is new)."""

    def __init__(self, *names: str):
        unknown = set(names) - set(Events.NAMES)
        if unknown:
            raise ValueError(f"no such announcement: {', '.join(sorted(unknown))}")
        self.names = names
        self._events: Events | None = None
        self._subscriptions = Subscriptions()
        self._stale = True

    def _mark(self, *_) -> None:
        self._stale = True

    def changed(self, events: Events | None) -> bool:
        """True when one of the names was announced by ``events`` since the
        last call (or ``events`` is not the network watched before); the
        next call is False until another comes."""
        if events is not self._events:
            self._subscriptions.disconnect_all()
            self._events = events
            if events is not None:
                for name in self.names:
                    self._subscriptions.connect(getattr(events, name), self._mark)
            self._stale = True
        stale, self._stale = self._stale, False
        return stale

    def mark(self) -> None:
        """Stale for a reason of the view's own (a choice changed)."""
        self._stale = True

    def close(self) -> None:
        self._subscriptions.disconnect_all()
        self._events = None
