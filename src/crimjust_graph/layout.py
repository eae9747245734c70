"""Node positions for big pages: adjacency lists -> (x, y) per node, fast, deterministic, pure Python.

networkx's spring_layout needs numpy and took 41 s at 5,000 nodes (docs/design.md §6). This layout is a
two-level one: the best-connected nodes ("anchors") are placed by a small Fruchterman-Reingold run, every
other node is attached to its nearest anchor and placed on a sunflower spiral around it, so clusters never
overlap inside and anchors are pushed apart by the size of their clusters. Small components are packed in rows
below. Pure Python floats make the output the same on every run and every machine with IEEE doubles.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence

SPACING = 42.0  # distance between neighbouring nodes of one cluster, in vis-network units
MAX_ANCHORS = 120
GOLDEN_ANGLE = math.pi * (3.0 - math.sqrt(5.0))


def layout(adjacency: Sequence[Sequence[int]], sizes: Sequence[float]) -> list[tuple[float, float]]:
    """Positions for nodes 0..n-1 given undirected neighbour lists and drawn radii."""
    n = len(adjacency)
    if n == 0:
        return []
    degree = [len(a) for a in adjacency]
    components = _components(adjacency)
    anchors: list[int] = []
    rest: list[list[int]] = []
    for comp in components:
        if len(comp) < 4 or len(anchors) >= MAX_ANCHORS:
            rest.append(comp)
            continue
        share = max(1, min(len(comp) // 8, round(MAX_ANCHORS * len(comp) / n)))
        anchors.extend(sorted(comp, key=lambda v: (-degree[v], v))[:share])
    pos: list[tuple[float, float]] = [(0.0, 0.0)] * n
    if anchors:
        owner, members = _attach(adjacency, anchors, degree)
        radius = {a: _cluster_radius(len(members[a]), sizes[a]) for a in anchors}
        centres = _place_anchors(anchors, adjacency, owner, radius)
        for a in anchors:
            _sunflower(pos, centres[a], a, members[a], sizes[a])
    _pack(
        pos, rest, adjacency, degree, sizes, below=max((p[1] for p in pos), default=0.0) if anchors else None
    )
    return [(round(x, 1), round(y, 1)) for x, y in pos]


def _components(adjacency: Sequence[Sequence[int]]) -> list[list[int]]:
    """Connected components, biggest first, ties by smallest node."""
    seen = [False] * len(adjacency)
    out: list[list[int]] = []
    for start in range(len(adjacency)):
        if seen[start]:
            continue
        seen[start] = True
        comp, queue = [start], deque([start])
        while queue:
            for w in adjacency[queue.popleft()]:
                if not seen[w]:
                    seen[w] = True
                    comp.append(w)
                    queue.append(w)
        out.append(sorted(comp))
    out.sort(key=lambda c: (-len(c), c[0]))
    return out


def _attach(
    adjacency: Sequence[Sequence[int]], anchors: list[int], degree: list[int]
) -> tuple[list[int], dict[int, list[int]]]:
    """Multi-source BFS: each node belongs to the anchor it is closest to (earlier anchors win ties)."""
    owner = [-1] * len(adjacency)
    depth = [0] * len(adjacency)
    queue: deque[int] = deque()
    for a in anchors:
        owner[a] = a
        queue.append(a)
    while queue:
        v = queue.popleft()
        for w in adjacency[v]:
            if owner[w] < 0:
                owner[w], depth[w] = owner[v], depth[v] + 1
                queue.append(w)
    members: dict[int, list[int]] = {a: [] for a in anchors}
    for v, a in enumerate(owner):
        if a >= 0 and a != v:
            members[a].append(v)
    for a in anchors:
        members[a].sort(key=lambda v: (depth[v], -degree[v], v))
    return owner, members


def _cluster_radius(count: int, size: float) -> float:
    return SPACING * math.sqrt(count + _offset(size)) + SPACING / 2


def _offset(size: float) -> float:
    """Sunflower index to start at so the first ring clears the anchor's own drawn radius."""
    return ((size + SPACING * 0.75) / SPACING) ** 2


def _place_anchors(
    anchors: list[int], adjacency: Sequence[Sequence[int]], owner: list[int], radius: dict[int, float]
) -> dict[int, tuple[float, float]]:
    """Fruchterman-Reingold over anchors; links weigh by the edges between their clusters."""
    index = {a: i for i, a in enumerate(anchors)}
    links: dict[tuple[int, int], int] = {}
    for v, nbrs in enumerate(adjacency):
        if owner[v] < 0:
            continue
        for w in nbrs:
            a, b = index[owner[v]], index[owner[w]]
            if a < b:
                links[(a, b)] = links.get((a, b), 0) + 1
    k = len(anchors)
    rad = [radius[a] for a in anchors]
    total = math.sqrt(sum(r * r for r in rad))
    xs = [total * math.cos(2 * math.pi * i / k) for i in range(k)]
    ys = [total * math.sin(2 * math.pi * i / k) for i in range(k)]
    temp = total / 2
    for _ in range(80):
        dx, dy = [0.0] * k, [0.0] * k
        for i in range(k):
            xi, yi, ri = xs[i], ys[i], rad[i]
            for j in range(i + 1, k):
                ddx, ddy = xi - xs[j], yi - ys[j]
                dist2 = ddx * ddx + ddy * ddy + 1e-6
                want = ri + rad[j] + SPACING
                force = want * want / dist2
                dx[i] += ddx * force
                dy[i] += ddy * force
                dx[j] -= ddx * force
                dy[j] -= ddy * force
        for (i, j), weight in links.items():
            ddx, ddy = xs[i] - xs[j], ys[i] - ys[j]
            dist = math.sqrt(ddx * ddx + ddy * ddy) + 1e-6
            force = min(weight, 20) ** 0.5 * dist / (rad[i] + rad[j] + SPACING) * 0.5
            dx[i] -= ddx * force
            dy[i] -= ddy * force
            dx[j] += ddx * force
            dy[j] += ddy * force
        for i in range(k):
            dx[i] -= xs[i] * 0.02
            dy[i] -= ys[i] * 0.02
            length = math.sqrt(dx[i] * dx[i] + dy[i] * dy[i]) + 1e-9
            step = min(length, temp) / length
            xs[i] += dx[i] * step
            ys[i] += dy[i] * step
        temp *= 0.95
    _separate(xs, ys, rad)
    return {a: (xs[i], ys[i]) for i, a in enumerate(anchors)}


