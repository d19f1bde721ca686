"""Server-side SVG charts: no JavaScript, nothing fetched at run time, light on slow connections.

Every chart here has a table next to it in the template as its accessible alternative; the SVG
itself carries a <title> and is marked role="img".
"""

import math

import numpy as np
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from scipy.spatial import ConvexHull, QhullError

from kindred.evidence.templatetags.evidence_format import school_year

# The Okabe–Ito colour-blind-safe palette; each category also has its own shape (SHAPES), and
# every mark has a dark outline so that it keeps a 3:1 contrast with the map's background.
COLOURS = {
    "green": "#007a5a",
    "yellow": "#f0e442",
    "amber": "#e69f00",
    "red": "#b63d00",
    None: "#8a949c",
    "": "#8a949c",
}
OUTLINE = "#1d2329"
# Shapes as SVG path pieces drawn around (x, y) with half-size h: ▲ red, ◆ amber, ■ yellow, ● green.
SHAPES = {
    "red": lambda x, y, h: f"M{x:.1f} {y - h * 1.2:.1f}l{h * 1.2:.1f} {h * 2:.1f}h{-h * 2.4:.1f}z",
    "amber": lambda x,
    y,
    h: f"M{x:.1f} {y - h * 1.3:.1f}l{h * 1.3:.1f} {h * 1.3:.1f}l{-h * 1.3:.1f} {h * 1.3:.1f}l{-h * 1.3:.1f} {-h * 1.3:.1f}z",
    "yellow": lambda x, y, h: f"M{x - h:.1f} {y - h:.1f}h{h * 2:.1f}v{h * 2:.1f}h{-h * 2:.1f}z",
    "green": lambda x,
    y,
    h: f"M{x - h:.1f} {y:.1f}a{h:.1f} {h:.1f} 0 1 0 {h * 2:.1f} 0a{h:.1f} {h:.1f} 0 1 0 {-h * 2:.1f} 0z",
    None: lambda x,
    y,
    h: f"M{x - h * 0.7:.1f} {y:.1f}a{h * 0.7:.1f} {h * 0.7:.1f} 0 1 0 {h * 1.4:.1f} 0a{h * 0.7:.1f} {h * 0.7:.1f} 0 1 0 {-h * 1.4:.1f} 0z",
}
# Draw order: the worst categories last, so red schools are never hidden under green ones.
DRAW_ORDER = [None, "green", "yellow", "amber", "red"]
# Areas are labelled (and are links) only while there are few enough of them to read.
MAX_LABELLED_AREAS = 40


def _svg(
    width: int, height: int, title: str, body: list[str], *, role: str = "img", direction: str = "ltr"
) -> SafeString:
    # Coordinates are always laid out left to right; direction="ltr" keeps text-anchor's start
    # and end on the left and right in an Arabic page too.
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="{role}" direction="{direction}" '
        f'class="chart" aria-label="{escape(title)}"><title>{escape(title)}</title>{"".join(body)}</svg>'
    )


def _hull(xy: np.ndarray) -> np.ndarray:
    """The outline around an area's schools: their convex hull, or a small box for one or two schools."""
    unique = np.unique(xy.round(1), axis=0)
    if len(unique) >= 3:
        try:
            return unique[ConvexHull(unique).vertices]
        except QhullError:  # all on one line
            pass
    (x0, y0), (x1, y1) = unique.min(axis=0) - 6, unique.max(axis=0) + 6
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])


def school_map(
    points: list[tuple],
    *,
    title: str,
    area_url: str = "?local_authority={}",
    width: int = 640,
    height: int = 520,
) -> SafeString:
    """Schools as marks coloured and shaped by support category, over their authorities' areas.

    `points` are (latitude, longitude, category, name, registry_id[, authority id, authority name]),
    in an equirectangular projection. The areas are drawn offline from the data: each authority's
    outline is the convex hull of its schools. While there are at most MAX_LABELLED_AREAS of them,
    each carries its name and is a link (a tap target of at least 24 px) to the dashboard filtered
    to that authority. The marks are a picture, not links, so a keyboard passes the map in a few
    steps; the list of schools under the map links to each school.
    """
    if not points:
        return _svg(width, 80, title, ['<text x="10" y="40">—</text>'])
    lat = np.array([p[0] for p in points], dtype=float)
    lon = np.array([p[1] for p in points], dtype=float)
    mid = math.radians((lat.min() + lat.max()) / 2)
    xs = lon * math.cos(mid)
    span_x = max(xs.max() - xs.min(), 1e-3)
    span_y = max(lat.max() - lat.min(), 1e-3)
    pad = 16
    scale = min((width - 2 * pad) / span_x, (height - 2 * pad) / span_y)
    px = pad + (xs - xs.min()) * scale
    py = pad + (lat.max() - lat) * scale
    body = [f'<rect width="{width}" height="{height}" fill="#f3f6f8" rx="6"/>']

    # Points without their authority (five fields, as other apps' maps give) get no areas.
    authority = np.array([(p[5] or 0) if len(p) > 6 else 0 for p in points])
    names = {p[5]: p[6] for p in points if len(p) > 6 and p[5]}
    areas, labels = [], []
    for pk in sorted(names, key=lambda k: names[k]):
        xy = np.column_stack([px[authority == pk], py[authority == pk]])
        outline = _hull(xy)
        path = "M" + "L".join(f"{x:.0f} {y:.0f}" for x, y in outline) + "Z"
        areas.append(f'<path d="{path}" fill="#fff" fill-opacity=".6" stroke="#6b747c" stroke-width="1"/>')
        if len(names) <= MAX_LABELLED_AREAS:
            cx, cy = xy.mean(axis=0)
            labels.append(
                format_html(
                    '<a href="{}"><rect x="{}" y="{}" width="{}" height="24" fill="#fff" fill-opacity=".01"/>'
                    '<text x="{}" y="{}" text-anchor="middle" font-size="12" fill="#1d2329" stroke="#fff" '
                    'stroke-width="3" paint-order="stroke">{}</text></a>',
                    area_url.format(pk),
                    f"{cx - max(24, 3.5 * len(names[pk])):.0f}",
                    f"{cy - 12:.0f}",
                    f"{max(48, 7 * len(names[pk])):.0f}",
                    f"{cx:.0f}",
                    f"{cy + 4:.0f}",
                    names[pk],
                )
            )
    body += areas
    categories = [p[2] or None for p in points]
    for category in DRAW_ORDER:
        chosen = [i for i, c in enumerate(categories) if c == category]
        if not chosen:
            continue
        shape, half = SHAPES.get(category, SHAPES[None]), 4.0 if category in ("red", "amber") else 3.5
        d = "".join(shape(px[i], py[i], half) for i in chosen)
        body.append(
            f'<path d="{d}" fill="{COLOURS.get(category, COLOURS[None])}" stroke="{OUTLINE}" stroke-width=".8"/>'
        )
    body += labels
    # With links inside, the map is a group of links rather than one image (no nested interaction).
    return _svg(width, height, title, body, role="group" if labels else "img")


