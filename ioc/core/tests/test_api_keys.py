"""API keys: issued by a command, shown once, stored as a hash, accepted in two headers, refused when
revoked or when their unit is inactive."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ioc.core.models import ApiKey, AuditAction, AuditEvent


def create_key(name="Trạm quan trắc", unit="so-xay-dung"):
    out = StringIO()
    call_command("create_api_key", name, unit=unit, stdout=out)
    return out.getvalue().strip().splitlines()


@pytest.fixture
def raw_key(units):
    return create_key()[-1]


def test_it_prints_the_raw_key_on_the_last_line(units):
    lines = create_key()
    raw = lines[-1]
    assert raw.startswith("ioc_") and len(raw) > 40
    key = ApiKey.objects.get()
    assert raw == f"ioc_{key.key_prefix}_{raw.split('_', 2)[2]}"
    assert ApiKey.find(raw) == key


def test_it_stores_only_the_hash(units):
    raw = create_key()[-1]
    key = ApiKey.objects.get()
    assert key.key_hash == ApiKey.hash_secret(raw)
    secret = raw.split("_", 2)[2]
    for value in (key.name, key.key_prefix, key.key_hash):
        assert secret not in value
    assert key.unit == units["a"]


def test_it_records_the_creation_in_the_audit_log(units):
    create_key()
    key = ApiKey.objects.get()
    event = AuditEvent.objects.get(action=AuditAction.API_KEY)
    assert event.note == "created"
    assert event.object_id == str(key.pk)
    assert event.actor_label == "system"
    assert key.key_hash not in str(event.changes)


def test_it_refuses_an_unknown_unit(units):
    with pytest.raises(CommandError, match="No unit with code 'khong-co'"):
        create_key(unit="khong-co")
    assert not ApiKey.objects.exists()


def test_it_refuses_an_inactive_unit(units):
    units["b"].is_active = False
    units["b"].save()
    with pytest.raises(CommandError, match="inactive"):
        create_key(unit="so-y-te")
    assert not ApiKey.objects.exists()


def test_it_requires_a_unit(units):
    with pytest.raises(CommandError, match="--unit"):
        call_command("create_api_key", "Không đơn vị", stdout=StringIO())


def test_the_key_authenticates_in_the_x_api_key_header(client, raw_key):
    response = client.get("/api/v1/me", HTTP_X_API_KEY=raw_key)
    assert response.status_code == 200
    body = response.json()
    assert body["kind"] == "api_key"
    assert body["api_key"]["name"] == "Trạm quan trắc"
    assert body["units"] == [{"code": "so-xay-dung", "name": "Sở Xây dựng", "role": "officer"}]
    assert body["roles"] == ["officer"]


def test_the_key_authenticates_as_a_bearer_token(client, raw_key):
    response = client.get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    assert response.status_code == 200
    assert response.json()["count"] == 4


def test_a_wrong_key_is_refused(client, raw_key):
    tampered = raw_key[:-3] + ("aaa" if not raw_key.endswith("aaa") else "bbb")
    for headers in ({"HTTP_X_API_KEY": tampered}, {"HTTP_AUTHORIZATION": f"Bearer {tampered}"},
                    {"HTTP_X_API_KEY": "not-a-key"}):
        response = client.get("/api/v1/me", **headers)
        assert response.status_code == 401
        assert response["Content-Type"] == "application/problem+json"
        assert "Khóa API" in response.json()["detail"]


def test_a_revoked_key_is_refused(client, raw_key):
    prefix = ApiKey.objects.get().key_prefix
    out = StringIO()
    call_command("create_api_key", revoke=prefix, stdout=out)
    assert "revoked" in out.getvalue()
    assert ApiKey.objects.get().revoked_at is not None
    assert AuditEvent.objects.filter(action=AuditAction.API_KEY, note="revoked").count() == 1

    response = client.get("/api/v1/me", HTTP_X_API_KEY=raw_key)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_revoking_twice_or_an_unknown_prefix_is_an_error(raw_key):
    prefix = ApiKey.objects.get().key_prefix
    call_command("create_api_key", revoke=prefix, stdout=StringIO())
    with pytest.raises(CommandError, match="already revoked"):
        call_command("create_api_key", revoke=prefix, stdout=StringIO())
    with pytest.raises(CommandError, match="No API key"):
        call_command("create_api_key", revoke="ffffffff", stdout=StringIO())


def test_a_key_of_an_inactive_unit_is_refused(client, raw_key, units):
    units["a"].is_active = False
    units["a"].save()
    assert client.get("/api/v1/me", HTTP_X_API_KEY=raw_key).status_code == 401


def test_use_updates_last_used_at(client, raw_key):
    assert ApiKey.objects.get().last_used_at is None
    client.get("/api/v1/me", HTTP_X_API_KEY=raw_key)
    assert ApiKey.objects.get().last_used_at is not None


def test_a_failed_attempt_does_not_count_as_use(client, raw_key):
    client.get("/api/v1/me", HTTP_X_API_KEY=raw_key + "x")
    assert ApiKey.objects.get().last_used_at is None


def test_a_key_acts_as_an_officer_of_its_unit_only(client, raw_key):
    # Officers may read the directory but not the audit log, and have no inbox.
    assert client.get("/api/v1/units/so-y-te", HTTP_X_API_KEY=raw_key).status_code == 200
    assert client.get("/api/v1/audit", HTTP_X_API_KEY=raw_key).status_code == 403
    assert client.get("/api/v1/notifications", HTTP_X_API_KEY=raw_key).status_code == 403


def test_api_access_gives_the_keys_unit(rf, raw_key, units):
    from ioc.api import api_access

    request = rf.get("/api/v1/me")
    request.auth = ApiKey.find(raw_key)
    access = api_access(request)
    assert access.is_authenticated and access.is_staff_member
    assert access.unit_ids == {units["a"].pk}
    assert access.can_see_unit(units["a"].pk) and not access.can_see_unit(units["b"].pk)
    assert not access.province_wide and not access.owns(None)


def test_changes_made_with_a_key_are_labelled_with_its_name(client, raw_key, monkeypatch):
    """The audit context reads request.api_key: whatever a key client changes names the key."""
    from ioc.core import api as core_api
    from ioc.core import audit

    seen = {}
    original = core_api.api_access

    def spying_access(request):
        seen["actor"] = audit._current_actor()
        return original(request)

    monkeypatch.setattr(core_api, "api_access", spying_access)
    client.get("/api/v1/me", HTTP_X_API_KEY=raw_key)
    user, label, _ip = seen["actor"]
    assert user is None
    assert label == "API: Trạm quan trắc"
