"""Stock people for tests: a member of a unit, a member of another unit, a unit head, the province-wide
roles, a citizen and an outsider who must see nothing."""

import importlib

import pytest

from ioc.core.models import Area, AreaLevel, UnitKind
from ioc.core.roles import Role
from tests.factories import PASSWORD, make_unit, make_user  # noqa: F401  (re-exported for tests)


@pytest.fixture(autouse=True)
def _fresh_reference_caches():
    """Each test starts from its own database: forget reference rows a previous test loaded in this process."""
    from ioc.lib.refcache import reset_all

    reset_all()
    yield
    reset_all()


@pytest.fixture
def province(db):
    return Area.objects.create(code="24", name="Tỉnh Bắc Ninh", short_name="Bắc Ninh", kind="Tỉnh",
                               level=AreaLevel.PROVINCE, latitude=21.24, longitude=106.16)


@pytest.fixture
def commune(province):
    return Area.objects.create(code="07210", name="Phường Bắc Giang", short_name="Bắc Giang", kind="Phường",
                               level=AreaLevel.COMMUNE, parent=province, latitude=21.28, longitude=106.21,
                               area_km2=23.2)




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


@pytest.fixture
def audit_flushable_db(transactional_db):
    """A transactional database that can be flushed although it holds audit events (use it instead of
    transactional_db in tests that write the audit log: live-server and browser tests).

    The append-only triggers refuse DELETE, and Django flushes SQLite with DELETE (PostgreSQL uses
    TRUNCATE, which the trigger allows). After such a test, drop the triggers, empty the table and
    put the triggers back, so the flush that follows finds nothing to refuse.
    """
    yield
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    append_only = importlib.import_module("ioc.core.migrations.0002_audit_append_only")
    with connection.cursor() as cursor:
        for sql in append_only.SQLITE_REVERSE:
            cursor.execute(sql)
        cursor.execute("DELETE FROM core_auditevent")
        for sql in append_only.SQLITE:
            cursor.execute(sql)
