"""Background jobs of the feedback module: photos, messages to contacts, reminders and escalation."""

import io
import logging
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

log = logging.getLogger(__name__)

MAX_SIDE = 1920
THUMB_SIDE = 320


@db_task(retries=2, retry_delay=10)
def rebuild_map(filters, language):
    """Rebuild the last copy of a public map after reports changed (see stats.map_entry)."""
    from django.utils import translation

    from . import stats

    with translation.override(language or None):
        stats.build_map_entry(stats.Filters.from_dict(filters))


RESUME_AFTER = timedelta(minutes=10)  # well after after_intake's own retries (3 × 30 s)
RESUME_WITHIN = timedelta(days=2)  # older reports are not acknowledged any more


def queue(task, *args):
    """Queue a job from a request that has already stored its change. When the queue cannot be reached, say so in
    the log and go on: the request must not fail (and report an error) for what is already saved; the sweep
    `resume_intake` finishes intake jobs once the queue is back."""
    try:
        task(*args)
    except Exception:  # Redis (or the SQLite task store) is down: whatever the client raises
        log.exception("could not queue %s%r", getattr(task, "name", task), args)


@db_task(retries=3, retry_delay=30)
def after_intake(report_id, has_photos):
    """What follows a new report, off the request: its photos, then the acknowledgement to the reporter."""
    finish_intake(report_id, has_photos)


def finish_intake(report_id, has_photos=True):
    from .models import Report
    from .notify import report_received

    if has_photos:
        process_report_photos.call_local(report_id)
    report_received(report_id)
    Report.objects.filter(pk=report_id).update(acknowledged_at=timezone.now())


@db_periodic_task(crontab(minute="*/10"))
def resume_intake():
    """Finish the intake of reports whose job never ran or never finished (the queue was down, the worker stopped):
    photos still pending, then the acknowledgement."""
    from .models import Report

    now = timezone.now()
    for report_id in (Report.objects.filter(acknowledged_at__isnull=True, received_at__gte=now - RESUME_WITHIN,
                                            received_at__lte=now - RESUME_AFTER)
                      .order_by("received_at").values_list("pk", flat=True)[:500]):
        try:
            finish_intake(report_id)
        except Exception:  # one report's failure (a mail server down) must not stop the others
            log.exception("resuming the intake of report %s failed", report_id)


@db_task(retries=3, retry_delay=30)
def process_report_photos(report_id):
    """Re-encode every pending photo of a report as JPEG without metadata, and make thumbnails."""
    from .models import ReportPhoto

    for photo in ReportPhoto.objects.filter(report_id=report_id, is_ready=False).exclude(upload=""):
        process_photo(photo)


def process_photo(photo):
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with photo.upload.open("rb") as handle:
            image = Image.open(handle)
            image.load()
        image = ImageOps.exif_transpose(image).convert("RGB")  # keep the orientation, drop EXIF (GPS, device)
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        photo.error = f"{type(exc).__name__}: {exc}"[:255]
        photo.save(update_fields=["error"])
        log.warning("photo %s of report %s unreadable: %s", photo.pk, photo.report_id, exc)
        return
    full, thumb = image.copy(), image.copy()
    full.thumbnail((MAX_SIDE, MAX_SIDE))
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
    for field, img, quality in (("image", full, 85), ("thumbnail", thumb, 75)):
        buffer = io.BytesIO()
        img.save(buffer, "JPEG", quality=quality, optimize=True)  # a fresh file: no metadata carried over
        getattr(photo, field).save(f"{field}.jpg", ContentFile(buffer.getvalue()), save=False)
    photo.upload.delete(save=False)  # the original may hold personal metadata
    photo.is_ready, photo.error = True, ""
    photo.save()


@db_task(retries=5, retry_delay=60)
def message_contact(report_id, title, body, personal=False):
    """Tell a reporter without an account, by e-mail or SMS, retried on failure. `personal`: the link is the
    reporter's own (rate the answer, ask for it to be handled again), not the public report page."""
    from ioc.core.notifications import get_channel

    from .models import Report
    from .notify import contact_path, tracking_path

    report = Report.objects.get(pk=report_id)
    url = contact_path(report) if personal and report.reporter_id is None else tracking_path(report)
    if report.reporter_email:
        get_channel("email").send(address=report.reporter_email, subject=title, body=body, url=url)
    elif report.reporter_phone:
        get_channel("sms").send(address=report.reporter_phone, subject=title, body=body, url=url)


@db_periodic_task(crontab(minute="*/15"))
def watch_deadlines():
    from .deadlines import close_answered, escalate_overdue, remind_acceptance_due_soon, remind_due_soon

    remind_acceptance_due_soon(now=timezone.now())
    remind_due_soon(now=timezone.now())
    escalate_overdue(now=timezone.now())
    close_answered(now=timezone.now())
