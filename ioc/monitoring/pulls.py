"""Scheduled pulls (*lấy dữ liệu định kỳ*): data sources that publish JSON or CSV at an HTTP(S) address.

Every minute the periodic task `pull_due_sources` pulls the active pull sources whose `schedule_minutes` have
passed since their last pull. A source's `field_mapping` says which field of the published records holds each of
our fields, for readings {"station", "metric", "time", "value"} or for observations {"indicator", "area",
"period", "value", "quality", "note"}; a dotted name reaches into nested objects ("data.pm25"), a value starting
with "=" is a constant for every record ("=pm25"), and "records" names where the list of records is in a JSON
document ("data.items"). The pulled rows go through the same validation and all-or-nothing commit as files and the
push API, acting for the source's owner unit. A failure (unreachable address, HTTP error, bad rows) is recorded on
the source and as a failed batch; it never stops the worker.
"""

import csv
import hashlib
import io
import json
import logging
import socket
import urllib.error
import urllib.request
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from ioc.core import audit
from ioc.core.access import Access
from ioc.core.models import AuditAction
from ioc.core.roles import Role

from . import ingest
from .models import BatchStatus, DataSource, IngestBatch, PullFormat, SourceKind

log = logging.getLogger(__name__)

TIMEOUT_DEFAULT = 20
MAX_BYTES_DEFAULT = 20 * 1024 * 1024
LIST_KEYS = ("records", "data", "items", "results", "readings", "observations", "features")
USER_AGENT = "IOC-BacNinh-pull/1.0"


def pull_timeout():
    return getattr(settings, "IOC_PULL_TIMEOUT", TIMEOUT_DEFAULT)


def pull_max_bytes():
    return getattr(settings, "IOC_PULL_MAX_BYTES", MAX_BYTES_DEFAULT)


