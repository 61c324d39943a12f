"""Intake: every channel (web, hotline, Open311) makes the same kind of report through `submit_report`.

The report is stored and acknowledged first; photos are processed and messages sent afterwards by
background jobs, so a failing mail server or image library loses nothing. Re-sending with the same
idempotency key returns the stored report.
"""

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ioc.core import audit
from ioc.core.areas import nearest_commune, resolve_address
from ioc.core.models import AuditAction
from ioc.lib.fastinsert import insert
from ioc.lib.ratelimit import hit, hit_many

from .models import CodeSequence, EventKind, Follow, PhotoKind, Report, ReportEvent, ReportPhoto, Status
from .routing import route
from .workflow import deadlines_for

MAX_PHOTOS = 5

# Submissions per hour: anonymous senders per client address and per contact (e-mail, phone); signed-in people
# have a higher limit of their own. Channels without accounts (the web form, Open311) call `intake_allowed`.
RATE_LIMITS = {"address": 10, "contact": 5, "user": 30}
RATE_WINDOW = 3600


def _contact_key(contact):
    contact = (contact or "").strip().lower()
    if "@" in contact:
        return contact
    digits = "".join(c for c in contact if c.isdigit())
    return "0" + digits[2:] if digits.startswith("84") else digits


def intake_allowed(*, channel, address=None, user=None, contacts=()):
    """Count one submission; False when the sender is over a limit (then store nothing and answer 429)."""
    if user is not None and user.is_authenticated:
        return hit(f"feedback:{channel}:user:{user.pk}", limit=RATE_LIMITS["user"], window=RATE_WINDOW)
    keys = [(f"feedback:{channel}:address:{address}", RATE_LIMITS["address"])] if address else []
    keys += [(f"feedback:{channel}:contact:{key}", RATE_LIMITS["contact"])
             for key in sorted({_contact_key(c) for c in contacts if c}) if key]
    # Every key is counted (no short-circuit), so a sender over one limit keeps adding to the others.
    return all(hit_many(keys, window=RATE_WINDOW))


def next_code(year):
    """The next tracking code of the year, PA-2026-000123; call inside a transaction."""
    table = CodeSequence._meta.db_table
    with connection.cursor() as cursor:
        # One statement that increments and reads (SQLite 3.35+ and PostgreSQL both have RETURNING).
        cursor.execute(f'UPDATE "{table}" SET "last" = "last" + 1 WHERE "year" = %s RETURNING "last"', [year])
        row = cursor.fetchone()
    if row is None:  # the first report of the year
        seq, _created = CodeSequence.objects.select_for_update().get_or_create(year=year)
        seq.last += 1
        seq.save(update_fields=["last"])
        return f"PA-{year}-{seq.last:06d}"
    return f"PA-{year}-{row[0]:06d}"


def locate(*, latitude=None, longitude=None, address=""):
    """The current commune of a point, else of an address (former names resolve to today's commune)."""
    if latitude is not None and longitude is not None:
        area = nearest_commune(latitude, longitude)
        if area is not None:
            return area
    if address:
        return resolve_address(address)
    return None


def submit_report(*, channel, category, description, latitude=None, longitude=None, address="", reporter=None,
                  reporter_name="", reporter_email="", reporter_phone="", is_anonymous=False, photos=(),
                  attributes=None, priority=None, idempotency_key="", received_by=None, received_at=None,
                  area=None, idempotency_checked=False):
    """Store a new report and return (report, created). Input must already be validated.

    area: the commune when the caller already located it; idempotency_checked: the caller has just looked for
    a stored report with this key (a race is still caught by the unique index)."""
    if idempotency_key and not idempotency_checked:
        existing = Report.objects.filed_with_key(channel, idempotency_key)
        if existing:
            return existing, False
    if area is None:
        area = locate(latitude=latitude, longitude=longitude, address=address)
    received_at = received_at or timezone.now()
    priority = priority or category.default_priority
    acceptance_due, answer_due = deadlines_for(category, priority, received_at)
    rule = route(category, area)
    if reporter is not None:
        reporter_name = reporter_name or reporter.get_full_name()
        reporter_email = reporter_email or reporter.email
        reporter_phone = reporter_phone or reporter.phone
    try:
        with transaction.atomic():
            report = insert(Report(
                code=next_code(received_at.year), channel=channel, category=category, description=description.strip(),
                attributes=attributes or {}, latitude=latitude, longitude=longitude, address=address.strip(),
                area=area, reporter=reporter, reporter_name=reporter_name.strip(), reporter_email=reporter_email.strip(),
                reporter_phone=reporter_phone.strip(), is_anonymous=is_anonymous, received_by=received_by,
                status=Status.RECEIVED, priority=priority, lead_unit=rule.lead_unit if rule else None,
                received_at=received_at, acceptance_due=acceptance_due, answer_due=answer_due,
                idempotency_key=idempotency_key,
            ))
            if rule and rule.cooperating_unit_ids:
                links = Report.cooperating_units.through
                links.objects.bulk_create([links(report_id=report.pk, unit_id=unit_id)
                                           for unit_id in rule.cooperating_unit_ids])
            for upload in list(photos)[:MAX_PHOTOS]:
                ReportPhoto.objects.create(report=report, kind=PhotoKind.INTAKE, upload=upload)
            insert(ReportEvent(report=report, at=received_at, actor=received_by, kind=EventKind.TRANSITION,
                               to_status=Status.RECEIVED, note=_("Tiếp nhận qua %(channel)s.") % {
                                   "channel": report.get_channel_display()}))
            if reporter is not None:
                Follow.objects.get_or_create(report=report, user=reporter)
            audit.record(AuditAction.CREATE, obj=report, changes={"channel": [None, channel],
                                                                  "category": [None, category.code]})
    except IntegrityError:
        # Two identical submissions raced; the other one won.
        if idempotency_key:
            return Report.objects.get(channel=channel, idempotency_key=idempotency_key), False
        raise
    from .tasks import after_intake, queue

    # One background job: photos (when there are some), then the acknowledgement to the reporter. The report is
    # stored already: a queue that cannot be reached is logged, and the sweep `resume_intake` finishes the job.
    has_photos = bool(photos)
    transaction.on_commit(lambda: queue(after_intake, report.pk, has_photos))
    return report, True
