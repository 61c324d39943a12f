"""Routing: which unit handles a report, from the administrators' rules (category × area)."""

from ioc.core.models import Unit
from ioc.lib.refcache import ReferenceCache

from .models import Category, RoutingRule


def _active_rules():
    return (RoutingRule.objects.filter(is_active=True, lead_unit__is_active=True).select_related("lead_unit")
            .order_by("pk"))


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
        # The rules by what they name, (category id or None, area id or None); of two rules naming the same
        # pair, the first in the rules' order counts.
        self.by_target = {}
        for rule in self.rules:
            # Cooperating unit ids per rule, so intake links them without a query.
            rule.cooperating_unit_ids = [u.pk for u in rule.cooperating_units.all() if u.is_active]
            self.by_target.setdefault((rule.category_id, rule.area_id), rule)

    def chain(self, category_id):
        chain = []
        while category_id is not None and len(chain) < 10:
            chain.append(category_id)
            category_id = self.parents.get(category_id)
        return chain

    def route(self, category_id, area_id):
        """The most specific rule: one naming the category (or one of its ancestors) and the area beats one naming
        only the category, which beats one naming only the area; a nearer category beats a farther ancestor."""
        chain = self.chain(category_id)
        areas = (area_id, None) if area_id is not None else (None,)
        for target in [(c, a) for a in areas for c in chain] + [(None, a) for a in areas]:
            rule = self.by_target.get(target)
            if rule is not None:
                return rule
        return None


ROUTER = ReferenceCache("feedback-routing", Router, models=[RoutingRule, Category, Unit],
                        m2m=[RoutingRule.cooperating_units])
