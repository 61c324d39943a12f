"""Changes to alert events: the state machine, opening and updating events on breaches, notes.

The life of an event (`ALLOWED_MOVES`):

    open ──► acknowledged ──► resolved
      └───────────────────────►┘

- *open → acknowledged*: the responsible unit (or the IOC) has seen it and is acting.
- *open/acknowledged → resolved*: by a person (manual), or by the system once the value has stayed normal for
  the rule's resolve-after time (auto), or when a silent source speaks again.
- *resolved* is final. The published CAP alert has been cancelled and the record stays as it was; a new breach
  afterwards opens a **new** event (its own identifier, its own CAP Alert). Flapping is absorbed before that:
  while the value has not stayed normal for the resolve-after time the event stays open and a new breach only
  updates it (last time, count, worst value), so a sensor dancing around its threshold opens one event.

Every move goes through `transition()`: it locks the row, refuses moves not in the table (TransitionError) and
people who may not act on the event (PermissionDenied), stamps who and when, writes the timeline and the audit
log. Opening an event and raising its severity tell the responsible unit and the IOC operators (`notify.py`);
repeated breaches tell no one.
"""

import contextvars
import math
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from ioc.core import audit
from ioc.core.access import get_access
from ioc.core.models import Area, AreaLevel, AuditAction

from .models import (
    ACTIVE_STATUSES, SEVERITY_RANK, AlertEvent, AlertRule, Condition, EventNote, EventStatus, NoteKind, Resolution,
    Severity, _number,
)

S = EventStatus

ALLOWED_MOVES = {
    (S.OPEN, S.ACKNOWLEDGED),
    (S.OPEN, S.RESOLVED),
    (S.ACKNOWLEDGED, S.RESOLVED),
}

NOTE_MAX_LENGTH = 2000

_notifying = contextvars.ContextVar("alerts_notifying", default=True)


@contextmanager
def without_notifications():
    """Open and escalate events without telling anyone: for replaying history (the demo), not for live data."""
    token = _notifying.set(False)
    try:
        yield
    finally:
        _notifying.reset(token)


class TransitionError(ValidationError):
    """A refused move, with a message for the person who tried it."""


# --- Who may act ------------------------------------------------------------------------------------


def may_handle(user, event) -> bool:
    """Staff of the event's responsible unit holding alerts.handle, and the IOC operators and administrators."""
    access = get_access(user)
    if not access.has("alerts.handle"):
        return False
    return access.province_wide or event.responsible_unit_id in access.unit_ids


def allowed_targets(event, user):
    """The statuses this user may move the event to now."""
    if not may_handle(user, event):
        return []
    return [to for (frm, to) in sorted(ALLOWED_MOVES) if frm == event.status]


# --- The state machine ------------------------------------------------------------------------------


@transaction.atomic
def transition(event, to, *, by, note="", at=None):
    """Move event to status `to`. `by=None` is the system (only automatic resolution)."""
    event = AlertEvent.objects.select_for_update().get(pk=event.pk)
    old = event.status
    if (old, to) not in ALLOWED_MOVES:
        raise TransitionError(_("Không thể chuyển sự kiện từ trạng thái “%(from)s” sang “%(to)s”.")
                              % {"from": S(old).label, "to": S(to).label})
    if by is None:
        if to != S.RESOLVED:
            raise TransitionError(_("Hệ thống chỉ tự kết thúc sự kiện."))
    elif not may_handle(by, event):
        raise PermissionDenied(_("Bạn không có quyền xử lý sự kiện của đơn vị khác."))
    now = at or timezone.now()
    event.status = to
    if to == S.ACKNOWLEDGED:
        event.acknowledged_by, event.acknowledged_at = by, now
    if to == S.RESOLVED:
        event.resolved_by, event.resolved_at = by, now
        event.resolution = Resolution.MANUAL if by is not None else Resolution.AUTO
        if event.is_public:
            event.cap_version += 1  # the published alert is cancelled by a new CAP message
            event.cap_sent_at = now
    event.save()
    if not note and by is None:
        note = _("Giá trị đã trở lại bình thường; sự kiện tự kết thúc.")
    EventNote.objects.create(event=event, kind=NoteKind(to), author=by, text=note, at=now)
    audit.record(AuditAction.TRANSITION, obj=event, actor=by, note=note,
                 changes={"status": [old, to], **({"resolution": [None, event.resolution]} if to == S.RESOLVED else {})})
    return event


def acknowledge(*, event, by, note=""):
    return transition(event, S.ACKNOWLEDGED, by=by, note=(note or "").strip())


def resolve(*, event, by, note=""):
    note = (note or "").strip()
    if by is not None and not note:
        raise TransitionError(_("Hãy ghi kết quả xử lý trước khi kết thúc sự kiện."))
    return transition(event, S.RESOLVED, by=by, note=note)


