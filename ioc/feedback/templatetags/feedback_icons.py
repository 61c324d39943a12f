from django import template

from ..icons import icon_svg

register = template.Library()


@register.filter
def category_icon(category):
    """{{ report.category|category_icon }}: the category's icon as inline SVG, or nothing."""
    return icon_svg(getattr(category, "icon", "") or "")
