"""Where each edge's numbers go: on the edge, clear of the nodes, their
numbers, the other edges' lines and their labels.

A layer that fans out from one node puts all its labels near that node if
they sit at a fixed fraction of the edge; on a projector they then print over
each other.  Each edge instead takes the first of a few places along it
whose boxes overlap least with what is already there (nodes first, then the
labels placed before it, in the edges' order, so the result is the same at
every run), and cross the fewest other lines.  Where no place is clear of
other text, the weight alone goes where it has room, and the scene shows
the rest only while the edge is in play.
Pure geometry, in NumPy: a hundred edges place
in a few ms.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

# Fractions of the edge tried, the middle first.
CANDIDATES = (0.5, 0.4, 0.6, 0.32, 0.68, 0.24, 0.76)
PREFERENCE = 40.0    # px² of overlap that moving a step away from the middle is worth
LINE_STEP = 6.0      # px between the points that stand for a line
LINE_COST = 20.0     # px² of overlap a point of another line under a label counts as
WEIGHT_LINE_FACTOR = 3.0   # and under the weight, which says whose the numbers are
LABEL_COST = 3.0     # how many times worse covering another label is than a node's box
CLEAR = 0.15         # labels covering at most this share of their area are clear
ABOVE = 60.0         # px² of overlap that the gradient above its weight, not beneath, costs


class Place(NamedTuple):
    """Where an edge's numbers go (see place_labels)."""
    t: float                 # the fraction along the edge of the weight's centre
    clear: bool              # both cover little of any other text there
    weight_clear: bool       # the weight does (where the two do not)
    above: bool = False      # the gradient above the weight, where beneath had no room


def ringed_boxes(x0: float, y0: float, x1: float, y1: float, out: float,
                 disk: bool) -> list[tuple[float, float, float, float]]:
    """Disjoint rectangles covering a node's outline (a disk, or its
    rectangle) and the ring drawn ``out`` px around it when it is computed or
    read: a label beside the node kept clear of its outline, and the ring
    covered its first letters.  A disk is a square and two steps on each
    side, not its square grown: the corners between its edges stay free for
    their labels."""
    if not disk:
        return [(x0, y0, x1, y1), (x0 - out, y0, x0, y1), (x1, y0, x1 + out, y1),
                (x0, y0 - out, x1, y0), (x0, y1, x1, y1 + out)]
    cx, cy, r = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2 + out
    # each step as high as the disk where it starts: nothing of it is left out
    a, c = 0.72 * r, 0.9 * r
    ha, hc = np.sqrt(r * r - a * a), np.sqrt(r * r - c * c)
    boxes = [(cx - a, cy - a, cx + a, cy + a)]
    for near, far, half in ((a, c, ha), (c, r, hc)):
        boxes += [(cx + near, cy - half, cx + far, cy + half),
                  (cx - far, cy - half, cx - near, cy + half),
                  (cx - half, cy + near, cx + half, cy + far),
                  (cx - half, cy - far, cx + half, cy - near)]
    return boxes


def _overlap(boxes: np.ndarray, obstacles: np.ndarray) -> np.ndarray:
    """Total overlap area of each box (n, 4: x0 y0 x1 y1) with the obstacles."""
    if not len(obstacles):
        return np.zeros(len(boxes))
    w = np.minimum(boxes[:, None, 2], obstacles[None, :, 2]) - \
        np.maximum(boxes[:, None, 0], obstacles[None, :, 0])
    h = np.minimum(boxes[:, None, 3], obstacles[None, :, 3]) - \
        np.maximum(boxes[:, None, 1], obstacles[None, :, 1])
    return (np.clip(w, 0, None) * np.clip(h, 0, None)).sum(axis=1)


