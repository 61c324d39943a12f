"""Plain ORM helpers for tests: units and users with roles."""

from django.contrib.auth import get_user_model

from ioc.core.models import Membership, Unit, UnitKind
from ioc.core.roles import Role

PASSWORD = "Mật-khẩu-thử-2026"


def make_unit(code, name=None, kind=UnitKind.DEPARTMENT, **extra):
    return Unit.objects.create(code=code, name=name or code, kind=kind, **extra)


def make_user(username, *, role=None, unit=None, **extra):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD,
                                                email=extra.pop("email", f"{username}@example.vn"),
                                                full_name=extra.pop("full_name", username.title()), **extra)
    if role and role != Role.CITIZEN:
        Membership.objects.create(user=user, unit=unit, role=role)
    return user
