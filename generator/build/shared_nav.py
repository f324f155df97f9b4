"""Render the theme's site navigation once for every page that shows the same one.

Material renders its whole navigation (``partials/nav.html``) into every page. A page that is not
in the navigation (every term page) marks no item as active, so its navigation differs from
another such page's only by the relative addresses of the items. :class:`SharedNav` is a plugin
that the build adds in code: on ``env`` it has the navigation template keep what it rendered for
such a page and reuse it for any later page with the same relative addresses (its cache key).
Pages in the navigation are rendered as before. The output is byte for byte the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

NAV_TEMPLATE = "partials/nav.html"
"""Material's navigation partial."""


def nav_key(context: Any) -> tuple[str, ...] | None:
    """What the navigation rendered for the page of ``context`` depends on, when the page is not in the
    navigation: its base address and the relative address of every page of the navigation. None otherwise."""
    # MkDocs is imported here: a build loads it, `check` and `generate` never do.
    from mkdocs.utils import get_relative_url

    page, nav = context.get("page"), context.get("nav")
    if page is None or nav is None or getattr(page, "parent", None) is not None:
        return None
    pages = list(nav.pages)
    if any(item is page for item in pages):
        return None
    return (str(context.get("base_url")), *(get_relative_url(item.url, page.url) for item in pages))


class SharedNav:
    """A MkDocs plugin (added by the build in code) that renders the navigation once per :func:`nav_key`."""

    def on_env(self, env: Any, config: Any, files: Any) -> Any:
        # Jinja is MkDocs' dependency; imported with the build.
        from jinja2 import TemplateNotFound

        try:
            template = env.get_template(NAV_TEMPLATE)
        except TemplateNotFound:  # another theme: nothing to share
            return env
        template.root_render_func = _cached(template.root_render_func)
        return env


def _cached(render: Callable[[Any], Iterator[str]]) -> Callable[[Any], Iterator[str]]:
    """``render`` (a template's root render function) remembering its output by :func:`nav_key`."""
    rendered: dict[tuple[str, ...], list[str]] = {}

    def render_or_reuse(context: Any) -> Iterator[str]:
        key = nav_key(context)
        if key is None:
            yield from render(context)
            return
        if key not in rendered:
            rendered[key] = list(render(context))
        yield from rendered[key]

    return render_or_reuse