def _separate(xs: list[float], ys: list[float], rad: list[float]) -> None:
    """Push overlapping cluster discs apart until none overlap (or 50 rounds)."""
    k = len(xs)
    for _ in range(50):
        moved = False
        for i in range(k):
            for j in range(i + 1, k):
                ddx, ddy = xs[j] - xs[i], ys[j] - ys[i]
                dist = math.sqrt(ddx * ddx + ddy * ddy)
                gap = rad[i] + rad[j] + SPACING / 2 - dist
                if gap > 0:
                    if dist < 1e-6:
                        ddx, ddy, dist = 1.0, 0.0, 1.0
                    push = gap / 2 / dist
                    xs[i] -= ddx * push
                    ys[i] -= ddy * push
                    xs[j] += ddx * push
                    ys[j] += ddy * push
                    moved = True
        if not moved:
            return


def _sunflower(
    pos: list[tuple[float, float]], centre: tuple[float, float], anchor: int, members: list[int], size: float
) -> None:
    cx, cy = centre
    pos[anchor] = centre
    start = _offset(size)
    for i, v in enumerate(members):
        r = SPACING * math.sqrt(i + start)
        angle = (i + 1) * GOLDEN_ANGLE
        pos[v] = (cx + r * math.cos(angle), cy + r * math.sin(angle))


def _pack(
    pos: list[tuple[float, float]],
    comps: list[list[int]],
    adjacency: Sequence[Sequence[int]],
    degree: list[int],
    sizes: Sequence[float],
    below: float | None,
) -> None:
    """Small components in rows (shelf packing), under the main picture when there is one."""
    if not comps:
        return
    placed = [p for p in pos if p != (0.0, 0.0)]
    left = min((p[0] for p in placed), default=0.0)
    width = max(max((p[0] for p in placed), default=0.0) - left, SPACING * 12 * math.sqrt(len(comps)))
    x, y = left, (below + SPACING * 3) if below is not None else 0.0
    row = 0.0
    for comp in comps:
        root = min(comp, key=lambda v: (-degree[v], v))
        others = [v for v in comp if v != root]
        r = _cluster_radius(len(others), sizes[root]) if others else sizes[root] + SPACING / 2
        if x + 2 * r > left + width and x > left:
            x, y, row = left, y + row + SPACING / 2, 0.0
        _sunflower(pos, (x + r, y + r), root, others, sizes[root])
        x += 2 * r + SPACING / 2
        row = max(row, 2 * r)


ROW_WIDTH = 1400.0  # a date's row wraps onto a new line beyond this width, so the picture stays frame-shaped
GAP = 28.0  # room between two nodes side by side, and between two lines
LABEL_HEIGHT = 18.0  # one line of a 14 px label, drawn under its node


def along_time(
    rows: Sequence[int], sizes: Sequence[float], widths: Sequence[float], lines: Sequence[int]
) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """Timeline positions: one band per date, top to bottom in date order; inside a band the nodes stand
    left to right in the given order (events first), spaced by their label widths, wrapping onto more
    lines past ROW_WIDTH so no two labels can overlap. `rows[i]` is node i's date rank; returns positions
    and, per date, the band's (top, bottom) y."""
    by_row: dict[int, list[int]] = {}
    for i, row in enumerate(rows):
        by_row.setdefault(row, []).append(i)
    pos = [(0.0, 0.0)] * len(rows)
    bands = []
    top = 0.0
    for row in range(max(rows, default=-1) + 1):
        start = top
        members = by_row.get(row, [])
        x, height = 0.0, 0.0
        for i in members:
            width = max(widths[i], 2 * sizes[i])
            tall = 2 * sizes[i] + 4 + LABEL_HEIGHT * lines[i]
            if x > 0 and x + width > ROW_WIDTH:
                top += height + GAP
                x, height = 0.0, 0.0
            pos[i] = (round(x + width / 2, 1), round(top + sizes[i], 1))
            x += width + GAP
            height = max(height, tall)
        top += (height or 2 * LABEL_HEIGHT) + GAP
        bands.append((round(start - GAP / 2, 1), round(top - GAP / 2, 1)))
    return pos, bands
