"""Background jobs of the feedback module: photos, messages to contacts, reminders and escalation."""

import io
import logging

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


@db_task(retries=3, retry_delay=30)
def after_intake(report_id, has_photos):
    """What follows a new report, off the request: its photos, then the acknowledgement to the reporter."""
    from .notify import report_received

    if has_photos:
        process_report_photos.call_local(report_id)
    report_received(report_id)


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
def message_contact(report_id, title, body):
    """Tell a reporter without an account, by e-mail or SMS, retried on failure."""
    from ioc.core.notifications import get_channel

    from .models import Report
    from .notify import tracking_path

    report = Report.objects.get(pk=report_id)
    url = tracking_path(report)
    if report.reporter_email:
        get_channel("email").send(address=report.reporter_email, subject=title, body=body, url=url)
    elif report.reporter_phone:
        get_channel("sms").send(address=report.reporter_phone, subject=title, body=body, url=url)


@db_periodic_task(crontab(minute="*/15"))
def watch_deadlines():
    from .deadlines import escalate_overdue, remind_due_soon, close_answered

    remind_due_soon(now=timezone.now())
    escalate_overdue(now=timezone.now())
    close_answered(now=timezone.now())
