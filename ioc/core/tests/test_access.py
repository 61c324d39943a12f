"""The permission rules: who sees which page, and an outsider gets nothing."""

import pytest
from django.urls import reverse

from tests.factories import make_user
from ioc.core.access import get_access
from ioc.core.models import Membership
from ioc.core.roles import Role

STAFF_PAGES = ["core:units", "core:areas", "core:calendar"]
ADMIN_PAGES = ["core:audit", "core:system"]
SIGNED_IN_PAGES = ["core:home", "core:inbox", "core:notification_prefs", "accounts:profile"]


def test_citizen_has_no_staff_role(people):
    access = get_access(people["citizen"])
    assert access.roles == {Role.CITIZEN}
    assert not access.is_staff_member and not access.province_wide


def test_officer_sees_own_unit_only(people, units):
    access = get_access(people["officer"])
    assert access.can_see_unit(units["a"].pk)
    assert not access.can_see_unit(units["b"].pk)
    assert not access.can_manage_unit(units["a"].pk)


def test_unit_head_manages_own_unit_only(people, units):
    access = get_access(people["head"])
    assert access.can_manage_unit(units["a"].pk)
    assert not access.can_manage_unit(units["b"].pk)


@pytest.mark.parametrize("name", ["operator", "leader", "admin"])
def test_province_wide_roles_see_every_unit(people, units, name):
    access = get_access(people[name])
    assert access.province_wide
    assert access.can_see_unit(units["b"].pk)


def test_membership_in_inactive_unit_gives_nothing(people, units):
    units["a"].is_active = False
    units["a"].save()
    access = get_access(make_user("late", role=Role.OFFICER, unit=units["a"]))
    assert not access.is_staff_member


def test_superuser_is_administrator(db):
    root = make_user("root", is_superuser=True)
    assert get_access(root).primary_role == Role.ADMIN


def test_primary_role_follows_precedence(people, units):
    Membership.objects.create(user=people["officer"], unit=units["province"], role=Role.LEADER)
    assert get_access(people["officer"]).primary_role == Role.LEADER


def test_unknown_permission_is_a_programming_error(people):
    with pytest.raises(KeyError):
        get_access(people["admin"]).has("core.no_such_thing")


@pytest.mark.parametrize("url_name", STAFF_PAGES + ADMIN_PAGES + SIGNED_IN_PAGES)
def test_anonymous_visitor_is_sent_to_sign_in(client, db, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("url_name", STAFF_PAGES + ADMIN_PAGES)
def test_citizen_gets_403_on_staff_pages(people, signed_in, url_name):
    response = signed_in(people["citizen"]).get(reverse(url_name))
    assert response.status_code == 403
    assert "Không có quyền truy cập" in response.content.decode()


@pytest.mark.parametrize("url_name", ADMIN_PAGES)
def test_officer_gets_403_on_admin_pages(people, signed_in, url_name):
    assert signed_in(people["officer"]).get(reverse(url_name)).status_code == 403


def test_citizen_gets_403_on_unit_and_area_details(people, signed_in, units, commune):
    client = signed_in(people["citizen"])
    assert client.get(reverse("core:unit_detail", args=[units["a"].code])).status_code == 403
    assert client.get(reverse("core:area_detail", args=[commune.code])).status_code == 403


@pytest.mark.parametrize("url_name", STAFF_PAGES + ADMIN_PAGES + SIGNED_IN_PAGES)
def test_administrator_opens_every_page(people, signed_in, url_name):
    assert signed_in(people["admin"]).get(reverse(url_name)).status_code == 200


@pytest.mark.parametrize("name", ["citizen", "officer", "head", "operator", "leader"])
def test_django_admin_is_closed_to_everyone_but_administrators(people, signed_in, name):
    response = signed_in(people[name]).get("/admin/core/unit/")
    assert response.status_code in (302, 403)
    assert response.status_code != 200


def test_administrator_edits_reference_data_in_django_admin(people, signed_in, units):
    client = signed_in(people["admin"])
    assert client.get("/admin/core/unit/").status_code == 200
    assert client.get(f"/admin/core/unit/{units['a'].pk}/change/").status_code == 200


def test_menu_shows_only_permitted_entries(people, signed_in):
    officer_page = signed_in(people["officer"]).get(reverse("core:home")).content.decode()
    assert reverse("core:units") in officer_page
    assert reverse("core:audit") not in officer_page
    admin_page = signed_in(people["admin"]).get(reverse("core:home")).content.decode()
    assert reverse("core:audit") in admin_page


def test_unknown_unit_is_404_for_staff(people, signed_in):
    assert signed_in(people["officer"]).get(reverse("core:unit_detail", args=["no-such-unit"])).status_code == 404
