"""Geometry for the PCF "fan": the framework's domains drawn as one half-disc of segments.

The domains sit side by side over 180 degrees, from the left (the first domain) to the right (the
last), each an annular sector between an inner and an outer radius. Outside them, one band per
group (Purpose, Practice, Impact) spans that group's domains and carries its title. Everything is
computed here so the template only places numbers; the colours are here too, so the tests can
check their contrast.

Domain titles run along the radius of their segment (on the left half turned so that they still
read from left to right), wrapped with `textwrap` to fit the segment.
"""

import math
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

# Segment fill, band fill: GOV.UK Frontend 6's blue, green, purple and teal with their darkest
# shades. Text on them is TEXT_COLOUR; the tests check every pair reaches WCAG AA (4.5:1).
GROUP_COLOURS: tuple[tuple[str, str], ...] = (
    ("#1d70b8", "#0f385c"),
    ("#0f7a52", "#083d29"),
    ("#54319f", "#2a1950"),
    ("#106165", "#0b4144"),
)
TEXT_COLOUR = "#ffffff"
# The focused segment turns GOV.UK's focus yellow with near-black text (styles in site.scss).
FOCUS_COLOUR = "#ffdd00"
FOCUS_TEXT_COLOUR = "#0b0c0c"

MARGIN = 6  # space kept clear inside the viewBox
BAND_THICKNESS = 0.11  # of the outer radius
BAND_GAP = 0.015  # between the domains and the bands, of the outer radius
INNER_RADIUS = 0.2  # of the outer radius
SEGMENT_GAP = 3.0  # px between neighbouring segments of one group
GROUP_GAP = 9.0  # px between groups
NUMBER_SPACE = 24.0  # px kept at the inner end of a segment for the domain number
TEXT_PADDING = 8.0  # px kept clear at the outer end of a segment
CHAR_WIDTH = 0.56  # an Arial character's average width, in ems (a little generous)
LINE_HEIGHT = 1.2  # in ems
FONT_SIZES = (14, 13, 12, 11, 10)  # tried in order; the first that fits every title wins
BAND_FONT_SIZE = 15
NUMBER_FONT_SIZE = 13
BASELINE_SHIFT = 0.35  # ems from a line's middle to its baseline


def _get(obj: Any, name: str) -> Any:
    if isinstance(obj, Mapping):
        return obj[name]
    return getattr(obj, name)


