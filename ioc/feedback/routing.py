"""Routing: which unit handles a report, from the administrators' rules (category × area)."""

from .models import Category, RoutingRule


def _active_rules():
    return RoutingRule.objects.filter(is_active=True, lead_unit__is_active=True).select_related("lead_unit")


def _best(rules, chain_ids, area_id):
    """The most specific of rules for a category chain (ids, nearest first) and an area id, or None.

    Specificity: a rule naming both the category (or one of its ancestors) and the area beats one naming
    only the category, which beats one naming only the area; a nearer category beats a farther ancestor.
    """
    candidates = [r for r in rules
                  if (r.category_id is None or r.category_id in chain_ids)
                  and (r.area_id is None or (area_id is not None and r.area_id == area_id))]
    if not candidates:
        return None

    def specificity(rule):
        if rule.category_id:
            return (0 if rule.area_id else 1, chain_ids.index(rule.category_id))
        return (2 if rule.area_id else 3, 0)

    return min(candidates, key=specificity)


def route(category, area):
    """The most specific active rule for category and area, or None (the IOC triages it)."""
    chain_ids = [c.pk for c in category.ancestors()] if category else []
    rules = _active_rules()
    rules = rules.filter(category__in=chain_ids) | rules.filter(category__isnull=True)
    return _best(list(rules), chain_ids, area.pk if area is not None else None)


class Router:
    """The active rules and the category tree loaded once, to suggest routes for a whole page of reports
    (the triage queue) in two queries instead of a few per report."""

    def __init__(self):
        self.rules = list(_active_rules())
        self.parents = dict(Category.objects.values_list("pk", "parent_id"))

    def chain(self, category_id):
        chain = []
        while category_id is not None and len(chain) < 10:
            chain.append(category_id)
            category_id = self.parents.get(category_id)
        return chain

    def route(self, category_id, area_id):
        return _best(self.rules, self.chain(category_id), area_id)
