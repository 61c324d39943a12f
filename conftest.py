"""Stock people for tests: a member of a unit, a member of another unit, a unit head, the province-wide
roles, a citizen and an outsider who must see nothing."""

import pytest
from django.contrib.auth import get_user_model

from ioc.core.models import Area, AreaLevel, Membership, Unit, UnitKind
from ioc.core.roles import Role

PASSWORD = "Mật-khẩu-thử-2026"


@pytest.fixture
def province(db):
    return Area.objects.create(code="24", name="Tỉnh Bắc Ninh", short_name="Bắc Ninh", kind="Tỉnh",
                               level=AreaLevel.PROVINCE, latitude=21.24, longitude=106.16)


@pytest.fixture
def commune(province):
    return Area.objects.create(code="07210", name="Phường Bắc Giang", short_name="Bắc Giang", kind="Phường",
                               level=AreaLevel.COMMUNE, parent=province, latitude=21.28, longitude=106.21,
                               area_km2=23.2)


def make_unit(code, name=None, kind=UnitKind.DEPARTMENT, **extra):
    return Unit.objects.create(code=code, name=name or code, kind=kind, **extra)


def make_user(username, *, role=None, unit=None, **extra):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD,
                                                email=extra.pop("email", f"{username}@example.vn"),
                                                full_name=extra.pop("full_name", username.title()), **extra)
    if role and role != Role.CITIZEN:
        Membership.objects.create(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def units(db):
    return {
        "ioc": make_unit("ioc", "Trung tâm IOC", UnitKind.IOC),
        "province": make_unit("ubnd-tinh", "UBND tỉnh", UnitKind.PROVINCE_COMMITTEE),
        "a": make_unit("so-xay-dung", "Sở Xây dựng"),
        "b": make_unit("so-y-te", "Sở Y tế"),
    }


@pytest.fixture
def people(units):
    return {
        "officer": make_user("officer", role=Role.OFFICER, unit=units["a"]),
        "other_officer": make_user("other", role=Role.OFFICER, unit=units["b"]),
        "head": make_user("head", role=Role.UNIT_HEAD, unit=units["a"]),
        "operator": make_user("operator", role=Role.OPERATOR, unit=units["ioc"]),
        "leader": make_user("leader", role=Role.LEADER, unit=units["province"]),
        "admin": make_user("admin", role=Role.ADMIN, unit=units["ioc"]),
        "citizen": make_user("citizen"),
    }


@pytest.fixture
def signed_in(client):
    """Sign a user in on the test client (the second factor counts as done)."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