def add_note(*, event, by, text):
    """A staff note on the timeline (internal: never published in CAP)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Hãy nhập nội dung ghi chú."))
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError(_("Ghi chú không quá %(n)d ký tự.") % {"n": NOTE_MAX_LENGTH})
    if not may_handle(by, event):
        raise PermissionDenied(_("Bạn không có quyền ghi chú vào sự kiện của đơn vị khác."))
    note = EventNote.objects.create(event=event, kind=NoteKind.NOTE, author=by, text=text)
    audit.record(AuditAction.UPDATE, obj=event, actor=by, note=_("Thêm ghi chú"), changes={"note": [None, note.pk]})
    return note


# --- What an event is about -------------------------------------------------------------------------


@dataclass
class Subject:
    """The thing a rule watches for one event: a series, an indicator in an area, a station, a source."""

    key: str
    place: str
    series: object = None
    station: object = None
    indicator: object = None
    source: object = None
    area: object = None

    @classmethod
    def for_series(cls, series):
        station = series.station
        place = station.name + (f", {station.area.name}" if station.area_id else "")
        return cls(key=f"series:{series.pk}", place=place, series=series, station=station, area=station.area)

    @classmethod
    def for_station(cls, station):
        place = station.name + (f", {station.area.name}" if station.area_id else "")
        return cls(key=f"station:{station.pk}", place=place, station=station, area=station.area)

    @classmethod
    def for_indicator(cls, indicator, area):
        return cls(key=f"indicator:{indicator.pk}:{area.pk if area else 0}", place=area.name if area else "",
                   indicator=indicator, area=area)

    @classmethod
    def for_source(cls, source):
        return cls(key=f"source:{source.pk}", place=source.name, source=source)


def circle_around(lat, lon, radius_km):
    """A CAP circle: "lat,lon radius" (WGS 84, radius in km)."""
    return f"{lat:.5f},{lon:.5f} {radius_km:.1f}"


def polygon_around(lat, lon, radius_km, vertices=16):
    """A CAP polygon approximating a disc around (lat, lon): "lat,lon lat,lon …", first point repeated last.
    Used for communes, whose boundaries are not shipped: the disc has the commune's area around its centroid."""
    points = []
    for i in range(vertices):
        angle = 2 * math.pi * i / vertices
        d_lat = radius_km * math.cos(angle) / 111.32
        d_lon = radius_km * math.sin(angle) / (111.32 * math.cos(math.radians(lat)))
        points.append(f"{lat + d_lat:.5f},{lon + d_lon:.5f}")
    points.append(points[0])
    return " ".join(points)


def _equivalent_radius_km(area: Area):
    if area.area_km2:
        return max(0.5, math.sqrt(area.area_km2 / math.pi))
    return 3.0


def geometry_for(rule, subject):
    """(circle, polygon) for CAP: a circle around a station, a polygon for an area; the province when the subject
    has no place of its own (a silent data source, an indicator of the whole province), so every alert says where."""
    station = subject.station
    if station is not None and station.latitude is not None and station.longitude is not None:
        return circle_around(station.latitude, station.longitude, rule.radius_km or 2.0), ""
    area = subject.area
    if area is None or area.latitude is None or area.longitude is None:
        area = Area.objects.filter(level=AreaLevel.PROVINCE, is_current=True, latitude__isnull=False,
                                   longitude__isnull=False).first()
    if area is not None:
        return "", polygon_around(area.latitude, area.longitude, _equivalent_radius_km(area))
    return "", ""


def _local(moment):
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


def _subject_name(rule, subject):
    if rule.metric_id:
        return rule.metric.name
    if rule.indicator_id:
        return rule.indicator.name
    return _("Dữ liệu")


def compose(rule, subject, value, at, severity):
    """(headline, message) in Vietnamese, without personal data (they are published as CAP)."""
    name = _subject_name(rule, subject)
    uom = rule.unit_of_measure
    value_text = f"{_number(value)} {uom}".strip()
    if rule.condition == Condition.NO_DATA:
        headline = _("Mất dữ liệu: %(place)s") % {"place": subject.place or name}
        body = _("Không nhận được dữ liệu từ %(place)s trong %(minutes)s phút (tính đến %(at)s).") % {
            "place": subject.place or name, "minutes": _number(value), "at": _local(at)}
    else:
        where = subject.place or _("toàn tỉnh")
        headline = _("%(event)s: %(name)s %(value)s tại %(place)s") % {
            "event": rule.cap_event or rule.name, "name": name, "value": value_text, "place": where}
        body = _("%(name)s tại %(place)s lúc %(at)s: %(value)s (điều kiện cảnh báo: %(condition)s). "
                 "Mức độ: %(severity)s.") % {
            "name": name, "place": where, "at": _local(at), "value": value_text,
            "condition": rule.describe_condition(), "severity": Severity(severity).label}
    return Truncator(headline).chars(200), body


# --- Opening and updating events (called by evaluation) ---------------------------------------------


