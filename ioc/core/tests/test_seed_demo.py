"""The demo data: areas, agencies and one account per role, idempotent, and never in production."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ioc.core.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_totp_secret
from ioc.core.models import Area, AuditEvent, Membership, Unit, UnitKind
from ioc.core.roles import Role

User = get_user_model()


def counts():
    return {
        "areas": Area.objects.count(),
        "units": Unit.objects.count(),
        "unit_areas": Unit.areas.through.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "devices": TOTPDevice.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def seed():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(db):
    return seed()


def test_seeding_twice_changes_nothing(seeded):
    before = counts()
    assert before["units"] == 20 + 99
    seed()
    assert counts() == before


def test_every_role_has_a_demo_account(seeded):
    demo_users = User.objects.filter(is_demo=True)
    assert demo_users.count() == len(DEMO_ACCOUNTS)
    roles = set(Membership.objects.filter(user__in=demo_users).values_list("role", flat=True))
    assert roles == {Role.ADMIN, Role.LEADER, Role.OPERATOR, Role.UNIT_HEAD, Role.OFFICER}
    citizen = User.objects.get(username="nguoidan")
    assert not citizen.memberships.exists()
    head = User.objects.get(username="kinhbac.lanhdao")
    assert head.memberships.get().unit.code == "ubnd-phuong-kinh-bac"
    assert all(user.check_password(DEMO_PASSWORD) for user in demo_users)


def test_two_factor_accounts_have_a_confirmed_device_with_the_printed_secret(seeded):
    for username, *_, uses_2fa in DEMO_ACCOUNTS:
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
        assert (device is not None) == uses_2fa, username
        if uses_2fa:
            assert demo_totp_secret(username) in seeded
            assert device.verify_token(f"{totp(device.bin_key):06d}")


def test_the_summary_names_accounts_password_and_counts(seeded):
    assert DEMO_PASSWORD in seeded
    assert "99 xã/phường hiện hành" in seeded
    for username, _full_name, role_label, *_ in DEMO_ACCOUNTS:
        assert username in seeded and role_label in seeded


def test_agencies_and_their_jurisdiction(seeded):
    communes = Area.objects.communes()
    kinh_bac = communes.get(short_name="Kinh Bắc")
    committee = Unit.objects.get(code="ubnd-phuong-kinh-bac")
    assert (committee.name, committee.kind, committee.parent.code) == (
        "UBND phường Kinh Bắc", UnitKind.COMMUNE_COMMITTEE, "ubnd-tinh")
    assert list(committee.areas.all()) == [kinh_bac]
    assert Unit.objects.filter(kind=UnitKind.COMMUNE_COMMITTEE).count() == communes.count() == 99
    for code in ("ubnd-tinh", "so-xay-dung", "so-y-te"):
        assert Unit.objects.get(code=code).areas.count() == 99
    assert Unit.objects.get(code="ioc").kind == UnitKind.IOC
    assert Unit.objects.get(code="cong-an-tinh").kind == UnitKind.POLICE


def test_it_refuses_in_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="vận hành thật"):
        seed()
    assert not User.objects.filter(is_demo=True).exists()
    assert not Area.objects.exists()


def test_remove_demo_accounts_removes_them_and_nothing_else(seeded):
    other = User.objects.create_user(username="thuc", password="x" * 12, email="thuc@example.vn")
    out = StringIO()
    call_command("remove_demo_accounts", stdout=out)
    assert f"{len(DEMO_ACCOUNTS)} tài khoản" in out.getvalue()
    assert not User.objects.filter(is_demo=True).exists()
    assert User.objects.filter(pk=other.pk).exists()
    assert Unit.objects.filter(code="ioc").exists()


def test_load_areas_command(db):
    out = StringIO()
    call_command("load_areas", "--province", "24", stdout=out)
    assert "99 xã/phường hiện hành" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("load_areas", "--province", "99", stdout=StringIO())
