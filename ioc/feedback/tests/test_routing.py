"""Routing rules: the most specific rule wins (category and area > category > ancestor category > area only),
inactive rules and units are ignored, and no rule means IOC triage. The batch router (triage queue) agrees."""

import pytest

from ioc.core.models import Area, AreaLevel
from tests.factories import make_unit

from ..models import Category, RoutingRule
from ..routing import Router, route


@pytest.fixture
def tree(categories):
    """urban ⊃ lights ⊃ lamp posts (a grandchild)."""
    posts = Category.objects.create(code="cot-den", name="Cột đèn nghiêng, đổ", parent=categories["lights"])
    return {**categories, "posts": posts}


@pytest.fixture
def agencies(db):
    return {name: make_unit(name) for name in ("urban-dept", "lights-dept", "lights-kb", "ward-kb", "catch-all")}


def both(category, area):
    """The unit chosen by route() and by the batch Router, which must agree."""
    rule = route(category, area)
    batch = Router().route(category.pk, area.pk if area else None)
    assert (rule and rule.pk) == (batch and batch.pk)
    return rule.lead_unit.code if rule else None


def test_most_specific_rule_wins(tree, communes, agencies):
    kb, td = communes["kinh_bac"], communes["tien_du"]
    RoutingRule.objects.create(area=kb, lead_unit=agencies["ward-kb"])
    assert both(tree["lights"], kb) == "ward-kb"  # area only
    RoutingRule.objects.create(category=tree["urban"], lead_unit=agencies["urban-dept"])
    assert both(tree["lights"], kb) == "urban-dept"  # an ancestor category beats area only
    RoutingRule.objects.create(category=tree["lights"], lead_unit=agencies["lights-dept"])
    assert both(tree["lights"], kb) == "lights-dept"  # the category itself beats its ancestor
    RoutingRule.objects.create(category=tree["lights"], area=kb, lead_unit=agencies["lights-kb"])
    assert both(tree["lights"], kb) == "lights-kb"  # category and area beat category alone
    assert both(tree["lights"], td) == "lights-dept"  # elsewhere the area rule does not apply
    assert both(tree["posts"], td) == "lights-dept"  # the nearest ancestor with a rule
    assert both(tree["posts"], kb) == "lights-kb"
    assert both(tree["rubbish"], td) is None
    assert both(tree["rubbish"], kb) == "ward-kb"


def test_a_province_wide_catch_all_comes_last(tree, communes, agencies):
    RoutingRule.objects.create(lead_unit=agencies["catch-all"])
    assert both(tree["rubbish"], communes["tien_du"]) == "catch-all"
    RoutingRule.objects.create(area=communes["tien_du"], lead_unit=agencies["ward-kb"])
    assert both(tree["rubbish"], communes["tien_du"]) == "ward-kb"


def test_nearer_ancestor_wins_over_farther_one(tree, communes, agencies):
    RoutingRule.objects.create(category=tree["urban"], lead_unit=agencies["urban-dept"])
    RoutingRule.objects.create(category=tree["lights"], lead_unit=agencies["lights-dept"])
    assert both(tree["posts"], communes["kinh_bac"]) == "lights-dept"


def test_inactive_rule_is_ignored(tree, communes, agencies):
    RoutingRule.objects.create(category=tree["urban"], lead_unit=agencies["urban-dept"])
    RoutingRule.objects.create(category=tree["lights"], lead_unit=agencies["lights-dept"], is_active=False)
    assert both(tree["lights"], communes["kinh_bac"]) == "urban-dept"


def test_rule_of_an_inactive_unit_is_ignored(tree, communes, agencies):
    RoutingRule.objects.create(category=tree["urban"], lead_unit=agencies["urban-dept"])
    RoutingRule.objects.create(category=tree["lights"], lead_unit=agencies["lights-dept"])
    agencies["lights-dept"].is_active = False
    agencies["lights-dept"].save()
    assert both(tree["lights"], communes["kinh_bac"]) == "urban-dept"


def test_no_rule_means_ioc_triage(tree, communes):
    assert route(tree["flooding"], communes["kinh_bac"]) is None
    assert route(tree["flooding"], None) is None


def test_report_without_a_commune_takes_only_rules_without_an_area(tree, communes, agencies):
    RoutingRule.objects.create(category=tree["lights"], area=communes["kinh_bac"], lead_unit=agencies["lights-kb"])
    assert both(tree["lights"], None) is None
    RoutingRule.objects.create(category=tree["urban"], lead_unit=agencies["urban-dept"])
    assert both(tree["lights"], None) == "urban-dept"


def test_rule_of_another_commune_does_not_apply(tree, communes, agencies, province):
    other = Area.objects.create(code="09999", name="Xã Khác", short_name="Khác", kind="Xã", level=AreaLevel.COMMUNE,
                                parent=province)
    RoutingRule.objects.create(category=tree["lights"], area=other, lead_unit=agencies["lights-kb"])
    assert both(tree["lights"], communes["kinh_bac"]) is None


def test_intake_routes_through_the_rules(make_report, routing, units, communes):
    lights = make_report()
    assert lights.lead_unit == units["a"]
    rubbish_kb = make_report(category="rubbish", description="Rác thải đổ bừa bãi đầu ngõ.")
    assert rubbish_kb.lead_unit == units["b"]
    rubbish_td = make_report(category="rubbish", description="Rác thải đổ bừa bãi đầu ngõ.",
                             latitude=communes["tien_du"].latitude, longitude=communes["tien_du"].longitude)
    assert rubbish_td.lead_unit is None


@pytest.mark.parametrize("pair", ["category and area", "category only", "area only", "neither"])
def test_one_rule_per_pair_any_included(tree, communes, agencies, pair):
    """A second rule for the same (category, area), "any" included, is refused with a message at the form (a plain
    unique constraint would let two "any area" rules in, and the route would depend on the order of rows)."""
    from django.core.exceptions import ValidationError

    fields = {"category and area": {"category": tree["lights"], "area": communes["kinh_bac"]},
              "category only": {"category": tree["lights"]}, "area only": {"area": communes["kinh_bac"]},
              "neither": {}}[pair]
    RoutingRule.objects.create(lead_unit=agencies["catch-all"], **fields)
    second = RoutingRule(lead_unit=agencies["ward-kb"], **fields)
    with pytest.raises(ValidationError) as error:
        second.full_clean()
    assert "Đã có quy tắc cho lĩnh vực và địa bàn này." in str(error.value)
