"""Routing: which unit handles a report, from the administrators' rules (category × area)."""

from .models import RoutingRule


def route(category, area):
    """The most specific active rule for category and area, or None (the IOC triages it).

    Specificity: a rule naming both the category (or one of its ancestors) and the area beats one naming
    only the category, which beats one naming only the area; a nearer category beats a farther ancestor.
    """
    chain = category.ancestors() if category else []
    rules = RoutingRule.objects.filter(is_active=True, lead_unit__is_active=True).select_related("lead_unit")
    candidates = [r for r in rules.filter(category__in=chain) | rules.filter(category__isnull=True)
                  if r.area_id is None or (area is not None and r.area_id == area.pk)]
    if not candidates:
        return None

    def specificity(rule):
        depth = chain.index(next(c for c in chain if c.pk == rule.category_id)) if rule.category_id else len(chain) + 1
        return (0 if rule.area_id else 1, depth) if rule.category_id else (2 if rule.area_id else 3, 0)

    return min(candidates, key=specificity)
