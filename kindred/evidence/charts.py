"""Server-side SVG charts: no JavaScript, nothing fetched at run time, light on slow connections.

Every chart here has a table next to it in the template as its accessible alternative; the SVG
itself carries a <title> and is marked role="img".
"""

import math

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from kindred.evidence.templatetags.evidence_format import school_year

COLOURS = {
    "green": "#2e7d32",
    "yellow": "#c9a400",
    "amber": "#e07b00",
    "red": "#c62828",
    None: "#8a949c",
    "": "#8a949c",
}


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'class="chart" aria-label="{escape(title)}"><title>{escape(title)}</title>{"".join(body)}</svg>'
    )


def school_map(points: list[tuple], *, title: str, width: int = 640, height: int = 520) -> SafeString:
    """Schools as dots coloured by support category, in an equirectangular projection of their area.

    `points` are (latitude, longitude, category, name, registry_id). Each dot links to its school.
    """
    if not points:
        return _svg(width, 80, title, ['<text x="10" y="40">—</text>'])
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    mid = math.radians((min(lats) + max(lats)) / 2)
    xs = [lon * math.cos(mid) for lon in lons]
    span_x = max(max(xs) - min(xs), 1e-3)
    span_y = max(max(lats) - min(lats), 1e-3)
    pad = 12
    scale = min((width - 2 * pad) / span_x, (height - 2 * pad) / span_y)
    x0, y1 = min(xs), max(lats)
    body = [f'<rect width="{width}" height="{height}" fill="#f3f6f8" rx="6"/>']
    # draw the worst categories last, so red schools are never hidden under green ones
    order = {"green": 0, None: 0, "": 0, "yellow": 1, "amber": 2, "red": 3}
    for (lat, _lon, category, name, registry_id), x in sorted(
        zip(points, xs, strict=True), key=lambda item: order.get(item[0][2], 0)
    ):
        cx = pad + (x - x0) * scale
        cy = pad + (y1 - lat) * scale
        body.append(
            format_html(
                '<a href="/schools/{}/"><circle cx="{}" cy="{}" r="{}" fill="{}" stroke="#fff" stroke-width=".5">'
                "<title>{} ({})</title></circle></a>",
                registry_id,
                f"{cx:.1f}",
                f"{cy:.1f}",
                4 if category in ("red", "amber") else 3,
                COLOURS.get(category, COLOURS[None]),
                name,
                category or "no category",
            )
        )
    return _svg(width, height, title, body)


def interval_row(
    *,
    estimate: float,
    lower: float,
    upper: float,
    flag: str,
    title: str,
    higher_is_better: bool = True,
    extent: float | None = None,
    width: int = 260,
) -> SafeString:
    """One estimate with its 95% interval on a scale centred on zero ("as expected").

    Better is always to the right: a lower-is-better measure (absence) is drawn mirrored. `extent` is
    the half-width of the scale; give rows of one table the same extent so that they share one scale.
    """
    if not higher_is_better:
        estimate, lower, upper = -estimate, -upper, -lower
    extent = extent or max(abs(lower), abs(upper), 1e-9) * 1.15
    height, mid = 40, width / 2

    def x(v: float) -> float:
        return mid + max(-1.0, min(1.0, v / extent)) * (width / 2 - 6)

    colour = {"strength": "#2e7d32", "need": "#c62828"}.get(flag, "#5b6670")
    body = [
        f'<line x1="{mid}" y1="2" x2="{mid}" y2="26" stroke="#8a949c" stroke-dasharray="3 2"/>',
        f'<line x1="{x(lower):.1f}" y1="14" x2="{x(upper):.1f}" y2="14" stroke="{colour}" stroke-width="3"/>',
        f'<circle cx="{x(estimate):.1f}" cy="14" r="5" fill="{colour}"/>',
        format_html('<text x="4" y="37" font-size="10" fill="#5b6670">{}</text>', _("← worse")),
        format_html(
            '<text x="{}" y="37" font-size="10" fill="#5b6670" text-anchor="end">{}</text>',
            width - 4,
            _("better →"),
        ),
    ]
    return _svg(width, height, title, body)


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