def open_event(*, rule, subject, value, at):
    """Open a new event for a breach, or return the active one if another worker opened it meanwhile."""
    severity = rule.severity_for(value)
    headline, message = compose(rule, subject, value, at, severity)
    circle, polygon = geometry_for(rule, subject)
    try:
        with transaction.atomic():
            event = AlertEvent.objects.create(
                rule=rule, subject_key=subject.key, series=subject.series, station=subject.station,
                indicator=subject.indicator, source=subject.source, area=subject.area,
                responsible_unit_id=rule.responsible_unit_id, severity=severity, trigger_value=value,
                worst_value=value, last_value=value, first_triggered_at=at, last_triggered_at=at, trigger_count=1,
                headline=headline, message=message, place=Truncator(subject.place).chars(255),
                is_public=rule.is_public, cap_circle=circle, cap_polygon=polygon, cap_sent_at=timezone.now(),
            )
    except IntegrityError:
        existing = AlertEvent.objects.active().filter(rule=rule, subject_key=subject.key).first()
        if existing is None:
            raise
        return existing, False
    EventNote.objects.create(event=event, kind=NoteKind.OPENED, at=at, text=message)
    audit.record(AuditAction.CREATE, obj=event, note=_("Phát sinh theo quy tắc %(rule)s") % {"rule": rule.name},
                 changes={"severity": [None, severity], "value": [None, value]})
    if _notifying.get():
        from .notify import event_opened

        event_opened(event)
    return event, True


def is_worse(rule, value, than):
    if than is None:
        return True
    if value is None:
        return False
    if rule.condition == Condition.BELOW:
        return value < than
    if rule.condition in (Condition.RATE_PERCENT, Condition.RATE_ABSOLUTE) and (rule.threshold or 0) < 0:
        return value < than
    return value > than


def note_breach(event, *, value, at, count=True):
    """A repeated breach: update the event in memory (the caller saves it); escalate when the value deserves
    a higher severity. Returns True when the severity rose."""
    rule = event.rule
    if count:
        event.trigger_count += 1
    event.last_triggered_at = max(event.last_triggered_at, at)
    event.last_value = value
    event.normal_since = None
    if is_worse(rule, value, event.worst_value):
        event.worst_value = value
    severity = rule.severity_for(value)
    if SEVERITY_RANK[Severity(severity)] > SEVERITY_RANK[Severity(event.severity)]:
        escalate(event, severity=severity, value=value, at=at)
        return True
    return False


def escalate(event, *, severity, value, at):
    old = event.severity
    event.severity = severity
    subject = Subject(key=event.subject_key, place=event.place, series=event.series, station=event.station,
                      indicator=event.indicator, source=event.source, area=event.area)
    event.headline, event.message = compose(event.rule, subject, value, at, severity)
    if event.is_public:
        event.cap_version += 1
        event.cap_sent_at = timezone.now()
    save_progress(event)
    text = _("Mức độ nâng từ %(old)s lên %(new)s: giá trị %(value)s lúc %(at)s.") % {
        "old": Severity(old).label, "new": Severity(severity).label, "value": event.value_text(value), "at": _local(at)}
    EventNote.objects.create(event=event, kind=NoteKind.ESCALATED, at=at, text=text)
    audit.record(AuditAction.UPDATE, obj=event, note=text, changes={"severity": [old, severity]})
    if _notifying.get():
        from .notify import event_escalated

        event_escalated(event, old)


PROGRESS_FIELDS = ["trigger_count", "last_triggered_at", "last_value", "worst_value", "normal_since", "severity",
                   "headline", "message", "cap_version", "cap_sent_at", "updated_at"]


def save_progress(event):
    """Save what evaluation changes, never the status or who handled it (a person may be acting meanwhile)."""
    event.updated_at = timezone.now()
    AlertEvent.objects.filter(pk=event.pk).update(**{f: getattr(event, f) for f in PROGRESS_FIELDS})


def auto_resolve(event, *, at=None, note=""):
    """Resolve by the system; quietly nothing when a person resolved it meanwhile."""
    try:
        return transition(event, S.RESOLVED, by=None, at=at, note=note)
    except TransitionError:
        return None


def resolve_quiet_events(*, now=None):
    """Resolve the events whose value has been normal for their rule's resolve-after time (run every minute,
    for series that went quiet after returning to normal)."""
    now = now or timezone.now()
    resolved = 0
    for event in AlertEvent.objects.active().filter(normal_since__isnull=False).select_related("rule"):
        if (now - event.normal_since).total_seconds() >= event.rule.resolve_after_minutes * 60:
            if auto_resolve(event, at=now):
                resolved += 1
    return resolved


def active_event(rule: AlertRule, key: str):
    return AlertEvent.objects.filter(rule=rule, subject_key=key, status__in=ACTIVE_STATUSES).select_related(
        "rule").first()
