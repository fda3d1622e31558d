"""The history of a training run: every iteration's cost, the states needed to
go back to any iteration, and the settings in force at each one.

Memory policy.  Every iteration keeps, in columns (:class:`Column`, a
growable NumPy array each), its cost, its test cost and its epoch at 8 bytes
each (a run without test rows keeps no test costs), and its gradient norms at
8 bytes a layer of neurons; a column grows by half when full, so up to a
third of it is room not yet used.  The state (parameters and optimizer
state) after each of the last ``recent`` iterations is kept; older
iterations keep one state every ``every`` iterations.  A state takes some
400 bytes and 8 a parameter, and 8 more a parameter for each array momentum
or Adam carries: an ``every``-th of that an iteration.  Going back to an
iteration without a kept state replays from the nearest kept one before it
— training is deterministic, so the replayed numbers are identical.  With
the defaults a 100 000-step run of a 1 000-parameter network holds about
3 000 states (24 MB) instead of 800 MB.
"""
from __future__ import annotations

import math
import sys
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..engine import Settings, TrainState


RISE_RUN = 5         # rises in a row, each iteration's (or epoch's) cost above the one before,
RISE_FACTOR = 2.0    # to this many times the lowest cost before them: a run diverging
RISE_WALK = 10_000   # costs looked back over at most (a frame's work stays small)

MIN_CAPACITY = 1024  # values a column makes room for at first