def _fmt(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _point(cx: float, cy: float, radius: float, angle: float) -> tuple[float, float]:
    """A point at `angle` radians (0 = right, pi/2 = up) from the centre, in SVG coordinates."""
    return cx + radius * math.cos(angle), cy - radius * math.sin(angle)


def _edge_angle(angle: float, radius: float, offset: float) -> float:
    """The angle at `radius` of a line parallel to the radius at `angle`, `offset` px to the side
    (positive: towards larger angles). Keeps the gaps between segments an even width."""
    return angle + math.asin(max(-1.0, min(1.0, offset / radius)))


def sector_path(
    cx: float,
    cy: float,
    inner: float,
    outer: float,
    start: float,
    end: float,
    *,
    gap_start: float = 0.0,
    gap_end: float = 0.0,
) -> str:
    """An annular sector from angle `start` (the larger, on the left) clockwise to `end`, its
    straight sides moved in by `gap_start` and `gap_end` px. Angles in radians."""
    outer_a = _edge_angle(start, outer, -gap_start)
    outer_b = _edge_angle(end, outer, gap_end)
    inner_a = _edge_angle(start, inner, -gap_start)
    inner_b = _edge_angle(end, inner, gap_end)
    large = 1 if outer_a - outer_b > math.pi else 0
    x1, y1 = _point(cx, cy, outer, outer_a)
    x2, y2 = _point(cx, cy, outer, outer_b)
    x3, y3 = _point(cx, cy, inner, inner_b)
    x4, y4 = _point(cx, cy, inner, inner_a)
    return (
        f"M{_fmt(x1)} {_fmt(y1)} "
        f"A{_fmt(outer)} {_fmt(outer)} 0 {large} 1 {_fmt(x2)} {_fmt(y2)} "
        f"L{_fmt(x3)} {_fmt(y3)} "
        f"A{_fmt(inner)} {_fmt(inner)} 0 {large} 0 {_fmt(x4)} {_fmt(y4)} Z"
    )


def _radial_rotation(angle: float) -> float:
    """Degrees to turn text so it runs along the radius and reads from left to right."""
    degrees = math.degrees(angle)
    return -degrees if degrees <= 90 else 180 - degrees


def _wrap(title: str, font_size: float, length: float) -> list[str]:
    width = max(4, int(length / (font_size * CHAR_WIDTH)))
    return textwrap.wrap(title, width=width, break_long_words=True) or [""]


def _text_width(text: str, font_size: float) -> float:
    return len(text) * font_size * CHAR_WIDTH


def _fits(lines: list[str], font_size: float, centre: float, half_angle: float, gap: float) -> bool:
    """Whether lines centred at radius `centre` stay inside a segment `2 * half_angle` wide whose
    sides are moved in by `gap` px: each line is checked at its inner end, where it is narrowest."""
    line_height = font_size * LINE_HEIGHT
    for index, line in enumerate(lines):
        offset = abs(index - (len(lines) - 1) / 2) * line_height + font_size / 2
        inner_end = centre - _text_width(line, font_size) / 2
        if inner_end <= 0:
            return False
        half_width = inner_end * math.sin(half_angle) - gap
        if offset > half_width:
            return False
    return True


def _domains(groups: Iterable[Any]) -> list[tuple[int, Any, Any]]:
    return [
        (index, group, domain)
        for index, group in enumerate(groups)
        for domain in (_get(group, "domains") or [])
    ]


def build_fan(groups: Sequence[Any], *, width: int = 640, height: int = 360) -> dict:
    """The fan's geometry for `templates/capabilities/includes/fan.html`.

    `groups` is a sequence of objects or dicts with `title` and `domains`; each domain has
    `number`, `title` and `url`. Groups without domains get no band.
    """
    groups = list(groups)
    entries = _domains(groups)
    cx = width / 2
    cy = height - MARGIN
    radius = min(cx - MARGIN, cy - MARGIN)
    band_outer = radius
    band_inner = radius * (1 - BAND_THICKNESS)
    outer = band_inner - radius * BAND_GAP
    inner = radius * INNER_RADIUS
    fan = {
        "width": width,
        "height": height,
        "view_box": f"0 0 {width} {height}",
        "font_size": FONT_SIZES[-1],
        "band_font_size": BAND_FONT_SIZE,
        "number_font_size": NUMBER_FONT_SIZE,
        "text_colour": TEXT_COLOUR,
        "segments": [],
        "bands": [],
    }
    if not entries:
        return fan

    step = math.pi / len(entries)
    half_angle = step / 2
    text_inner = inner + NUMBER_SPACE
    text_outer = outer - TEXT_PADDING
    text_length = text_outer - text_inner
    label_radius = (text_inner + text_outer) / 2
    gap = GROUP_GAP / 2

    def label_centre(lines: list[str], size: float) -> float:
        """The middle of the text area if the label fits there, else as far out as it goes."""
        if _fits(lines, size, label_radius, half_angle, gap):
            return label_radius
        return text_outer - max(_text_width(line, size) for line in lines) / 2

    # One font size for every title: the largest at which all of them fit their segment.
    titles = [str(_get(domain, "title")) for _, _, domain in entries]
    font_size = FONT_SIZES[-1]
    for size in FONT_SIZES:
        wrapped = [_wrap(title, size, text_length) for title in titles]
        if all(_fits(lines, size, label_centre(lines, size), half_angle, gap) for lines in wrapped):
            font_size = size
            break
    fan["font_size"] = font_size
    line_height = font_size * LINE_HEIGHT

    group_spans: dict[int, list[float]] = {}
    for position, (group_index, _group, domain) in enumerate(entries):
        start = math.pi - position * step
        end = start - step
        first = position == 0 or entries[position - 1][0] != group_index
        last = position == len(entries) - 1 or entries[position + 1][0] != group_index
        gap_start = (GROUP_GAP if first else SEGMENT_GAP) / 2 if position else 0.0
        gap_end = (GROUP_GAP if last else SEGMENT_GAP) / 2 if position < len(entries) - 1 else 0.0
        span = group_spans.setdefault(group_index, [start, end])
        span[1] = end

        middle = start - half_angle
        title = str(_get(domain, "title"))
        lines = _wrap(title, font_size, text_length)
        label_x, label_y = _point(cx, cy, label_centre(lines, font_size), middle)
        rotate = _radial_rotation(middle)
        first_offset = -(len(lines) - 1) / 2 * line_height + font_size * BASELINE_SHIFT
        tspans = [
            {
                "text": line,
                "x": _fmt(label_x),
                "y": _fmt(label_y + first_offset + index * line_height),
            }
            for index, line in enumerate(lines)
        ]
        number_x, number_y = _point(cx, cy, inner + NUMBER_SPACE / 2 + 2, middle)
        fill, _band = GROUP_COLOURS[group_index % len(GROUP_COLOURS)]
        fan["segments"].append(
            {
                "number": str(_get(domain, "number")),
                "title": title,
                "url": _get(domain, "url"),
                "group": group_index,
                "group_title": str(_get(groups[group_index], "title")),
                "path": sector_path(
                    cx, cy, inner, outer, start, end, gap_start=gap_start, gap_end=gap_end
                ),
                "fill": fill,
                "label_lines": lines,
                "label_tspans": tspans,
                "label_x": _fmt(label_x),
                "label_y": _fmt(label_y),
                "label_rotate": _fmt(rotate),
                "number_x": _fmt(number_x),
                "number_y": _fmt(number_y + NUMBER_FONT_SIZE * BASELINE_SHIFT),
            }
        )

    for group_index, (start, end) in group_spans.items():
        _fill, band_fill = GROUP_COLOURS[group_index % len(GROUP_COLOURS)]
        middle = (start + end) / 2
        band_radius = (band_inner + band_outer) / 2
        label_x, label_y = _point(cx, cy, band_radius, middle)
        fan["bands"].append(
            {
                "title": str(_get(groups[group_index], "title")),
                "group": group_index,
                "path": sector_path(
                    cx,
                    cy,
                    band_inner,
                    band_outer,
                    start,
                    end,
                    gap_start=gap if start < math.pi else 0.0,
                    gap_end=gap if end > 0.0001 else 0.0,
                ),
                "fill": band_fill,
                "label_x": _fmt(label_x),
                "label_y": _fmt(label_y),
                "label_baseline_y": _fmt(label_y + BAND_FONT_SIZE * BASELINE_SHIFT),
                "label_rotate": _fmt(90 - math.degrees(middle)),
            }
        )
    return fan


def _luminance(colour: str) -> float:
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio between two `#rrggbb` colours, from 1 to 21."""
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
