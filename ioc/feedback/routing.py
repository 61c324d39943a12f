"""Routing: which unit handles a report, from the administrators' rules (category × area)."""

from ioc.core.models import Unit
from ioc.lib.refcache import ReferenceCache

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
    """The most specific active rule for category and area, or None (the IOC triages it). The rules come
    from this process's copy (ROUTER), reloaded whenever a rule, category or unit changes."""
    return ROUTER.get().route(category.pk if category else None, area.pk if area is not None else None)


class Router:
    """The active rules and the category tree loaded once, to suggest routes for a whole page of reports
    (the triage queue) in two queries instead of a few per report."""

    def __init__(self):
        self.rules = list(_active_rules().prefetch_related("cooperating_units"))
        self.parents = dict(Category.objects.values_list("pk", "parent_id"))
        # Cooperating unit ids per rule, so intake links them without a query.
        for rule in self.rules:
            rule.cooperating_unit_ids = [u.pk for u in rule.cooperating_units.all() if u.is_active]

    def chain(self, category_id):
        chain = []
        while category_id is not None and len(chain) < 10:
            chain.append(category_id)
            category_id = self.parents.get(category_id)
        return chain

    def route(self, category_id, area_id):
        return _best(self.rules, self.chain(category_id), area_id)


ROUTER = ReferenceCache("feedback-routing", Router, models=[RoutingRule, Category, Unit],
                        m2m=[RoutingRule.cooperating_units])
