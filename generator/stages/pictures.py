"""Pictures as inline SVG, drawn at build time: no client-side diagram library, no network.

Contract: every function returns one ``<figure>`` block of HTML that Markdown passes through
unchanged (no blank lines inside). Each SVG has ``role="img"``, a ``<title>`` and a ``<desc>``
that says in words what the picture shows, and a ``<figcaption>``. Colours come from CSS
classes styled with Material's colour variables (content/assets/glossary.css), so the pictures
follow light and dark mode. Every data value is XML-escaped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from html import escape

from .. import urls
from ..model.records import Crosswalk, Framework, Level, Mapping

BOX_W, BOX_H, GAP = 210, 34, 10


def _text(x: float, y: float, value: str, cls: str = "gl-text", anchor: str = "start") -> str:
    return f'<text class="{cls}" x="{x:.0f}" y="{y:.0f}" text-anchor="{anchor}">{escape(value)}</text>'


def _shorten(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def _figure(svg_id: str, width: int, height: int, title: str, desc: str, body: Iterable[str], caption: str,
            role: str = "img") -> str:
    """``role="img"`` for a picture; ``role="group"`` when it holds links (an image cannot hold controls).

    A picture without links takes keyboard focus itself, so that a keyboard can scroll it where
    it is wider than the screen (phones: glossary.css); one with links scrolls to each link."""
    focus = ' tabindex="0"' if role == "img" else ""
    parts = [
        f'<figure class="gl-figure" id="{svg_id}-figure"{focus}>',
        f'<svg class="gl-svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="{role}" aria-labelledby="{svg_id}-title {svg_id}-desc">',
        f'<title id="{svg_id}-title">{escape(title)}</title>',
        f'<desc id="{svg_id}-desc">{escape(desc)}</desc>',
        *body,
        "</svg>",
        f"<figcaption>{escape(caption)}</figcaption>",
        "</figure>",
    ]
    return "\n".join(parts)


def ladder_svg(fw: Framework) -> str:
    """The framework's levels as a ladder, highest rank on top, with the thresholds that require each level."""
    if not fw.scale:
        return ""
    page = urls.framework_page(fw.id)
    levels = list(reversed(fw.scale.levels))
    needs: dict[str, list[str]] = {}
    for t in fw.thresholds_in_force():
        if t.requires:
            needs.setdefault(t.requires, []).append(t.title)
    in_force = {lv.id for lv in fw.levels_in_force()}
    width = 760
    height = len(levels) * (BOX_H + GAP) + 40
    body = [_text(10, 18, f"{fw.scale.plural_name}, highest first", "gl-text gl-muted")]
    desc_parts = []
    for i, level in enumerate(levels):
        y = 28 + i * (BOX_H + GAP)
        retired = "" if level.id in in_force else " (retired)"
        href = urls.url_from(page, page, urls.level_anchor(level.id))
        body.append(f'<a href="{escape(href)}"><rect class="gl-box{" gl-retired" if retired else ""}" '
                    f'x="10" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6"/>')
        body.append(_text(20, y + 22, _shorten(level.label + retired, 28), "gl-text gl-strong") + "</a>")
        body.append(_text(BOX_W + 24, y + 15, _shorten(level.summary, 80)))
        thresholds = needs.get(level.id, [])
        if thresholds:
            body.append(_text(BOX_W + 24, y + 30, _shorten("Required by: " + ", ".join(thresholds), 82), "gl-text gl-muted"))
        desc_parts.append(f"{level.label}{retired}: {level.summary}"
                          + (f" Required by: {', '.join(thresholds)}." if thresholds else ""))
    desc = f"{len(levels)} levels from highest to lowest. " + " ".join(desc_parts)
    return _figure(f"ladder-{fw.id}", width, height, f"Ladder of the {fw.title}", desc, body,
                   f"The {fw.scale.plural_name} of the {fw.title} across its versions, marked retired when not in "
                   f"force in version {fw.newest.version}, with the capability thresholds in force there that "
                   "require each level.", role="group")


def timeline_svg(frameworks: Sequence[Framework]) -> str:
    """Every framework's dated versions on one time axis, a row per framework."""
    dates = [v.date for fw in frameworks for v in fw.versions]
    if not dates:
        return ""
    first = dt.date(min(dates).year, 1, 1)
    last = dt.date(max(dates).year + 1, 1, 1)
    span = (last - first).days or 1
    left, right, row = 190, 900, 46
    width, height = right + 30, len(frameworks) * row + 50

    def x_of(day: dt.date) -> float:
        return left + (day - first).days / span * (right - left)

    body = []
    for year in range(first.year, last.year + 1):
        x = x_of(dt.date(year, 1, 1))
        body.append(f'<line class="gl-grid" x1="{x:.0f}" y1="10" x2="{x:.0f}" y2="{height - 25}"/>')
        body.append(_text(x, height - 8, str(year), "gl-text gl-muted", "middle"))
    desc_parts = []
    for i, fw in enumerate(frameworks):
        y = 30 + i * row
        body.append(_text(10, y + 4, _shorten(fw.short_title + " · " + fw.publisher, 26), "gl-text gl-strong"))
        body.append(f'<line class="gl-axis" x1="{left}" y1="{y}" x2="{right}" y2="{y}"/>')
        for j, v in enumerate(fw.versions):
            x = x_of(v.date)
            body.append(f'<circle class="gl-dot" cx="{x:.0f}" cy="{y}" r="5"><title>{escape(fw.short_title)} '
                        f'{escape(v.version)}, {v.date.isoformat()}</title></circle>')
            body.append(_text(x, y + (18 if j % 2 == 0 else -9), v.version, "gl-text gl-small", "middle"))
        desc_parts.append(f"{fw.title}: " + ", ".join(f"version {v.version} on {v.date.isoformat()}" for v in fw.versions) + ".")
    return _figure("timeline", width, height, "Timeline of framework versions",
                   " ".join(desc_parts), body, "Every dated version of every framework in this glossary.")