class PullError(Exception):
    """Why a pull failed, in words for the sources page."""


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme not in ("http", "https"):
            raise PullError(_("Địa chỉ chuyển hướng sang giao thức không được phép: %(url)s") % {"url": newurl[:200]})
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(source) -> bytes:
    """The body published at the source's address (http or https only, with a timeout and a size limit)."""
    url = (source.url or "").strip()
    if urlsplit(url).scheme not in ("http", "https"):
        raise PullError(_("Địa chỉ lấy dữ liệu phải bắt đầu bằng http:// hoặc https://."))
    headers = {"User-Agent": USER_AGENT,
               "Accept": "text/csv, */*" if source.pull_format == PullFormat.CSV else "application/json, */*"}
    if source.auth_header and ":" in source.auth_header:
        name, value = source.auth_header.split(":", 1)
        headers[name.strip()] = value.strip()
    request = urllib.request.Request(url, headers=headers, method="GET")
    opener = urllib.request.build_opener(_HttpOnlyRedirects)
    limit = pull_max_bytes()
    try:
        with opener.open(request, timeout=pull_timeout()) as response:
            data = response.read(limit + 1)
    except urllib.error.HTTPError as exc:
        raise PullError(_("Máy chủ nguồn trả về lỗi HTTP %(code)s %(reason)s.")
                        % {"code": exc.code, "reason": exc.reason}) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise PullError(_("Quá %(s)s giây không nhận được trả lời.") % {"s": pull_timeout()}) from None
        raise PullError(_("Không kết nối được tới nguồn: %(reason)s.") % {"reason": reason}) from None
    except (TimeoutError, socket.timeout):
        raise PullError(_("Quá %(s)s giây không nhận được trả lời.") % {"s": pull_timeout()}) from None
    except (OSError, ValueError) as exc:
        raise PullError(_("Không lấy được dữ liệu: %(error)s.") % {"error": exc}) from None
    if len(data) > limit:
        raise PullError(_("Dữ liệu lớn quá %(mb)s MB.") % {"mb": limit // (1024 * 1024)})
    return data


def _dig(document, path):
    for part in path.split("."):
        if isinstance(document, dict):
            document = document.get(part)
        elif isinstance(document, list) and part.isdigit() and int(part) < len(document):
            document = document[int(part)]
        else:
            return None
    return document


def records_of(source, data):
    """The list of records in a pulled body (dicts, whatever the format)."""
    if source.pull_format == PullFormat.CSV:
        from .files import FileProblem, _decode

        try:
            text = _decode(data)
        except FileProblem as exc:
            raise PullError(str(exc)) from None
        first_line = text.split("\n", 1)[0]
        delimiter = max((",", ";", "\t"), key=first_line.count)
        try:
            return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error as exc:
            raise PullError(_("Tệp CSV bị lỗi cấu trúc: %(error)s.") % {"error": exc}) from None
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise PullError(_("Dữ liệu không phải JSON hợp lệ (%(error)s).") % {"error": str(exc)[:200]}) from None
    path = (source.field_mapping or {}).get("records")
    if path:
        document = _dig(document, path)
    elif isinstance(document, dict):
        document = next((document[k] for k in LIST_KEYS if isinstance(document.get(k), list)), document)
    if isinstance(document, dict):
        document = [document]
    if not isinstance(document, list):
        raise PullError(_("Không tìm thấy danh sách bản ghi trong dữ liệu (khai báo “records” trong ánh xạ trường)."))
    return document


def target_of(source):
    mapping = source.field_mapping or {}
    return ingest.OBSERVATIONS if "indicator" in mapping else ingest.READINGS


def _column(records, spec):
    if spec is None:
        return [None] * len(records)
    spec = str(spec)
    if spec.startswith("="):
        return [spec[1:]] * len(records)
    if "." in spec:
        return [_dig(r, spec) if isinstance(r, dict) else None for r in records]
    return [r.get(spec) if isinstance(r, dict) else None for r in records]


def _check_mapping(source, target):
    mapping = source.field_mapping or {}
    wanted = ingest.READING_FIELDS if target == ingest.READINGS else ingest.OBSERVATION_REQUIRED
    missing = [f for f in wanted if not mapping.get(f)]
    if missing:
        raise PullError(_("Ánh xạ trường thiếu: %(fields)s.") % {"fields": ", ".join(missing)})
    return mapping


def _delivery(source):
    access = Access(user_id=None, roles=frozenset({Role.OFFICER}), unit_ids=frozenset({source.owner_unit_id}))
    return ingest.Delivery(access=access, kind=SourceKind.PULL, unit=source.owner_unit, source=source)


def pull_source(source, *, now=None):
    """Pull one source now, write what it publishes, and record the result on the source. Never raises;
    returns the batch written or refused (None when nothing new was published or the fetch failed early)."""
    now = now or timezone.now()
    DataSource.objects.filter(pk=source.pk).update(last_pull_at=now)
    delivery = _delivery(source)
    batch = None
    try:
        target = target_of(source)
        mapping = _check_mapping(source, target)
        data = fetch(source)
        digest = hashlib.sha256(data).hexdigest()
        last = (IngestBatch.objects.filter(source=source, kind=SourceKind.PULL, status=BatchStatus.COMMITTED)
                .order_by("-created_at").values_list("content_hash", flat=True).first())
        if last == digest:
            _succeeded(source, now)  # the source publishes what was already written: nothing new
            return None
        records = records_of(source, data)
        if len(records) > ingest.max_rows():
            raise PullError(_("Nguồn trả về %(n)s bản ghi, vượt giới hạn %(limit)s.")
                            % {"n": len(records), "limit": ingest.max_rows()})
        if target == ingest.READINGS:
            validator = ingest.ReadingValidator(delivery, now=now)
            validated = validator.validate(*(_column(records, mapping[f]) for f in ingest.READING_FIELDS))
        else:
            validator = ingest.ObservationValidator(delivery)
            columns = {f: _column(records, mapping.get(f)) for f in ingest.OBSERVATION_FIELDS}
            validated = validator.validate(
                (i + 1, {f: columns[f][i] for f in ingest.OBSERVATION_FIELDS}) for i in range(len(records)))
        if not validated.ok:
            batch = ingest.reject(delivery, validated, content_hash=digest).batch
            first = validated.errors[0] if validated.errors else {}
            raise PullError(_("%(n)s dòng không hợp lệ, không dòng nào được ghi; ví dụ dòng %(row)s: %(message)s")
                            % {"n": validated.errors_total, "row": first.get("row"), "message": first.get("message")})
        batch = ingest.commit(delivery, validated, validator=validator, content_hash=digest).batch
        _succeeded(source, now)
        return batch
    except PullError as exc:
        return _failed(source, delivery, str(exc), batch)
    except Exception as exc:  # a pull must never stop the worker
        log.exception("Pull of data source %s failed", source.code)
        return _failed(source, delivery, _("Lỗi ngoài dự kiến khi lấy dữ liệu (%(kind)s).")
                       % {"kind": type(exc).__name__}, batch)


def _succeeded(source, now):
    DataSource.objects.filter(pk=source.pk).update(last_success_at=now, last_error="", consecutive_failures=0)


def _failed(source, delivery, message, batch):
    DataSource.objects.filter(pk=source.pk).update(last_error=message[:2000],
                                                   consecutive_failures=F("consecutive_failures") + 1)
    if batch is None:
        batch = IngestBatch.objects.create(
            kind=SourceKind.PULL, source=source, unit=delivery.unit, target=target_of(source),
            status=BatchStatus.FAILED, errors=[ingest.row_error(None, "source", message)],
            summary={"errors_total": 1, "url": source.url[:500]}, finished_at=timezone.now())
    audit.record(AuditAction.UPDATE, obj=source, changes={"last_error": [None, message[:200]]},
                 note=f"pull failed (batch {batch.pk})")
    return batch


def due_sources(now=None):
    """Active pull sources whose schedule says it is time to pull."""
    now = now or timezone.now()
    sources = (DataSource.objects.filter(kind=SourceKind.PULL, is_active=True, schedule_minutes__gt=0)
               .exclude(url="").select_related("owner_unit"))
    # A few seconds of slack: the task runs on the minute, a pull takes time.
    return [s for s in sources if s.last_pull_at is None
            or s.last_pull_at + timedelta(minutes=s.schedule_minutes) <= now + timedelta(seconds=5)]


def pull_due(now=None):
    """Pull every due source once. Each source is claimed with a conditional update, so two workers running
    the task at the same minute do not pull the same source twice. Returns the number pulled."""
    now = now or timezone.now()
    pulled = 0
    for source in due_sources(now):
        if not DataSource.objects.filter(pk=source.pk, last_pull_at=source.last_pull_at).update(last_pull_at=now):
            continue
        pull_source(source, now=now)
        pulled += 1
    return pulled


@db_periodic_task(crontab(minute="*"))
def pull_due_sources():
    pull_due()
