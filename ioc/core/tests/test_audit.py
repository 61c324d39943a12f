"""The audit log records every change and security event, and cannot be changed or deleted."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from tests.factories import PASSWORD, make_unit, make_user
from ioc.core import audit
from ioc.core.models import AuditAction, AuditEvent, Membership
from ioc.core.roles import Role


def events(action, object_type=None):
    qs = AuditEvent.objects.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    return qs


def test_create_update_delete_of_a_unit_are_recorded(db):
    unit = make_unit("so-tu-phap", "Sở Tư pháp")
    created = events(AuditAction.CREATE, "core.unit").get(object_id=str(unit.pk))
    assert created.changes["name"] == [None, "Sở Tư pháp"]

    unit.phone = "0222 3822 111"
    unit.save()
    updated = events(AuditAction.UPDATE, "core.unit").get(object_id=str(unit.pk))
    assert updated.changes == {"phone": ["", "0222 3822 111"]}

    unit.save()  # no change: nothing recorded
    assert events(AuditAction.UPDATE, "core.unit").count() == 1

    pk = unit.pk
    unit.delete()
    deleted = events(AuditAction.DELETE, "core.unit").get(object_id=str(pk))
    assert deleted.changes["code"] == ["so-tu-phap", None]


def test_changes_made_through_a_request_name_the_user_and_address(people, client):
    client.force_login(people["citizen"])
    client.post(reverse("accounts:profile"), {"full_name": "Trần Thị Hoa", "email": "citizen@example.vn",
                                              "phone": "0912345678", "language": "vi"},
                REMOTE_ADDR="203.0.113.7")
    event = events(AuditAction.UPDATE, "accounts.user").get(object_id=str(people["citizen"].pk))
    assert event.actor == people["citizen"]
    assert event.actor_label == "citizen"
    assert event.ip_address == "203.0.113.7"
    assert event.changes["full_name"] == ["Citizen", "Trần Thị Hoa"]
    assert "password" not in event.changes


def test_passwords_never_reach_the_log(db):
    user = make_user("secretive")
    user.set_password("another-long-password-1")
    user.save()
    for event in AuditEvent.objects.filter(object_type="accounts.user"):
        assert "password" not in event.changes


def test_role_changes_are_security_events(db, units):
    user = make_user("newcomer")
    membership = Membership.objects.create(user=user, unit=units["a"], role=Role.OFFICER)
    granted = events(AuditAction.ROLE_CHANGE).get(note="granted")
    assert granted.changes == {"role": [None, "officer"], "unit": [None, "so-xay-dung"]}
    membership.delete()
    revoked = events(AuditAction.ROLE_CHANGE).get(note="revoked")
    assert revoked.changes["role"] == ["officer", None]


def test_sign_in_sign_out_and_failed_sign_in_are_recorded(people, client):
    client.post(reverse("accounts:login"), {"username": "officer", "password": "wrong"}, REMOTE_ADDR="198.51.100.4")
    failed = events(AuditAction.LOGIN_FAILED).get()
    assert failed.object_repr == "officer"
    assert failed.ip_address == "198.51.100.4"

    client.post(reverse("accounts:login"), {"username": "officer", "password": PASSWORD})
    assert events(AuditAction.LOGIN).get().actor == people["officer"]
    client.post(reverse("accounts:logout"))
    assert events(AuditAction.LOGOUT).get().actor == people["officer"]


def test_the_model_refuses_to_edit_or_delete_an_event(db):
    event = audit.record(AuditAction.EXPORT, object_type="test", object_repr="report.xlsx")
    event.note = "tampered"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def test_the_database_refuses_to_edit_or_delete_an_event(db):
    event = audit.record(AuditAction.EXPORT, object_type="test", object_repr="report.xlsx")
    table = AuditEvent._meta.db_table
    for sql in (f"UPDATE {table} SET note = 'x' WHERE id = %s", f"DELETE FROM {table} WHERE id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).note == ""


def test_jobs_can_act_as_a_user(people):
    with audit.acting_as(people["operator"], "10.0.0.5"):
        unit = make_unit("cong-ty-nuoc", "Công ty Nước sạch", kind="utility")
    event = events(AuditAction.CREATE, "core.unit").get(object_id=str(unit.pk))
    assert event.actor == people["operator"] and event.ip_address == "10.0.0.5"


def test_administrator_browses_and_filters_the_log(people, signed_in):
    make_unit("so-cong-thuong", "Sở Công Thương")
    audit.record(AuditAction.EXPORT, object_type="feedback.report", object_repr="bao-cao.xlsx")
    client = signed_in(people["admin"])
    page = client.get(reverse("core:audit"), {"action": "export"}).content.decode()
    assert "bao-cao.xlsx" in page and "Sở Công Thương" not in page
    page = client.get(reverse("core:audit"), {"object_type": "core.unit", "q": "Công Thương"}).content.decode()
    assert "Sở Công Thương" in page and "bao-cao.xlsx" not in page


def test_a_bad_date_filter_is_explained_not_a_crash(people, signed_in):
    response = signed_in(people["admin"]).get(reverse("core:audit"), {"date_from": "31/02/2026"})
    assert response.status_code == 200
    assert "Ngày không hợp lệ" in response.content.decode()


def test_audit_log_is_escaped(people, signed_in):
    audit.record(AuditAction.EXPORT, object_type="x", object_repr="<script>alert(1)</script>")
    body = signed_in(people["admin"]).get(reverse("core:audit")).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


def test_jurisdiction_changes_are_recorded(db, units, commune):
    units["a"].areas.add(commune)
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="core.unit").latest("id")
    assert event.changes == {"areas": [None, ["Phường Bắc Giang"]]}
    units["a"].areas.remove(commune)
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="core.unit").latest("id")
    assert event.changes == {"areas": [["Phường Bắc Giang"], None]}


def test_lockout_is_a_security_event(people, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "officer", "password": "wrong"})
    assert events(AuditAction.LOCKOUT).filter(object_repr="officer").exists()


def test_export_is_filtered_and_itself_audited(people, signed_in):
    make_unit("so-noi-vu", "Sở Nội vụ")
    audit.record(AuditAction.EXPORT, object_type="x", object_repr="other.xlsx")
    response = signed_in(people["admin"]).get(reverse("core:audit_export"), {"object_type": "core.unit"})
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeffat,actor")
    assert "Sở Nội vụ" in body and "other.xlsx" not in body
    export = events(AuditAction.EXPORT, "core.auditevent").get()
    assert export.actor == people["admin"] and export.changes == {"filters": {"object_type": "core.unit"}}


def test_export_is_closed_to_non_administrators(people, signed_in):
    for name in ("officer", "head", "operator", "leader", "citizen"):
        assert signed_in(people[name]).get(reverse("core:audit_export")).status_code == 403
