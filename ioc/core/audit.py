"""The audit log: who changed what, when, and from which address.

Business models are registered with `track(Model)`; every create, update and delete of them is then
written automatically, with the changed fields. Services record state changes and security events
with `record(...)`. The request's user and address travel in a context variable set by
AuditContextMiddleware, so management commands and background jobs are recorded as the system.
"""

import contextvars
import datetime
import decimal
import uuid
from contextlib import contextmanager

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from ioc.lib.fastinsert import insert

from .models import AuditAction, AuditEvent

_context = contextvars.ContextVar("ioc_audit_context", default=None)
_tracked: dict[type, frozenset] = {}

ALWAYS_EXCLUDED = frozenset({"password", "last_login", "key_hash", "search_key"})


def client_ip(request):
    # The proxy count is configured in settings (IOC_PROXY_COUNT); without a proxy, REMOTE_ADDR is the client.
    from django.conf import settings

    if getattr(settings, "AXES_IPWARE_PROXY_COUNT", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= settings.AXES_IPWARE_PROXY_COUNT:
            return hops[-settings.AXES_IPWARE_PROXY_COUNT]
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    """Makes the signed-in user and their address available to the audit log for this request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _context.set({"request": request})
        try:
            return self.get_response(request)
        finally:
            _context.reset(token)


@contextmanager
def acting_as(user, ip_address=None):
    """Attribute changes made inside the block to user (for jobs, commands and API-key clients)."""
    token = _context.set({"user": user, "ip": ip_address})
    try:
        yield
    finally:
        _context.reset(token)


def _current_actor():
    ctx = _context.get() or {}
    request = ctx.get("request")
    if request is not None:
        user = getattr(request, "user", None)
        user = user if user is not None and user.is_authenticated else None
        label = ""
        api_key = getattr(request, "api_key", None)
        if user is None and api_key is not None:
            label = f"API: {api_key.name}"
        return user, label, client_ip(request)
    return ctx.get("user"), "", ctx.get("ip")


def _plain(value):
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, dict, str, int, float, bool)) or value is None:
        return value
    return str(value)


def record(action, *, obj=None, object_type="", object_id="", object_repr="", changes=None, note="", actor=None,
           ip_address=None):
    """Append one event to the audit log and return it."""
    ctx_user, label, ctx_ip = _current_actor()
    user = actor if actor is not None else ctx_user
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:255]
    if user is not None:
        label = user.get_username()
    # fastinsert: the log gets a row for nearly every write of the application; AuditEvent.save() only refuses
    # updates, and this is an insert.
    return insert(AuditEvent(
        actor=user,
        actor_label=(label or "system")[:150],
        ip_address=ip_address or ctx_ip,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=object_repr[:255],
        changes={k: _plain(v) if not isinstance(v, list) else [_plain(x) for x in v] for k, v in (changes or {}).items()},
        note=note,
    ))


def _field_values(instance, fields):
    return {name: _plain(getattr(instance, attname)) for name, attname in fields}


def _tracked_fields(model):
    exclude = _tracked[model]
    return [
        (f.name, f.attname)
        for f in model._meta.concrete_fields
        if f.name not in exclude and f.name not in ALWAYS_EXCLUDED
    ]


def _before_save(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None or instance._state.adding:
        instance._audit_before = None
        return
    fields = _tracked_fields(sender)
    old = sender._default_manager.filter(pk=instance.pk).values(*[attname for _, attname in fields]).first()
    instance._audit_before = None if old is None else {name: _plain(old[attname]) for name, attname in fields}


def _after_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    fields = _tracked_fields(sender)
    after = _field_values(instance, fields)
    if created:
        record(AuditAction.CREATE, obj=instance, changes={k: [None, v] for k, v in after.items() if v not in (None, "")})
        return
    before = getattr(instance, "_audit_before", None) or {}
    diff = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    if diff:
        record(AuditAction.UPDATE, obj=instance, changes=diff)


def _after_delete(sender, instance, **kwargs):
    record(AuditAction.DELETE, obj=instance, changes={k: [v, None] for k, v in _field_values(
        instance, _tracked_fields(sender)).items() if v not in (None, "")})


def _m2m_changed(sender, instance, action, model, pk_set, reverse, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear") or reverse:
        return
    field = next((f.name for f in instance._meta.many_to_many if f.remote_field.through is sender), "?")
    labels = sorted(str(o) for o in model._default_manager.filter(pk__in=pk_set or []))
    change = {"post_add": [None, labels], "post_remove": [labels, None], "post_clear": ["*", None]}[action]
    record(AuditAction.UPDATE, obj=instance, changes={field: change})


def track(model, *, exclude=()):
    """Record every create, update and delete of model (and changes of its many-to-many fields)."""
    _tracked[model] = frozenset(exclude)
    uid = f"audit-{model._meta.label_lower}"
    pre_save.connect(_before_save, sender=model, dispatch_uid=uid)
    post_save.connect(_after_save, sender=model, dispatch_uid=uid)
    post_delete.connect(_after_delete, sender=model, dispatch_uid=uid)
    for field in model._meta.local_many_to_many:
        m2m_changed.connect(_m2m_changed, sender=field.remote_field.through, dispatch_uid=f"{uid}-{field.name}")
    return model


def is_tracked(model):
    return model in _tracked