def _level_index(frameworks: Sequence[Framework]) -> dict[str, tuple[int, int, Level]]:
    """'framework-id/level-id' -> (column, row, level) of each level in force in the framework's newest version."""
    index = {}
    for col, fw in enumerate(frameworks):
        for row, level in enumerate(reversed(fw.levels_in_force())):
            index[f"{fw.id}/{level.id}"] = (col, row, level)
    return index


def _between_shown_versions(mapping: Mapping, shown: dict[str, str]) -> bool:
    """Whether a mapping relates the very versions the picture shows (the newest of each framework)."""
    ends = [(mapping.source, mapping.source_version), (mapping.target or "", mapping.target_version)]
    return all(shown.get(ref.split("/")[0]) == version for ref, version in ends if ref)


def comparison_svg(frameworks: Sequence[Framework], crosswalk: Crosswalk | None) -> str:
    """The levels in force in each framework's newest version, side by side, with a line for each crosswalk
    correspondence between exactly those versions (drawn for the comparison page: its links are relative
    to that page's URL)."""
    scaled = [fw for fw in frameworks if fw.scale]
    if not scaled:
        return ""
    shown = {fw.id: fw.newest.version for fw in scaled}
    mappings = [m for m in (crosswalk.mappings if crosswalk else []) if _between_shown_versions(m, shown)]
    col_w, box_w = 185, 150
    rows = max([len(fw.levels_in_force()) for fw in scaled] + [1])
    width, height = len(scaled) * col_w + 20, rows * (BOX_H + GAP) + 88
    index = _level_index(scaled)
    body = []

    def box_at(col: int, row: int) -> tuple[float, float]:
        return 10 + col * col_w, 56 + row * (BOX_H + GAP)

    for col, fw in enumerate(scaled):
        x, _ = box_at(col, 0)
        body.append(_text(x, 22, _shorten(fw.short_title, 20), "gl-text gl-strong"))
        body.append(_text(x, 40, _shorten(f"version {fw.newest.version}", 22), "gl-text gl-small gl-muted"))
    for mapping in mappings:
        source, target = index.get(mapping.source), index.get(mapping.target or "")
        if not source or not target or mapping.relation == "none":
            continue
        (sc, sr, _), (tc, tr, _) = source, target
        if abs(sc - tc) != 1:
            continue  # only neighbouring columns get a line; the table lists every mapping
        (sx, sy), (tx, ty) = box_at(sc, sr), box_at(tc, tr)
        x1, x2 = (sx + box_w, tx) if sc < tc else (sx, tx + box_w)
        body.append(f'<line class="gl-map gl-{mapping.relation}" x1="{x1:.0f}" y1="{sy + BOX_H / 2:.0f}" '
                    f'x2="{x2:.0f}" y2="{ty + BOX_H / 2:.0f}"/>')
    for col, fw in enumerate(scaled):
        body.append(f'<g class="gl-column" id="comparison-{escape(fw.id)}">')
        for c, row, level in index.values():
            if c != col:
                continue
            x, y = box_at(col, row)
            href = urls.url_from(urls.COMPARE, urls.framework_page(fw.id), urls.level_anchor(level.id))
            body.append(f'<a href="{escape(href)}"><rect class="gl-box" x="{x:.0f}" y="{y:.0f}" '
                        f'width="{box_w}" height="{BOX_H}" rx="6"/>')
            body.append(_text(x + 10, y + 22, _shorten(level.label, 19), "gl-text gl-strong") + "</a>")
        body.append("</g>")
    desc_parts = [f"{fw.title} version {fw.newest.version}: "
                  + (", ".join(lv.label for lv in fw.levels_in_force()) or "no levels") + "." for fw in scaled]
    for mapping in mappings:
        source, target = index.get(mapping.source), index.get(mapping.target or "")
        if source:
            other = target[2].label if target else "no counterpart"
            desc_parts.append(f"{source[2].label} {mapping.relation if target else ''} {other}.".replace("  ", " "))
    desc = ("The levels in force in the newest version of each framework, side by side, highest first. "
            + " ".join(desc_parts))
    legend_y = height - 12
    body.append(f'<line class="gl-map gl-analogous" x1="10" y1="{legend_y - 4}" x2="40" y2="{legend_y - 4}"/>')
    body.append(_text(46, legend_y, "analogous", "gl-text gl-small"))
    body.append(f'<line class="gl-map gl-broader" x1="140" y1="{legend_y - 4}" x2="170" y2="{legend_y - 4}"/>')
    body.append(_text(176, legend_y, "broader or narrower", "gl-text gl-small"))
    return _figure("comparison", width, height, "The frameworks' levels side by side", desc, body,
                   "The levels in force in the version of each framework named above it. Lines join levels that "
                   "the crosswalk relates between exactly those versions, in neighbouring columns; the table below "
                   "lists every correspondence, of any version, with its source.", role="group")