def interval_row(
    *,
    estimate: float,
    lower: float,
    upper: float,
    flag: str,
    title: str,
    higher_is_better: bool | None = True,
    extent: float | None = None,
    rtl: bool = False,
    worse: str = "",
    better: str = "",
    width: int = 260,
) -> SafeString:
    """One estimate with its 95% interval on a scale centred on zero ("as expected").

    "Better" always points to the end of the reading direction (right in English and Welsh, left
    in Arabic): a lower-is-better measure (absence) is drawn mirrored, and the two ends are
    labelled `worse` and `better`; so the picture reads the same way in every language. `extent`
    is the half-width of the scale; give rows of one table the same extent so that they share one
    scale.
    """
    if higher_is_better is False:
        estimate, lower, upper = -estimate, -upper, -lower
    extent = extent or max(abs(lower), abs(upper), 1e-9) * 1.15
    height, mid, y = 40, width / 2, 14
    sign = -1.0 if rtl else 1.0

    def x(v: float) -> float:
        return mid + sign * max(-1.0, min(1.0, v / extent)) * (width / 2 - 6)

    colour = {"strength": COLOURS["green"], "need": COLOURS["red"]}.get(flag, "#535e68")
    worse, better = worse or _("worse"), better or _("better")
    left, right = (better, worse) if rtl else (worse, better)
    body = [
        f'<line x1="{mid}" y1="2" x2="{mid}" y2="{height - 16}" stroke="#6b747c" stroke-dasharray="3 2"/>',
        f'<line x1="{x(lower):.1f}" y1="{y}" x2="{x(upper):.1f}" y2="{y}" stroke="{colour}" stroke-width="3"/>',
        f'<circle cx="{x(estimate):.1f}" cy="{y}" r="5" fill="{colour}" stroke="{OUTLINE}" stroke-width=".8"/>',
        format_html(
            '<text x="2" y="{}" font-size="11" fill="#535e68" text-anchor="start">{}</text>'
            '<text x="{}" y="{}" font-size="11" fill="#535e68" text-anchor="end">{}</text>',
            height - 3,
            f"← {left}",
            width - 2,
            height - 3,
            f"{right} →",
        ),
    ]
    return _svg(width, height, title, body, direction="ltr")


def trend(
    years: list[int], values: list[float], expected: list[float], *, title: str, width: int = 260
) -> SafeString:
    """A school's value (solid) and its expected value (dashed) over the years, with labelled axes."""
    if not years:
        return _svg(width, 40, title, [])
    height, left, bottom, top, right = 78, 40, 16, 8, 10
    low, high = min(values + expected), max(values + expected)
    span = max(high - low, 1e-9)
    first, last = min(years), max(years)

    def point(year: int, value: float) -> tuple[float, float]:
        px = left + (0 if last == first else (year - first) / (last - first)) * (width - left - right)
        py = height - bottom - (value - low) / span * (height - top - bottom)
        return px, py

    solid = [point(y, v) for y, v in zip(years, values, strict=True)]
    dashed = [point(y, v) for y, v in zip(years, expected, strict=True)]

    def line(points: list[tuple[float, float]]) -> str:
        return " ".join(f"{px:.1f},{py:.1f}" for px, py in points)

    body = [
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" stroke="#8a949c"/>',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="#8a949c"/>',
        format_html(
            '<text x="{}" y="{}" font-size="10" text-anchor="end">{}</text>', left - 3, top + 8, f"{high:.1f}"
        ),
        format_html(
            '<text x="{}" y="{}" font-size="10" text-anchor="end">{}</text>',
            left - 3,
            height - bottom,
            f"{low:.1f}",
        ),
        f'<polyline points="{line(dashed)}" fill="none" stroke="#8a949c" stroke-dasharray="4 3" stroke-width="2"/>',
        f'<polyline points="{line(solid)}" fill="none" stroke="#1b5e8c" stroke-width="2"/>',
    ]
    body += [f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="#1b5e8c"/>' for px, py in solid]
    for year, (px, _py) in zip(years, solid, strict=True):
        body.append(
            format_html(
                '<text x="{}" y="{}" font-size="10" text-anchor="middle">{}</text>',
                f"{px:.1f}",
                height - 3,
                school_year(year),
            )
        )
    return _svg(width, height, title, body)
