"""The history of a training run: every iteration's cost, the states needed to
go back to any iteration, and the settings in force at each one.

Memory policy: the state (parameters and optimizer state) after each of the
last ``recent`` iterations is kept; older iterations keep one state every
``every`` iterations.  Going back to an iteration without a kept state
replays from the nearest kept one before it — training is deterministic, so
the replayed numbers are identical.  With the defaults a 100 000-step run of a
1 000-parameter network holds about 3 000 states (24 MB) instead of 800 MB.
"""
from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass, field

import numpy as np

from ..engine import Settings, TrainState


RISE_RUN = 5         # rises in a row, each iteration's (or epoch's) cost above the one before,
RISE_FACTOR = 2.0    # to this many times the lowest cost before them: a run diverging
RISE_WALK = 10_000   # costs looked back over at most (a frame's work stays small)


@dataclass(frozen=True)
class Rise:
    """A cost climbing as a run that diverges does (``History.rise``)."""
    run: int             # rises in a row up to the last cost (RISE_WALK at most)
    factor: float        # the last cost over the one the climb started from
    per_epoch: bool      # counted over the means of whole epochs


@dataclass
class History:
    recent: int = 2000
    every: int = 100
    costs: list[float] = field(default_factory=list)         # costs[i]: step i+1's cost
    test_costs: list[float | None] = field(default_factory=list)
    grad_norms: list[np.ndarray] = field(default_factory=list)   # per step, per layer
    epochs: list[int] = field(default_factory=list)               # each step's epoch
    #: Changes whenever recorded steps are forgotten, so views that copy the
    #: history incrementally know to start again.
    version: int = 0
    _states: dict[int, TrainState] = field(default_factory=dict)   # after that many steps
    _settings: list[tuple[int, Settings]] = field(default_factory=list)
    # Values a user set by hand after that many steps: {theta position: value}.
    _edits: dict[int, dict[int, float]] = field(default_factory=dict)

    def start(self, state: TrainState, settings: Settings) -> None:
        self.costs.clear()
        self.test_costs.clear()
        self.grad_norms.clear()
        self.epochs.clear()
        self.version += 1
        self._states = {0: state}
        self._settings = [(0, settings)]
        self._edits = {}

    @property
    def length(self) -> int:
        """The number of iterations recorded."""
        return len(self.costs)

    def rise(self, upto: int) -> Rise | None:
        """Whether the cost up to iteration ``upto`` climbs as a diverging run
        does, before it overflows: ``RISE_RUN`` rises in a row at least, to
        ``RISE_FACTOR`` times the cost the climb started from.  With several
        steps an epoch, the means of whole epochs are compared (a mini-batch's
        cost goes up and down by itself; the epoch under way is left out)."""
        # two or more steps an epoch: of any three steps in a row, two share one
        tail = self.epochs[max(0, upto - 3):upto]
        per_epoch = len(set(tail)) < len(tail)
        values = self._epoch_means_back(upto) if per_epoch else \
            (self.costs[k] for k in range(upto - 1, max(-1, upto - 1 - RISE_WALK), -1))
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

    def _epoch_means_back(self, upto: int):
        """The mean cost of each whole epoch before iteration ``upto``, the
        latest first, over at most ``RISE_WALK`` steps."""
        costs, epochs = self.costs, self.epochs
        lo = max(0, upto - RISE_WALK)
        end = upto
        while end > lo and epochs[end - 1] == epochs[upto - 1]:
            end -= 1                              # the epoch under way
        while end > lo:
            start = end
            while start > lo and epochs[start - 1] == epochs[end - 1]:
                start -= 1
            if start == lo and lo > 0:
                return                            # cut short by the walk's limit
            yield math.fsum(costs[start:end]) / (end - start)
            end = start

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
        self.costs.append(cost)
        self.test_costs.append(test_cost)
        self.grad_norms.append(grad_norms)
        self.epochs.append(epoch)
        n = len(self.costs)
        self._states[n] = state
        old = n - self.recent
        if old > 0 and old % self.every:
            self._states.pop(old, None)

    def extend(self, costs: list, test_costs: list, states: list, grad_norms: list,
               epochs: list) -> None:
        """``append`` for a batch of steps at once (a training process's)."""
        start = len(self.costs)
        self.costs.extend(costs)
        self.test_costs.extend(test_costs)
        self.grad_norms.extend(grad_norms)
        self.epochs.extend(epochs)
        kept = self._states
        kept.update(zip(range(start + 1, start + len(states) + 1), states))
        for old in range(max(1, start + 1 - self.recent), len(self.costs) + 1 - self.recent):
            if old % self.every:
                kept.pop(old, None)

    def truncate(self, iteration: int) -> None:
        """Forget the costs and states after ``iteration``."""
        if iteration < len(self.costs):
            self.version += 1
        del self.costs[iteration:]
        del self.test_costs[iteration:]
        del self.grad_norms[iteration:]
        del self.epochs[iteration:]
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
