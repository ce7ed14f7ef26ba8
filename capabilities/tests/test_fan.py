"""The fan's geometry: no database, no templates."""

import math
import re
from types import SimpleNamespace

import pytest

from capabilities.fan import (
    CHAR_WIDTH,
    FOCUS_COLOUR,
    FOCUS_TEXT_COLOUR,
    GROUP_COLOURS,
    TEXT_COLOUR,
    build_fan,
    contrast_ratio,
)

PCF = [
    (
        "Purpose",
        [
            "Professionalism",
            "Values and ethics",
            "Diversity and equality",
            "Rights, justice and economic wellbeing",
        ],
    ),
    ("Practice", ["Knowledge", "Critical reflection and analysis", "Skills and interventions"]),
    ("Impact", ["Contexts and organisations", "Professional leadership"]),
]


def pcf_groups() -> list[dict]:
    groups, number = [], 0
    for title, domains in PCF:
        entries = []
        for domain in domains:
            number += 1
            slug = re.sub(r"[^a-z]+", "-", domain.lower()).strip("-")
            entries.append(
                {"number": number, "title": domain, "url": f"/framework/pcf/domains/{slug}/"}
            )
        groups.append({"title": title, "domains": entries})
    return groups


PATH = re.compile(
    r"^M(?P<n>-?[\d.]+ -?[\d.]+) "
    r"A(?P<n2>[\d.]+ [\d.]+) 0 [01] 1 -?[\d.]+ -?[\d.]+ "
    r"L-?[\d.]+ -?[\d.]+ "
    r"A[\d.]+ [\d.]+ 0 [01] 0 -?[\d.]+ -?[\d.]+ Z$"
)
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def path_points(path: str) -> list[tuple[float, float]]:
    """The four corners of an annular-sector path (the radii and flags left out)."""
    commands = re.findall(r"([MAL])([^MALZ]*)", path)
    points = []
    for command, args in commands:
        numbers = [float(n) for n in NUMBER.findall(args)]
        points.append((numbers[-2], numbers[-1]))
        assert command != "A" or len(numbers) == 7
    return points


def test_nine_segments_in_three_bands():
    fan = build_fan(pcf_groups())
    assert len(fan["segments"]) == 9
    assert [band["title"] for band in fan["bands"]] == ["Purpose", "Practice", "Impact"]
    assert [s["group"] for s in fan["segments"]] == [0, 0, 0, 0, 1, 1, 1, 2, 2]
    assert [s["number"] for s in fan["segments"]] == [str(n) for n in range(1, 10)]
    assert fan["view_box"] == "0 0 640 360"
    assert (fan["width"], fan["height"]) == (640, 360)


def test_every_url_and_title_is_kept_in_order():
    groups = pcf_groups()
    fan = build_fan(groups)
    expected = [(d["title"], d["url"]) for g in groups for d in g["domains"]]
    assert [(s["title"], s["url"]) for s in fan["segments"]] == expected


def test_accepts_objects_as_well_as_dicts():
    groups = [
        SimpleNamespace(title=g["title"], domains=[SimpleNamespace(**d) for d in g["domains"]])
        for g in pcf_groups()
    ]
    assert build_fan(groups) == build_fan(pcf_groups())


@pytest.mark.parametrize("size", [(640, 360), (800, 420), (480, 300)])
def test_paths_are_well_formed_and_inside_the_view_box(size):
    width, height = size
    fan = build_fan(pcf_groups(), width=width, height=height)
    for shape in [*fan["segments"], *fan["bands"]]:
        assert PATH.match(shape["path"]), shape["path"]
        for x, y in path_points(shape["path"]):
            assert 0 <= x <= width
            assert 0 <= y <= height


def test_segments_run_left_to_right_and_do_not_overlap():
    fan = build_fan(pcf_groups())
    cx, cy = 320, fan["height"] - 6
    angles = []
    for segment in fan["segments"]:
        x, y = float(segment["label_x"]), float(segment["label_y"])
        angles.append(math.atan2(cy - y, x - cx))
    assert angles == sorted(angles, reverse=True)
    assert all(0 < a < math.pi for a in angles)


def _corners(x, y, rotate, width, height):
    """The corners of a width x height box centred on (x, y), turned `rotate` degrees about it."""
    angle = math.radians(rotate)
    cos, sin = math.cos(angle), math.sin(angle)
    return [
        (x + dx * cos - dy * sin, y + dx * sin + dy * cos)
        for dx in (-width / 2, width / 2)
        for dy in (-height / 2, height / 2)
    ]


@pytest.mark.parametrize("size", [(640, 360), (800, 420)])
def test_labels_are_inside_the_view_box(size):
    width, height = size
    fan = build_fan(pcf_groups(), width=width, height=height)
    font = fan["font_size"]
    for segment in fan["segments"]:
        assert segment["label_lines"]
        assert " ".join(segment["label_lines"]) == segment["title"]
        block_width = max(len(line) for line in segment["label_lines"]) * font * CHAR_WIDTH
        block_height = len(segment["label_lines"]) * font * 1.2
        corners = _corners(
            float(segment["label_x"]),
            float(segment["label_y"]),
            float(segment["label_rotate"]),
            block_width,
            block_height,
        )
        corners.append((float(segment["number_x"]), float(segment["number_y"])))
        for x, y in corners:
            assert 0 <= x <= width, segment["title"]
            assert 0 <= y <= height, segment["title"]
    for band in fan["bands"]:
        box = _corners(
            float(band["label_x"]),
            float(band["label_y"]),
            float(band["label_rotate"]),
            len(band["title"]) * fan["band_font_size"] * CHAR_WIDTH,
            fan["band_font_size"],
        )
        for x, y in box:
            assert 0 <= x <= width
            assert 0 <= y <= height


def test_long_titles_are_wrapped_to_short_lines():
    fan = build_fan(pcf_groups())
    rights = fan["segments"][3]
    assert len(rights["label_lines"]) == 2
    assert all(len(line) <= 24 for s in fan["segments"] for line in s["label_lines"])
    assert fan["font_size"] >= 12


def test_groups_without_domains_are_left_out():
    groups = [*pcf_groups(), {"title": "Empty", "domains": []}]
    fan = build_fan(groups)
    assert len(fan["segments"]) == 9
    assert [band["title"] for band in fan["bands"]] == ["Purpose", "Practice", "Impact"]
    assert build_fan([])["segments"] == []


def test_colours_have_enough_contrast():
    for segment_fill, band_fill in GROUP_COLOURS:
        assert contrast_ratio(TEXT_COLOUR, segment_fill) >= 4.5
        assert contrast_ratio(TEXT_COLOUR, band_fill) >= 4.5
        # The segments themselves stand out from the white page (WCAG 1.4.11 asks 3:1).
        assert contrast_ratio(segment_fill, "#ffffff") >= 3
    assert contrast_ratio(FOCUS_TEXT_COLOUR, FOCUS_COLOUR) >= 4.5
    fan = build_fan(pcf_groups())
    for shape in [*fan["segments"], *fan["bands"]]:
        assert contrast_ratio(fan["text_colour"], shape["fill"]) >= 4.5


def test_contrast_ratio_matches_known_values():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1)
    assert contrast_ratio("#fff", "#1d70b8") == pytest.approx(5.17, abs=0.01)