def label_boxes(segment, t: np.ndarray, sizes,
                above: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The two label boxes at fractions ``t`` of ``segment`` (x0, y0, x1, y1):
    the weight centred on the line, its gradient just beneath it (or just
    above), the two on one white ground the line runs into.  Beside the line,
    a label of a dense layer sat about as near a crossing edge as its own,
    and colour and dash do not tell two negative weights apart; on it, whose
    it is cannot be mistaken.  ``sizes`` are their (width, height)."""
    x0, y0, x1, y1 = segment
    t = np.asarray(t, dtype=float)
    ax, ay = x0 + t * (x1 - x0), y0 + t * (y1 - y0)
    (w1, h1), (w2, h2) = sizes
    first = np.column_stack([ax - w1 / 2, ay - h1 / 2, ax + w1 / 2, ay + h1 / 2])
    cy = ay + (-1 if above else 1) * gradient_drop(sizes)
    second = np.column_stack([ax - w2 / 2, cy - h2 / 2, ax + w2 / 2, cy + h2 / 2])
    return first, second


def gradient_drop(sizes) -> float:
    """How far below the weight's centre the gradient's goes: just clear of
    it, or none where the edge has no weight (into a gate)."""
    (_, h1), (_, h2) = sizes
    return (h1 + h2) / 2 if h1 else 0.0


def _points_inside(boxes: np.ndarray, points: np.ndarray) -> np.ndarray:
    """How many of the points (m, 2), sorted by x, lie in each box (n, 4)
    (a few points: every one against every box)."""
    if not len(points):
        return np.zeros(len(boxes))
    x, y = points[None, :, 0], points[None, :, 1]
    return ((boxes[:, None, 0] <= x) & (x <= boxes[:, None, 2]) &
            (boxes[:, None, 1] <= y) & (y <= boxes[:, None, 3])).sum(axis=1)


class PointIndex:
    """Points (m, 2) sorted by x, counted into boxes without testing every
    point: a dense network's lines are a hundred thousand points, and a
    test of every one against every box made a micro-step of a
    2-32-32-32-1 network take 250 ms.

    The points go in blocks of BLOCK along x; in each block they are sorted
    by the rank of their y among all the points' y.  A box's x range is a
    slice of the points: its whole blocks are counted by binary searches on
    (block, rank) keys, exact, and the points of the two ends one by one.
    """

    BLOCK = 512

    def __init__(self, points: np.ndarray):
        self.points = points
        n = len(points)
        self.xs = points[:, 0]
        self.sorted_y = np.sort(points[:, 1])
        rank = np.searchsorted(self.sorted_y, points[:, 1], side="left")
        block = np.arange(n) // self.BLOCK
        self.keys = np.sort(block * (n + 1) + rank)     # block-major, by rank within
        self.n = n

    def count(self, boxes: np.ndarray) -> np.ndarray:
        n = len(boxes)
        if not self.n or not n:
            return np.zeros(n)
        lo = np.searchsorted(self.xs, boxes[:, 0], side="left")
        hi = np.maximum(lo, np.searchsorted(self.xs, boxes[:, 2], side="right"))
        # y0 <= y <= y1 exactly when r0 <= rank(y) < r1
        r0 = np.searchsorted(self.sorted_y, boxes[:, 1], side="left")
        r1 = np.searchsorted(self.sorted_y, boxes[:, 3], side="right")
        size = self.BLOCK
        first, last = -(-lo // size), hi // size           # the whole blocks inside
        whole = first < last
        first, last = np.where(whole, first, hi // size), np.where(whole, last, hi // size)
        # the whole blocks of every box at once: binary searches on (block, rank)
        per_box = last - first
        box = np.repeat(np.arange(n), per_box)
        block = first[box] + np.arange(len(box)) - np.repeat(np.cumsum(per_box) - per_box, per_box)
        base = block * (self.n + 1)
        found = np.searchsorted(self.keys, base + r1[box]) - \
            np.searchsorted(self.keys, base + r0[box])
        counts = np.bincount(box, weights=found, minlength=n).astype(float)
        # and the points of the ends one by one: before the first whole block
        # and after the last (all of a box within one or two blocks)
        starts = np.concatenate([lo, np.where(whole, last * size, hi)])
        ends = np.concatenate([np.where(whole, first * size, hi), hi])
        lengths = ends - starts
        owner = np.tile(np.arange(n), 2)
        which = np.repeat(np.arange(2 * n), lengths)
        at = starts[which] + np.arange(len(which)) - np.repeat(np.cumsum(lengths) - lengths,
                                                              lengths)
        y, of = self.points[at, 1], owner[which]
        inside = (boxes[of, 1] <= y) & (y <= boxes[of, 3])
        return counts + np.bincount(of, weights=inside, minlength=n)


_index: tuple | None = None        # (the points indexed, their PointIndex)


def _index_of(points: np.ndarray) -> PointIndex:
    """One index per set of lines (a layout's, placed set after set)."""
    global _index
    if _index is None or _index[0] is not points:
        _index = (points, PointIndex(points))
    return _index[1]


def lines_of(segments) -> tuple[np.ndarray, np.ndarray]:
    """Points every LINE_STEP px along each segment, and the segment of each,
    ordered by x (made once per layout: placing a crowded network's few labels reuses them)."""
    segments = np.asarray(segments, dtype=float).reshape(-1, 4)
    length = np.hypot(segments[:, 2] - segments[:, 0], segments[:, 3] - segments[:, 1])
    finite = np.isfinite(length)
    # at most LINE_STEP apart, both ends included
    steps = np.ceil(np.where(finite, length, 0) / LINE_STEP).astype(int)
    count = np.where(finite, np.maximum(2, steps + 1), 0)
    owner = np.repeat(np.arange(len(segments)), count)
    if not len(owner):
        return np.zeros((0, 2)), owner
    starts = np.cumsum(count) - count
    t = (np.arange(len(owner)) - starts[owner]) / (count[owner] - 1)
    s = segments[owner]
    points = np.column_stack([s[:, 0] + t * (s[:, 2] - s[:, 0]), s[:, 1] + t * (s[:, 3] - s[:, 1])])
    order = np.argsort(points[:, 0], kind="stable")    # by x: a box's points are a slice
    return points[order], owner[order]


def place_labels(segments, sizes, obstacles, lines=None) -> list[Place]:
    """Per edge, the fraction along it where its labels go, whether they are
    clear there (covering little of any other text), whether its weight
    alone is (where the two are not), and whether its gradient goes above
    the weight (where beneath, at every fraction, it covered more).

    ``segments``: (x0, y0, x1, y1) per edge, from where it leaves its source
    to where it meets its target; ``sizes``: per edge, the (width, height) of
    its weight label (0, 0 for an edge without a weight) and of its gradient
    label; ``obstacles``: rectangles
    (x0, y0, x1, y1) no label should cover (the nodes and their numbers).
    Text across another edge's line is hard to read too: each LINE_STEP px
    of a line under a label counts as LINE_COST px² of overlap.  ``lines``:
    (points, owner) of :func:`lines_of` for every edge's line, also of edges
    whose labels are not placed here; by default the lines of ``segments``.
    """
    segments = np.asarray(segments, dtype=float).reshape(-1, 4)
    taken = np.asarray(obstacles, dtype=float).reshape(-1, 4)      # the nodes' boxes
    index = _index_of((lines_of(segments) if lines is None else lines)[0])
    candidates = np.array(CANDIDATES)
    m = len(candidates)
    steps = np.arange(m) // 2      # 0, 1, 1, 2, 2, 3, 3: away from the middle
    # the pairs tried: each fraction with the gradient beneath, then above
    pair_t = np.concatenate([np.arange(m), np.arange(m)])
    pair_cost = PREFERENCE * np.concatenate([steps, steps]) + \
        np.concatenate([np.zeros(m), np.full(m, ABOVE)])
    finite = [bool(np.isfinite(segment).all()) for segment in segments]
    every_box = []          # per edge: its weight's boxes, and its gradient's beneath and above
    for segment, size, ok in zip(segments, sizes, finite):
        if ok:
            first, below = label_boxes(segment, candidates, size)
            _, above = label_boxes(segment, candidates, size, above=True)
            every_box.append(np.vstack([first, below, above]))
    # the lines under each box, counted for every edge at once: where the
    # labels placed before go does not change them
    lined = np.split(index.count(np.vstack(every_box)), len(every_box)) if every_box else []
    chosen: list[Place] = []
    labels = np.zeros((0, 4))
    placed = iter(zip(every_box, lined))
    for segment, size, ok in zip(segments, sizes, finite):
        if not ok:      # nodes drawn on top of each other
            chosen.append(Place(0.5, True, True))
            continue
        boxes, under = next(placed)
        first = boxes[:m]
        # per box: text covered, and text and lines (the weight's lines count
        # more): the points of every line in it, less those of its own line
        text = (_overlap(boxes, taken) + LABEL_COST * _overlap(boxes, labels)).reshape(3, m)
        own = lines_of([segment])[0]
        inside = (under - _points_inside(boxes, own)).reshape(3, m)
        covered = text + LINE_COST * inside * np.array([[WEIGHT_LINE_FACTOR], [1], [1]])
        pair_text = text[0][pair_t] + text[1:].ravel()
        best = int(np.argmin(covered[0][pair_t] + covered[1:].ravel() + pair_cost))
        t, side = pair_t[best], best // m
        area = sum(w * h for w, h in size)
        # Clear is text over no other text.  A line behind a label is cut by
        # its white ground and counts only in where it goes: counted here
        # too, it hid a weight of a plain 2-3-1 network for good.
        if pair_text[best] <= CLEAR * area:
            chosen.append(Place(float(candidates[t]), True, True, bool(side)))
            labels = np.vstack([labels, first[t:t + 1], boxes[m * (1 + side) + t][None]])
            continue
        # No room for both: the weight alone, where it has room, is shown at
        # all times (the gradient while its edge is in play).  A student
        # reads every weight of a small network; a hidden one looked lost.
        weight_area = size[0][0] * size[0][1]
        alone = int(np.argmin(covered[0] + PREFERENCE * steps))
        if weight_area and text[0][alone] <= CLEAR * weight_area:
            chosen.append(Place(float(candidates[alone]), False, True))
            labels = np.vstack([labels, first[alone:alone + 1]])
            continue
        chosen.append(Place(float(candidates[t]), False, False, bool(side)))
        labels = np.vstack([labels, first[t:t + 1], boxes[m * (1 + side) + t][None]])
    return chosen
