"""Category icons: Lucide's SVGs (npm lucide-static, copied to build/icons/lucide by scripts/copy_vendor.py),
inlined into the page so a list of reports costs no extra request. A category names its icon (`Category.icon`,
for example "lightbulb"); an unknown or empty name draws nothing."""

import re
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.safestring import mark_safe

ICON_DIR = Path(settings.BASE_DIR) / "build" / "icons" / "lucide"
NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SHAPES = re.compile(r"<svg[^>]*>(.*)</svg>", re.S)


def icon_exists(name):
    return bool(name) and bool(NAME.match(name)) and (ICON_DIR / f"{name}.svg").is_file()


@lru_cache(maxsize=256)
def icon_svg(name):
    """The inline SVG of a Lucide icon, decorative (hidden from screen readers: the category's name is written
    beside it), or "" when there is no such icon."""
    if not icon_exists(name):
        return ""
    match = _SHAPES.search((ICON_DIR / f"{name}.svg").read_text(encoding="utf-8"))
    if match is None:
        return ""
    shapes = " ".join(match.group(1).split())
    return mark_safe(  # the file's shapes, from a package the build installs; the name is checked above
        '<svg class="icon category-icon" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" '
        f'stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">{shapes}</svg>')