class Column(Sequence):
    """One number, or one row of numbers, per iteration, in a growable NumPy
    array: 8 bytes a number where a list of floats takes 32, and the whole
    column is an array already (``array()``, no copy), so a view that reads
    it at every frame does the same work at any length.

    It reads as the list it replaces: ``len``, indexing (a Python number, a
    read-only row, or None where None was recorded), slicing (a column of
    those iterations, shared, not copied), iteration, ``==`` with a column
    or a list, truth.  A slice is a snapshot, as a list's is: values a slice
    or an ``array()`` may hold are never written over (``truncate`` then
    moves the column to a new array).  A run of Nones (no test rows, a
    circuit's gradient norms) takes no room.
    """

    def __init__(self, dtype=np.float64, values=()):
        self._dtype = np.dtype(dtype)
        self._data: np.ndarray | None = None    # capacity (× row width); None: no value yet
        self._n = 0
        self._none: list[list[int]] = []        # [start, stop) runs of None, in order
        if len(values):
            self.extend(values)

    # --- reading --------------------------------------------------------------

    def __len__(self) -> int:
        return self._n

    def __bool__(self) -> bool:
        return self._n > 0

    def array(self) -> np.ndarray:
        """Every value as a read-only array, not copied (NaN where None was
        recorded; a row column's rows)."""
        if self._data is None:
            return np.full(self._n, np.nan)
        values = self._data[:self._n]
        values.flags.writeable = False
        return values

    @property
    def any_value(self) -> bool:
        """Whether any iteration has a value, not None."""
        return self._n > 0 and self._none != [[0, self._n]]

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._slice(*index.indices(self._n))
        n = self._n
        i = index + n if index < 0 else index
        if not 0 <= i < n:
            raise IndexError("Column index out of range")
        if self._none and self._is_none(i):
            return None
        value = self._data[i]
        if value.ndim:
            value.flags.writeable = False
            return value
        return value.item()

    def __iter__(self):
        for start in range(0, self._n, 4096):      # Python numbers, a chunk at a time
            yield from self[start:start + 4096].tolist()

    def tolist(self) -> list:
        """The values as Python numbers (or read-only rows), None where None."""
        if self._data is None:
            return [None] * self._n
        values = self.array()
        values = values.tolist() if values.ndim == 1 else list(values)
        for start, stop in self._none:
            values[start:stop] = [None] * (stop - start)
        return values

    def __eq__(self, other) -> bool:
        """As lists compare: the same length, None at the same iterations,
        equal values elsewhere (a NaN equals nothing)."""
        if not isinstance(other, Column):
            if not isinstance(other, (list, tuple, np.ndarray)):
                return NotImplemented
            other = Column(self._dtype, other)
        if self._n != other._n or self._none != other._none:
            return False
        a, b = self.array(), other.array()
        if self._none:
            keep = np.ones(self._n, dtype=bool)
            for start, stop in self._none:
                keep[start:stop] = False
            a, b = a[keep], b[keep]
        return a.shape == b.shape and bool(np.all(a == b))

    __hash__ = None

    def __repr__(self) -> str:
        more = ", ..." if self._n > 8 else ""
        return f"Column({self[:8].tolist()!r}{more}, length {self._n})"

    def _is_none(self, i: int) -> bool:
        runs = self._none
        k = bisect_right(runs, i, key=lambda run: run[0]) - 1
        return k >= 0 and i < runs[k][1]

    def _slice(self, start: int, stop: int, step: int) -> "Column":
        if step != 1:
            return Column(self._dtype, [self[i] for i in range(start, stop, step)])
        part = _Slice(self._dtype)
        part._n = max(0, stop - start)
        part._data = None if self._data is None else self._data[start:max(start, stop)]
        part._none = [[max(a, start) - start, min(b, stop) - start]
                      for a, b in self._none if a < stop and b > start]
        return part

    # --- writing --------------------------------------------------------------

    def append(self, value) -> None:
        n = self._n
        if value is None:
            self._mark_none(n, n + 1)
            if self._data is not None:
                self._reserve(n + 1)[n] = self._missing()
        else:
            data = self._data
            if data is None or n == len(data):
                data = self._reserve(n + 1, value)
            data[n] = value
        self._n = n + 1

    def extend(self, values) -> None:
        """Append ``values``: an array, or a list (Nones allowed)."""
        if isinstance(values, Column):
            values = values.tolist()
        count = len(values)
        if not count:
            return
        n = self._n
        nones = [] if isinstance(values, np.ndarray) else _nones(values)
        if len(nones) < count:
            if nones:
                present = next(v for v in values if v is not None)
                fill = np.full(np.shape(present), self._missing())
                values = [fill if v is None else v for v in values]
            self._reserve(n + count, values[0])[n:n + count] = values
        elif self._data is not None:
            self._reserve(n + count)[n:n + count] = self._missing()
        for i in nones:
            self._mark_none(n + i, n + i + 1)
        self._n = n + count

    def truncate(self, length: int) -> None:
        """Forget the values from ``length`` on."""
        if length >= self._n:
            return
        # Two references are this attribute and getrefcount's argument; more
        # mean a slice or an array() of the column is held somewhere, whose
        # values must not change: the kept values move to a new array.
        if self._data is not None and sys.getrefcount(self._data) > 2:
            self._data = self._data[:max(length, MIN_CAPACITY)].copy()
        self._n = length
        self._none = [[a, min(b, length)] for a, b in self._none if a < length]

    def _missing(self):
        """What stands in the array for a None."""
        return np.nan if self._dtype.kind == "f" else 0

    def _mark_none(self, start: int, stop: int) -> None:
        runs = self._none
        if runs and runs[-1][1] == start:
            runs[-1][1] = stop
        else:
            runs.append([start, stop])

    def _reserve(self, needed: int, value=None) -> np.ndarray:
        """Room for ``needed`` values; the first value's shape gives a new
        array's (its rows)."""
        data = self._data
        if data is None:
            data = np.empty((max(needed, MIN_CAPACITY), *np.shape(value)), dtype=self._dtype)
            data[:self._n] = self._missing()        # the Nones before the first value
        elif needed > len(data):
            grown = np.empty((max(needed, len(data) + len(data) // 2), *data.shape[1:]),
                             dtype=self._dtype)
            grown[:self._n] = data[:self._n]
            data = grown
        self._data = data
        return data


class _Slice(Column):
    """Some iterations of a column, sharing its array: read only."""

    def _read_only(self, *_) -> None:
        raise TypeError("a slice of a Column is read only")

    append = extend = truncate = _read_only


def _nones(values: list) -> list[int]:
    """Where ``values`` holds None; a list of numbers is searched in C (an
    array's ``== None`` is no truth value: rows are searched one by one)."""
    first = values[0]
    if first is not None and not isinstance(first, np.ndarray) and None not in values:
        return []
    return [i for i, v in enumerate(values) if v is None]


class _Record:
    """A History attribute holding a Column; a sequence assigned to it is
    stored as one."""

    def __init__(self, dtype=np.float64):
        self.dtype = dtype

    def __set_name__(self, owner, name: str) -> None:
        self.name = "_" + name

    def __get__(self, history, owner=None):
        return self if history is None else getattr(history, self.name)

    def __set__(self, history, values) -> None:
        setattr(history, self.name, Column(self.dtype, values))


@dataclass(frozen=True)
class Rise:
    """A cost climbing as a run that diverges does (``History.rise``)."""
    run: int             # rises in a row up to the last cost (RISE_WALK at most)
    factor: float        # the last cost over the one the climb started from
    per_epoch: bool      # counted over the means of whole epochs


def _back(values: np.ndarray, chunk: int = 64):
    """``values`` from the last to the first as Python numbers, converted a
    few at a time (a walk back mostly stops after one or two)."""
    end = len(values)
    while end > 0:
        start = max(0, end - chunk)
        yield from reversed(values[start:end].tolist())
        end = start


def _epoch_means_back(costs: np.ndarray, epochs: np.ndarray, cut: bool):
    """The mean cost of each whole epoch of ``costs``, the latest first; the
    epoch under way (the last) is left out, and so is the first when ``cut``
    (the walk's limit may have cut it short)."""
    end = _epoch_start(epochs, len(epochs))
    while end > 0:
        start = _epoch_start(epochs, end)
        if start == 0 and cut:
            return
        yield math.fsum(costs[start:end].tolist()) / (end - start)
        end = start


def _epoch_start(epochs: np.ndarray, end: int) -> int:
    """Where the epoch of step ``end`` - 1 starts, looked for over a few
    steps back, then over more (a walk back mostly stops after an epoch or two)."""
    last, width = epochs[end - 1], 64
    while True:
        lo = max(0, end - width)
        other = np.flatnonzero(epochs[lo:end] != last)
        if len(other):
            return lo + int(other[-1]) + 1
        if lo == 0:
            return 0
        width *= 8


class History:
    costs = _Record()                 # costs[i]: step i+1's cost
    test_costs = _Record()            # None without test rows
    grad_norms = _Record()            # per step, per layer (None: no layers of neurons)
    epochs = _Record(np.int64)        # each step's epoch

    def __init__(self, recent: int = 2000, every: int = 100):
        self.recent = recent
        self.every = every
        self.costs = self.test_costs = self.grad_norms = self.epochs = ()
        #: Changes whenever recorded steps are forgotten, so views that copy the
        #: history incrementally know to start again.
        self.version = 0
        self._states: dict[int, TrainState] = {}      # after that many steps
        self._settings: list[tuple[int, Settings]] = []
        # Values a user set by hand after that many steps: {theta position: value}.
        self._edits: dict[int, dict[int, float]] = {}

    def start(self, state: TrainState, settings: Settings) -> None:
        self.costs = self.test_costs = self.grad_norms = self.epochs = ()
        self.version += 1
        self._states = {0: state}
        self._settings = [(0, settings)]
        self._edits = {}

    @property
    def length(self) -> int:
        """The number of iterations recorded."""
        return len(self._costs)

    def rise(self, upto: int) -> Rise | None:
        """Whether the cost up to iteration ``upto`` climbs as a diverging run
        does, before it overflows: ``RISE_RUN`` rises in a row at least, to
        ``RISE_FACTOR`` times the cost the climb started from.  With several
        steps an epoch, the means of whole epochs are compared (a mini-batch's
        cost goes up and down by itself; the epoch under way is left out)."""
        lo = max(0, upto - RISE_WALK)
        costs = self._costs.array()[lo:upto]
        epochs = self._epochs.array()[lo:upto]
        # two or more steps an epoch: of any three steps in a row, two share one
        tail = epochs[-3:].tolist()
        per_epoch = len(set(tail)) < len(tail)
        values = _epoch_means_back(costs, epochs, lo > 0) if per_epoch else _back(costs)
        last = base = next(values, None)
        run = 0
        for value in values:         # from the last cost back, while each rose
            if not (math.isfinite(base) and value < base):
                break
            base = value
            run += 1
        if run < RISE_RUN or not (base > 0 and last >= RISE_FACTOR * base):
            return None
        return Rise(run, last / base, per_epoch)

    def settings_at(self, iteration: int) -> Settings:
        """The settings used by the step that starts after ``iteration`` steps."""
        starts = [s for s, _ in self._settings]
        return self._settings[bisect_right(starts, iteration) - 1][1]

    def set_settings(self, iteration: int, settings: Settings) -> None:
        """From the step after ``iteration`` on, train with ``settings``."""
        self.truncate(iteration)
        self._forget_changes_after(iteration)
        self._settings = [(k, v) for k, v in self._settings if k != iteration]
        self._settings.append((iteration, settings))

    def set_values(self, iteration: int, values: dict[int, float], state: TrainState) -> None:
        """Parameters set by hand after ``iteration`` steps; ``state`` holds them."""
        self.truncate(iteration)
        self._forget_changes_after(iteration)
        self._edits.setdefault(iteration, {}).update(values)
        self._states[iteration] = state

    def edits_at(self, iteration: int) -> dict[int, float]:
        return self._edits.get(iteration, {})

    def changes(self) -> tuple[list[tuple[int, Settings]], list[int]]:
        """Where the settings changed (iteration, settings from then on, the
        first at 0), and the iterations after which values were set by hand."""
        return list(self._settings), sorted(self._edits)

    def changed_at(self, iteration: int) -> bool:
        """Whether values or settings were set by hand after ``iteration``
        steps (the last recorded cost was then taken before them)."""
        return iteration in self._edits or \
            any(k == iteration for k, _ in self._settings[1:])

    def next_change_after(self, iteration: int) -> int | None:
        """The first later iteration where a planned settings change or
        hand-set value takes effect (kept when going back and stepping again)."""
        later = [k for k, _ in self._settings if k > iteration]
        later += [k for k in self._edits if k > iteration]
        return min(later, default=None)

    def _forget_changes_after(self, iteration: int) -> None:
        """A new change at ``iteration`` replaces the changes planned after it.
        (Stepping again after going back keeps them: the same run replays.)"""
        self._settings = [(k, v) for k, v in self._settings if k <= iteration]
        self._edits = {k: v for k, v in self._edits.items() if k <= iteration}

    def append(self, cost: float, test_cost: float | None, state: TrainState,
               grad_norms: np.ndarray | None = None, epoch: int = 0) -> None:
        self._costs.append(cost)
        self._test_costs.append(test_cost)
        self._grad_norms.append(grad_norms)
        self._epochs.append(epoch)
        n = len(self._costs)
        self._states[n] = state
        old = n - self.recent
        if old > 0 and old % self.every:
            self._states.pop(old, None)

    def extend(self, costs, test_costs, states: list, grad_norms, epochs) -> None:
        """``append`` for a batch of steps at once (a training process's);
        the values come as lists (Nones allowed) or arrays."""
        start = len(self._costs)
        self._costs.extend(costs)
        self._test_costs.extend(test_costs)
        self._grad_norms.extend(grad_norms)
        self._epochs.extend(epochs)
        kept = self._states
        kept.update(zip(range(start + 1, start + len(states) + 1), states))
        for old in range(max(1, start + 1 - self.recent), len(self._costs) + 1 - self.recent):
            if old % self.every:
                kept.pop(old, None)

    def truncate(self, iteration: int) -> None:
        """Forget the costs and states after ``iteration``."""
        if iteration < len(self._costs):
            self.version += 1
        for column in (self._costs, self._test_costs, self._grad_norms, self._epochs):
            column.truncate(iteration)
        self._states = {k: v for k, v in self._states.items() if k <= iteration}

    def nearest_state(self, iteration: int) -> tuple[int, TrainState]:
        """The kept state at or before ``iteration``."""
        k = max(k for k in self._states if k <= iteration)
        return k, self._states[k]

    def kept(self) -> int:
        return len(self._states)

    def thin(self, every: int) -> None:
        """Keep one state every ``every`` iterations, the first and the last:
        a history an undo step holds then costs a fraction of its memory, and
        going back to one of its iterations replays up to ``every`` steps
        (deterministic, the same numbers)."""
        if self._states:
            last = max(self._states)
            self._states = {k: v for k, v in self._states.items()
                            if k % every == 0 or k == last}

    def kept_items(self):
        """(iteration, state) of every kept state, in no particular order."""
        return self._states.items()

    def kept_from(self, iteration: int) -> list[tuple[int, TrainState]]:
        """(iteration, state) of the kept states from ``iteration`` on, in
        the order of their iterations.  States are kept in that order (each
        one after the last, or in place of it), so this reads from the newest
        back and stops there: a view that has the older ones reads only what
        is new, not every state of a long history."""
        found = []
        for k, state in reversed(self._states.items()):
            if k < iteration:
                break
            found.append((k, state))
        found.reverse()
        return found

    def has_state(self, iteration: int) -> bool:
        """Whether the state after ``iteration`` steps is kept."""
        return iteration in self._states

    def settled(self) -> int:
        """The iteration up to which the kept states stay kept as the history
        grows: a state beyond one in ``every`` goes when it falls ``recent``
        iterations behind the last (later, only ``truncate``, ``thin`` and
        ``start`` forget states up to here)."""
        return len(self._costs) - self.recent
