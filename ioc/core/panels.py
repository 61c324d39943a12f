"""Home page panels: each module declares, in its own home.py, the summary its users start the day with.

A panel is shown to whoever has its permission and whose `build(access)` returns a context (None hides it: nothing
to say to this person). Panels come first on the home page, in `order`; each names its template and stylesheet.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class HomePanel:
    name: str
    template: str
    build: Callable  # build(access) -> dict | None
    permission: str
    order: int = 100
    stylesheet: str = ""  # a static path, linked once in the page's head


_registry: dict[str, HomePanel] = {}


def register(*panels: HomePanel):
    for panel in panels:
        _registry[panel.name] = panel


def panels_for(access):
    """[{"template", "stylesheet", "context"}] of the panels this person sees, in order."""
    shown = []
    for panel in sorted(_registry.values(), key=lambda p: (p.order, p.name)):
        if not access.has(panel.permission):
            continue
        context = panel.build(access)
        if context is not None:
            shown.append({"name": panel.name, "template": panel.template, "stylesheet": panel.stylesheet,
                          "context": context})
    return shown
