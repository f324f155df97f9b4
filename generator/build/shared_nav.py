"""Render the theme's site navigation once for every page that shows the same one.

Material renders its whole navigation (``partials/nav.html``) into every page. A page that is not
in the navigation (every term page) marks no item as active, so its navigation differs from
another such page's only by the relative addresses of the items. :class:`SharedNav` is a plugin
that the build adds in code: on ``env`` it has the navigation template keep what it rendered for
such a page and reuse it for any later page with the same relative addresses (its cache key).
Pages in the navigation are rendered as before. The output is byte for byte the same.

The same plugin renders once per build the partials that read nothing of the page
(:data:`CONSTANT_PARTIALS`: the search dialog, the colour palette, the back-to-top button), which
cost every page a dozen translation lookups. A partial is shared only while :func:`reads_only_settings`
finds that it reads no variable but the configuration and the translations, and no filter that
depends on the page (such as ``url``); otherwise it renders on each page as before. Under the same
check, the translations module (:data:`TRANSLATIONS`), which every page imports anew, is made once
per build, and each translation looked up once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

NAV_TEMPLATE = "partials/nav.html"
"""Material's navigation partial."""

CONSTANT_PARTIALS = ("partials/search.html", "partials/palette.html", "partials/top.html")
"""Partials whose output depends only on the build's settings (the theme's own search dialog, and Material's)."""

TRANSLATIONS = "partials/language.html"
"""Material's translations: the module (``lang``) whose macro ``t(key)`` gives the text of ``key`` in the site's
language; every page imports it with its context."""

SETTINGS = frozenset({"config", "lang"})
"""The variables a shared partial may read: the configuration and the translations, the same on every page."""

PLAIN_FILTERS = frozenset({"d", "default", "replace", "e", "escape", "lower", "upper", "trim", "join", "length"})
"""Filters that depend on their arguments only (``url``, for one, reads the page being rendered)."""


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


def reads_only_settings(env: Any, name: str) -> bool:
    """Whether the template ``name`` reads no variable but :data:`SETTINGS` (names it assigns itself aside: an
    icon's name, set from the configuration just before it is included), uses only :data:`PLAIN_FILTERS`,
    and includes by name only templates that do the same."""
    # Jinja is MkDocs' dependency; imported with the build.
    from jinja2 import TemplateError, meta, nodes

    try:
        tree = env.parse(env.loader.get_source(env, name)[0])
        undeclared = meta.find_undeclared_variables(tree)
    except TemplateError:  # not found, or not valid: MkDocs reports it when it renders the page
        return False
    assigned = {target.name for node in tree.find_all(nodes.Assign) for target in node.find_all(nodes.Name)}
    if not undeclared - assigned <= SETTINGS:
        return False
    if any(node.name not in PLAIN_FILTERS for node in tree.find_all(nodes.Filter)):
        return False
    return all(reads_only_settings(env, included) for included in meta.find_referenced_templates(tree)
               if included is not None)  # an include by an assigned name: an icon, chosen from the settings


class SharedNav:
    """A MkDocs plugin (added by the build in code) that renders the navigation once per :func:`nav_key`, and each
    of :data:`CONSTANT_PARTIALS` that :func:`reads_only_settings` once per build."""

    def on_env(self, env: Any, config: Any, files: Any) -> Any:
        # Jinja is MkDocs' dependency; imported with the build.
        from jinja2 import TemplateNotFound

        for name in CONSTANT_PARTIALS:
            if reads_only_settings(env, name):
                template = env.get_template(name)
                template.root_render_func = _cached(template.root_render_func, lambda context: ())
        if reads_only_settings(env, TRANSLATIONS):
            template = env.get_template(TRANSLATIONS)
            template.make_module = _module_once(template.make_module)  # type: ignore[method-assign]
        try:
            template = env.get_template(NAV_TEMPLATE)
        except TemplateNotFound:  # another theme: nothing to share
            return env
        template.root_render_func = _cached(template.root_render_func, nav_key)
        return env


def _cached(render: Callable[[Any], Iterator[str]],
            key: Callable[[Any], tuple[str, ...] | None]) -> Callable[[Any], Iterator[str]]:
    """``render`` (a template's root render function) remembering its output by ``key(context)``; a context
    whose key is None is rendered as before."""
    rendered: dict[tuple[str, ...], list[str]] = {}

    def render_or_reuse(context: Any) -> Iterator[str]:
        shared = key(context)
        if shared is None:
            yield from render(context)
            return
        if shared not in rendered:
            rendered[shared] = list(render(context))
        yield from rendered[shared]

    return render_or_reuse


def _module_once(make_module: Callable[..., Any]) -> Callable[..., Any]:
    """``make_module`` (a template's) made once: later imports get the same module, whose macros remember what
    they returned for each argument. For a template that reads nothing of the page (:func:`reads_only_settings`),
    whose macros are functions of their arguments."""
    module: Any = None

    def make_once(*args: Any, **kwargs: Any) -> Any:
        nonlocal module
        if module is None:
            module = make_module(*args, **kwargs)
            for name, value in vars(module).items():
                if callable(value) and not name.startswith("_"):
                    setattr(module, name, _remembering(value))
        return module

    return make_once


def _remembering(macro: Callable[..., Any]) -> Callable[..., Any]:
    """``macro`` remembering its output for each hashable set of arguments (a translation, for each key)."""
    outputs: dict[Any, Any] = {}

    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            key = (args, tuple(sorted(kwargs.items())))
            return outputs[key]
        except KeyError:
            outputs[key] = output = macro(*args, **kwargs)
            return output
        except TypeError:  # an argument that cannot be a key
            return macro(*args, **kwargs)

    return call
