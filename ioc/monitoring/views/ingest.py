"""File upload (*nhập số liệu từ tệp*): templates to download, upload → preview with every error → commit.

An upload is validated at once and kept as a preview batch (the file is stored with it); nothing is written until
someone of the same unit confirms, and the confirmation reads and validates the stored file again, so what is
written is exactly what passed the checks, all or nothing.
"""

import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ioc.core.access import get_access, permission_required
from ioc.core.models import Area, AreaLevel

from .. import files, ingest
from ..models import (OBSERVED_FREQUENCIES, BatchStatus, DataSource, IngestBatch, Indicator, Metric, Sector,
                      SourceKind, Station)

TARGET_CHOICES = [
    (ingest.OBSERVATIONS, gettext_lazy("Số liệu chỉ tiêu theo kỳ (tháng, quý, năm…)")),
    (ingest.READINGS, gettext_lazy("Giá trị đo của trạm quan trắc")),
]
TEMPLATE_KINDS = {"chi-tieu": ingest.OBSERVATIONS, "quan-trac": ingest.READINGS}


def target_label(target):
    return dict(TARGET_CHOICES).get(target, target)


class UploadForm(forms.Form):
    target = forms.ChoiceField(label=gettext_lazy("Loại số liệu"), choices=TARGET_CHOICES, widget=forms.RadioSelect,
                               initial=ingest.OBSERVATIONS)
    file = forms.FileField(label=gettext_lazy("Tệp số liệu"),
                           error_messages={"empty": gettext_lazy("Tệp trống."),
                                           "required": gettext_lazy("Hãy chọn tệp số liệu.")},
                           help_text=gettext_lazy("Tệp CSV hoặc Excel (.xlsx) theo tệp mẫu; dòng đầu là tiêu đề cột."))
    source = forms.ModelChoiceField(label=gettext_lazy("Nguồn dữ liệu"), queryset=DataSource.objects.none(),
                                    required=False, empty_label=gettext_lazy("— Không gắn với nguồn nào —"))
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)

    def __init__(self, *args, delivery, **kwargs):
        super().__init__(*args, **kwargs)
        sources = DataSource.objects.filter(is_active=True, kind=SourceKind.UPLOAD).select_related("owner_unit")
        if not delivery.writes_anywhere:
            sources = sources.filter(owner_unit_id__in=delivery.access.unit_ids)
        self.fields["source"].queryset = sources
        self.fields["source"].help_text = _("Không bắt buộc; chọn khi tệp là một kỳ báo cáo của nguồn đã đăng ký.")
        if not self.is_bound:
            self.initial["idempotency_key"] = uuid.uuid4().hex

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > files.max_bytes():
            raise forms.ValidationError(_("Tệp lớn quá %(mb)s MB; hãy chia thành nhiều tệp.")
                                        % {"mb": files.max_bytes() // (1024 * 1024)})
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx", ".xlsm", ".txt", ".xls")):
            raise forms.ValidationError(_("Chỉ nhận tệp CSV (.csv) hoặc Excel (.xlsx)."))
        return upload


def _delivery(request, access, source=None):
    return ingest.Delivery(access=access, kind=SourceKind.UPLOAD, unit=ingest.default_unit(access),
                           user=request.user, source=source)


def _batches_for(access):
    batches = IngestBatch.objects.filter(kind=SourceKind.UPLOAD).select_related("user", "unit", "source")
    if access.has("monitoring.manage_sources"):
        return batches
    return batches.filter(Q(unit_id__in=access.unit_ids) | Q(user_id=access.user_id))


def _get_batch(request, public_id):
    """The upload batch, if the user may see it: their unit's, their own, or any for the IOC."""
    access = get_access(request.user)
    batch = get_object_or_404(IngestBatch.objects.select_related("user", "unit", "source"), public_id=public_id)
    if batch.kind != SourceKind.UPLOAD and not access.has("monitoring.manage_sources"):
        raise Http404
    if not (access.has("monitoring.manage_sources") or batch.unit_id in access.unit_ids
            or batch.user_id == access.user_id):
        raise PermissionDenied
    return access, batch


@permission_required("monitoring.ingest")
def upload(request):
    access = get_access(request.user)
    delivery = _delivery(request, access)
    form = UploadForm(request.POST or None, request.FILES or None, delivery=delivery)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            result = _receive(request, delivery, form)
            if isinstance(result, IngestBatch):
                return redirect("monitoring:upload_batch", public_id=result.public_id)
            form.add_error("file", result)
        status = 400
    page = Paginator(_batches_for(access), 20).get_page(request.GET.get("page"))
    for batch in page:
        batch.errors_count = error_count(batch)
    sectors = Sector.objects.filter(indicators__in=_writable_indicators(delivery)).distinct()
    return render(request, "monitoring/ingest/upload.html", {
        "form": form, "page": page, "sectors": sectors, "max_mb": files.max_bytes() // (1024 * 1024),
        "max_rows": ingest.max_rows(), "labels": ingest.field_labels(),
    }, status=status)


def _receive(request, delivery, form):
    """Validate an uploaded file and keep it as a batch; returns the batch, or a message for the form."""
    upload_file = form.cleaned_data["file"]
    target = form.cleaned_data["target"]
    delivery.source = form.cleaned_data.get("source")
    try:
        key = ingest.clean_idempotency_key(form.cleaned_data.get("idempotency_key"))
    except ValueError as exc:
        return str(exc)
    replay = ingest.find_replay(delivery, key)
    if replay is not None:  # the same form sent twice (a double click, a reload)
        return replay
    data = upload_file.read()
    try:
        table = files.read_table(upload_file.name, data, target)
    except files.FileProblem as exc:
        return str(exc)
    digest = files.content_hash(data)
    validated = _validate(delivery, table, digest)
    batch = ingest.new_batch(
        delivery, target, status=BatchStatus.PREVIEW if validated.ok else BatchStatus.REJECTED,
        received=validated.received, idempotency_key=key, content_hash=digest, filename=upload_file.name[:255],
        summary={**validated.summary, "preview": table.preview(), "columns": table.column_letters(),
                 "header_row": table.header_row, "valid_rows": len(validated.rows) if validated.ok else
                 _valid_rows(validated)},
        errors=validated.errors, errors_total=validated.errors_total,
    )
    if not validated.ok:
        batch.finished_at = timezone.now()
    batch.file.save(f"{batch.public_id}.{upload_file.name.rsplit('.', 1)[-1].lower()}", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            batch.save()
    except IntegrityError:
        batch.file.delete(save=False)
        return ingest.find_replay(delivery, key) or _("Tệp đang được xử lý; hãy tải lại trang.")
    return batch


def error_count(batch):
    return (batch.summary or {}).get("errors_total", len(batch.errors or []))


def _valid_rows(validated):
    return validated.received - len({e["row"] for e in validated.errors if e.get("row")})


def _validate(delivery, table, digest):
    """Check every row of a table; a file already written is refused as a whole."""
    labels = ingest.field_labels()
    if table.target == ingest.READINGS:
        validator = ingest.ReadingValidator(delivery)
        if table.missing:
            validated = ingest.Validated(table.target, received=len(table.rows))
        else:
            columns = table.columns
            numbers, stations, metrics, times, values = [], [], [], [], []
            for row, cells in table.rows:
                width = len(cells)
                numbers.append(row)
                stations.append(_cell_text(cells, columns["station"], width))
                metrics.append(_cell_text(cells, columns["metric"], width))
                times.append(cells[columns["time"]] if columns["time"] < width else None)
                values.append(cells[columns["value"]] if columns["value"] < width else None)
            validated = validator.validate(stations, metrics, times, values, numbers)
    else:
        validator = ingest.ObservationValidator(delivery)
        validated = (ingest.Validated(table.target, received=len(table.rows)) if table.missing
                     else validator.validate(table.records()))
    for name in table.missing:
        validated.add(table.header_row, name, _("Thiếu cột “%(column)s” ở dòng tiêu đề.") % {"column": labels[name]})
    if not table.rows:
        validated.add(table.header_row + 1, "", _("Tệp không có dòng số liệu nào dưới dòng tiêu đề."))
    earlier = ingest.find_committed_content(delivery, digest, table.target)
    if earlier is not None:
        when = timezone.localtime(earlier.finished_at or earlier.created_at).strftime("%H:%M %d/%m/%Y")
        validated.add(None, "file", _("Tệp này đã được ghi lúc %(when)s (lô %(batch)s); số liệu không được ghi lần "
                                      "nữa. Nếu cần sửa số liệu, hãy tải lên tệp đã sửa.")
                      % {"when": when, "batch": str(earlier.public_id)[:8]})
    validated.errors.sort(key=lambda e: (e["row"] or 0))
    validated.validator = validator
    return validated


def _cell_text(cells, index, width):
    if index >= width or cells[index] is None:
        return None
    value = cells[index]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


@permission_required("monitoring.ingest")
def upload_batch(request, public_id):
    access, batch = _get_batch(request, public_id)
    labels = ingest.field_labels()
    letters = batch.summary.get("columns", {})
    preview = batch.summary.get("preview") or {"fields": [], "rows": []}
    errors = [{**e, "label": _column_label(e.get("column"), labels, letters)} for e in batch.errors or []]
    return render(request, "monitoring/ingest/batch.html", {
        "batch": batch, "target_label": target_label(batch.target), "errors": errors,
        "errors_total": batch.summary.get("errors_total", len(errors)),
        "preview_fields": [labels.get(f, f) for f in preview["fields"]], "preview_rows": preview["rows"],
        "can_commit": batch.status == BatchStatus.PREVIEW and _may_act(access, batch),
    })


def _column_label(column, labels, letters):
    if not column:
        return ""
    label = str(labels.get(column, column))
    if column in letters:
        return _("%(label)s (cột %(letter)s)") % {"label": label, "letter": letters[column]}
    return label


def _may_act(access, batch):
    return access.has("monitoring.ingest") and (
        access.has("monitoring.manage_sources") or batch.unit_id in access.unit_ids or batch.user_id == access.user_id)


@require_POST
@permission_required("monitoring.ingest")
def upload_confirm(request, public_id):
    access, batch = _get_batch(request, public_id)
    if not _may_act(access, batch):
        raise PermissionDenied
    with transaction.atomic():
        batch = IngestBatch.objects.select_for_update(of=("self",)).select_related("source").get(pk=batch.pk)
        if batch.status != BatchStatus.PREVIEW:
            if batch.status == BatchStatus.COMMITTED:
                messages.info(request, _("Lô số liệu này đã được ghi trước đó."))
            else:
                messages.error(request, _("Lô số liệu này không còn chờ xác nhận."))
            return redirect("monitoring:upload_batch", public_id=batch.public_id)
        delivery = ingest.Delivery(access=access, kind=SourceKind.UPLOAD, unit=batch.unit, user=request.user,
                                   source=batch.source)
        try:
            with batch.file.open("rb") as stored:
                data = stored.read()
            table = files.read_table(batch.filename or batch.file.name, data, batch.target)
        except (OSError, files.FileProblem) as exc:
            _fail(batch, str(exc) if isinstance(exc, files.FileProblem) else _("Không đọc lại được tệp đã lưu."))
            messages.error(request, _("Không ghi được: tệp đã lưu không đọc lại được."))
            return redirect("monitoring:upload_batch", public_id=batch.public_id)
        validated = _validate(delivery, table, batch.content_hash)
        if not validated.ok:
            # Something changed since the preview (an indicator closed, the same file written by a colleague).
            batch.status = BatchStatus.REJECTED
            batch.errors = validated.errors
            batch.summary = {**batch.summary, "errors_total": validated.errors_total}
            batch.finished_at = timezone.now()
            batch.save(update_fields=["status", "errors", "summary", "finished_at"])
            messages.error(request, _("Kiểm tra lại trước khi ghi thấy lỗi; không dòng nào được ghi."))
            return redirect("monitoring:upload_batch", public_id=batch.public_id)
        outcome = ingest.commit(delivery, validated, validator=validated.validator, batch=batch)
    messages.success(request, _("Đã ghi %(n)s dòng số liệu từ tệp %(name)s.")
                     % {"n": outcome.batch.rows_received, "name": batch.filename})
    return redirect("monitoring:upload_batch", public_id=batch.public_id)


def _fail(batch, message):
    batch.status = BatchStatus.FAILED
    batch.errors = [ingest.row_error(None, "file", message)]
    batch.summary = {**batch.summary, "errors_total": 1}
    batch.finished_at = timezone.now()
    batch.save(update_fields=["status", "errors", "summary", "finished_at"])


@require_POST
@permission_required("monitoring.ingest")
def upload_cancel(request, public_id):
    access, batch = _get_batch(request, public_id)
    if not _may_act(access, batch):
        raise PermissionDenied
    updated = IngestBatch.objects.filter(pk=batch.pk, status=BatchStatus.PREVIEW).update(
        status=BatchStatus.CANCELLED, finished_at=timezone.now())
    if updated:
        messages.info(request, _("Đã hủy lô số liệu; không dòng nào được ghi."))
    return redirect("monitoring:upload")


@permission_required("monitoring.ingest")
def upload_errors(request, public_id):
    _access, batch = _get_batch(request, public_id)
    response = HttpResponse(files.error_report_csv(batch), content_type="text/csv; charset=utf-8")
    name = (batch.filename.rsplit(".", 1)[0] or "tep") if batch.filename else str(batch.public_id)[:8]
    response["Content-Disposition"] = f'attachment; filename="loi-{_ascii(name)}.csv"'
    return response


def _ascii(text):
    from ioc.core.areas import search_key

    return search_key(text).replace(" ", "-")[:60] or "tep"


def _writable_indicators(delivery):
    indicators = Indicator.objects.active().filter(frequency__in=OBSERVED_FREQUENCIES)
    if not delivery.writes_anywhere:
        indicators = indicators.filter(owner_unit_id__in=delivery.access.unit_ids)
    return indicators


@permission_required("monitoring.ingest")
def upload_template(request, kind):
    target = TEMPLATE_KINDS.get(kind)
    if target is None:
        raise Http404
    access = get_access(request.user)
    delivery = _delivery(request, access)
    fmt = "csv" if request.GET.get("dinh-dang") == "csv" else "xlsx"
    if target == ingest.OBSERVATIONS:
        indicators = _writable_indicators(delivery).select_related("sector")
        sector_code = request.GET.get("nganh", "")
        name = "mau-chi-tieu"
        if sector_code:
            indicators = indicators.filter(sector__code=sector_code)
            name += f"-{_ascii(sector_code)}"
        areas = sorted(Area.objects.filter(is_current=True, level__in=[AreaLevel.PROVINCE, AreaLevel.COMMUNE]),
                       key=lambda a: (a.level != AreaLevel.PROVINCE, a.name))
        content, content_type, ext = files.observation_template(indicators, areas, fmt)
    else:
        stations = Station.objects.active().order_by("code")
        if not delivery.writes_anywhere:
            stations = stations.filter(owner_unit_id__in=access.unit_ids)
        content, content_type, ext = files.reading_template(stations, Metric.objects.all(), fmt)
        name = "mau-quan-trac"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{ext}"'
    return response


urlpatterns = [
    path("giam-sat/nhap-so-lieu/", upload, name="upload"),
    path("giam-sat/nhap-so-lieu/tep-mau/<slug:kind>/", upload_template, name="upload_template"),
    path("giam-sat/nhap-so-lieu/lo/<uuid:public_id>/", upload_batch, name="upload_batch"),
    path("giam-sat/nhap-so-lieu/lo/<uuid:public_id>/ghi/", upload_confirm, name="upload_confirm"),
    path("giam-sat/nhap-so-lieu/lo/<uuid:public_id>/huy/", upload_cancel, name="upload_cancel"),
    path("giam-sat/nhap-so-lieu/lo/<uuid:public_id>/loi.csv", upload_errors, name="upload_errors"),
]
