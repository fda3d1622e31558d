"""Where each edge's numbers go: along the edge, clear of the nodes, their
numbers and the other edges' labels.

A layer that fans out from one node puts all its labels near that node if
they sit at a fixed fraction of the edge; on a projector they then print over
each other.  Each edge instead takes the first of a few places along it
whose boxes overlap least with what is already there (nodes first, then the
labels placed before it, in the edges' order, so the result is the same at
every run).  Where no place is clear, the scene shows the edge's numbers
only while it is in play.  Pure geometry, in NumPy: a hundred edges place
in a few ms.
"""
from __future__ import annotations

import numpy as np

# Fractions of the edge tried, the middle first.
CANDIDATES = (0.5, 0.4, 0.6, 0.32, 0.68, 0.24, 0.76)
OFFSET = 11.0        # the labels' least distance from the edge, on either side
MAX_OFFSET = 40.0    # and their greatest
MARGIN = 4.0         # px left between a label's box and its edge's line
PREFERENCE = 40.0    # px² of overlap that moving a step away from the middle is worth
LINE_STEP = 6.0      # px between the points that stand for a line
LINE_COST = 20.0     # px² of overlap a point of another line under a label counts as
CLEAR = 0.15         # labels covering at most this share of their area are clear


def _overlap(boxes: np.ndarray, obstacles: np.ndarray) -> np.ndarray:
    """Total overlap area of each box (n, 4: x0 y0 x1 y1) with the obstacles."""
    if not len(obstacles):
        return np.zeros(len(boxes))
    w = np.minimum(boxes[:, None, 2], obstacles[None, :, 2]) - \
        np.maximum(boxes[:, None, 0], obstacles[None, :, 0])
    h = np.minimum(boxes[:, None, 3], obstacles[None, :, 3]) - \
        np.maximum(boxes[:, None, 1], obstacles[None, :, 1])
    return (np.clip(w, 0, None) * np.clip(h, 0, None)).sum(axis=1)


def offsets(segment, sizes) -> tuple[float, float]:
    """How far from the edge's line each label's centre goes: far enough that
    the line misses its box (a box across a steep line reaches out further
    along the normal), within OFFSET and MAX_OFFSET."""
    x0, y0, x1, y1 = segment
    length = float(np.hypot(x1 - x0, y1 - y0)) or 1.0
    nx, ny = abs(y1 - y0) / length, abs(x1 - x0) / length
    return tuple(float(np.clip(w / 2 * nx + h / 2 * ny + MARGIN, OFFSET, MAX_OFFSET))
                 for w, h in sizes)


def label_boxes(segment, t: np.ndarray, sizes) -> tuple[np.ndarray, np.ndarray]:
    """The two label boxes (weight on one side, gradient on the other) at
    fractions ``t`` of ``segment`` (x0, y0, x1, y1); ``sizes`` are their
    (width, height)."""
    x0, y0, x1, y1 = segment
    dx, dy = x1 - x0, y1 - y0
    length = np.hypot(dx, dy) or 1.0
    # the normal the canvas uses (QLineF.normalVector: (dy, -dx))
    nx, ny = dy / length, -dx / length
    t = np.asarray(t, dtype=float)
    ax, ay = x0 + t * dx, y0 + t * dy
    out = []
    for sign, (w, h), off in zip((-1.0, 1.0), sizes, offsets(segment, sizes)):
        cx, cy = ax + sign * off * nx, ay + sign * off * ny
        out.append(np.column_stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2]))
    return out[0], out[1]


def _points_inside(boxes: np.ndarray, points: np.ndarray) -> np.ndarray:
    """How many of the points (m, 2) lie in each box (n, 4)."""
    if not len(points):
        return np.zeros(len(boxes))
    x, y = points[None, :, 0], points[None, :, 1]
    return ((boxes[:, None, 0] <= x) & (x <= boxes[:, None, 2]) &
            (boxes[:, None, 1] <= y) & (y <= boxes[:, None, 3])).sum(axis=1)


def _along(segments: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points every LINE_STEP px along each segment, and the edge of each."""
    points, owner = [], []
    for k, (x0, y0, x1, y1) in enumerate(segments):
        length = np.hypot(x1 - x0, y1 - y0)
        if not np.isfinite(length):
            continue
        n = max(2, int(length / LINE_STEP) + 1)
        t = np.linspace(0.0, 1.0, n)
        points.append(np.column_stack([x0 + t * (x1 - x0), y0 + t * (y1 - y0)]))
        owner.append(np.full(n, k))
    if not points:
        return np.zeros((0, 2)), np.zeros(0, dtype=int)
    return np.vstack(points), np.concatenate(owner)


def place_labels(segments, sizes, obstacles) -> list[tuple[float, bool]]:
    """Per edge, the fraction along it where its labels go, and whether they
    are clear there (covering little of anything else).

    ``segments``: (x0, y0, x1, y1) per edge, from where it leaves its source
    to where it meets its target; ``sizes``: per edge, the (width, height) of
    its weight label and of its gradient label; ``obstacles``: rectangles
    (x0, y0, x1, y1) no label should cover (the nodes and their numbers).
    Text across another edge's line is hard to read too: each LINE_STEP px
    of a line under a label counts as LINE_COST px² of overlap.
    """
    segments = np.asarray(segments, dtype=float).reshape(-1, 4)
    taken = np.asarray(obstacles, dtype=float).reshape(-1, 4)
    lines, owner = _along(segments)
    candidates = np.array(CANDIDATES)
    steps = np.arange(len(candidates)) // 2      # 0, 1, 1, 2, 2, 3, 3: away from the middle
    chosen = []
    for k, (segment, size) in enumerate(zip(segments, sizes)):
        if not np.isfinite(segment).all():      # nodes drawn on top of each other
            chosen.append((0.5, True))
            continue
        first, second = label_boxes(segment, candidates, size)
        others = lines[owner != k]
        covered = _overlap(first, taken) + _overlap(second, taken) + LINE_COST * (
            _points_inside(first, others) + _points_inside(second, others))
        best = int(np.argmin(covered + PREFERENCE * steps))
        area = sum(w * h for w, h in size)
        chosen.append((float(candidates[best]), bool(covered[best] <= CLEAR * area)))
        taken = np.vstack([taken, first[best:best + 1], second[best:best + 1]])
    return chosen
