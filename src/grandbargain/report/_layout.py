"""Where to put point labels so they do not sit on each other: a small greedy placer in the
pixel space of a chart's plot area (origin bottom left, y up). Both renderers draw the labels
at the offsets it returns, so the PNG and the HTML chart agree."""

from __future__ import annotations

from collections.abc import Sequence

from grandbargain.report._text import display_width

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels, y up

CHAR_PX = 6.4     # average width of one column of 11 px text
LINE_PX = 14.0    # height of one line of 11 px text


def label_width(text: str) -> float:
    return display_width(text) * CHAR_PX + 4.0


def _overlap(a: Box, b: Box) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def _circle_hits(box: Box, cx: float, cy: float, r: float) -> float:
    nx = min(max(cx, box[0]), box[2])
    ny = min(max(cy, box[1]), box[3])
    gap = ((nx - cx) ** 2 + (ny - cy) ** 2) ** 0.5
    return max(0.0, r - gap)


def _candidates(r: float, w: float) -> list[tuple[float, float]]:
    side = r + 3 + w / 2
    up = r + LINE_PX / 2 + 2
    out = [(0.0, up), (0.0, -up), (side, 0.0), (-side, 0.0),
           (side - w / 4, up - 3), (-side + w / 4, up - 3),
           (side - w / 4, -up + 3), (-side + w / 4, -up + 3)]
    for step in (1, 2, 3):
        lift = step * LINE_PX
        out += [(0.0, up + lift), (0.0, -up - lift), (side, lift), (side, -lift),
                (-side, lift), (-side, -lift)]
    return out


def place_labels(points: Sequence[tuple[float, float]], radii: Sequence[float],
                 texts: Sequence[str], width: float, height: float,
                 obstacles: Sequence[tuple[float, float, float]] = (),
                 blocked: Sequence[Box] = ()) -> list[tuple[float, float]]:
    """Offsets (dx, dy) in pixels, y up, for the label of each point.

    Largest points are placed first; each label takes the first candidate spot that overlaps
    no label placed so far, no point, no obstacle circle (x, y, r), no blocked box and stays
    inside the plot, else the least bad one.
    """
    order = sorted(range(len(points)), key=lambda k: (-radii[k], k))
    boxes: list[Box] = list(blocked)
    circles = [*((x, y, r) for (x, y), r in zip(points, radii, strict=True)), *obstacles]
    offsets: list[tuple[float, float]] = [(0.0, 0.0)] * len(points)
    for k in order:
        x, y = points[k]
        w = label_width(texts[k])
        best, best_cost = None, float("inf")
        for dx, dy in _candidates(radii[k], w):
            cx, cy = x + dx, y + dy
            box = (cx - w / 2, cy - LINE_PX / 2, cx + w / 2, cy + LINE_PX / 2)
            cost = sum(_overlap(box, b) for b in boxes) * 4.0
            cost += sum(_circle_hits(box, px, py, r) * 30.0 for px, py, r in circles)
            outside = (max(0.0, -box[0]) + max(0.0, box[2] - width)
                       + max(0.0, -box[1]) + max(0.0, box[3] - height))
            cost += outside * 40.0
            cost += 0.01 * (abs(dx) + abs(dy))  # prefer the nearest spot among free ones
            if cost < best_cost:
                best, best_cost = (dx, dy), cost
            if cost < 1.0:
                break
        assert best is not None
        dx, dy = best
        boxes.append((x + dx - w / 2, y + dy - LINE_PX / 2, x + dx + w / 2, y + dy + LINE_PX / 2))
        offsets[k] = best
    return offsets
