"""Staff work spaces: the page of one report with the actions its viewer may take now, the IOC triage queue
and the units' inbox. Access is checked here on every request (`get_report_for_staff`); every change goes
through ioc.feedback.workflow, which records the timeline and the audit log."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.forms import Form
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ioc.core import worktime
from ioc.core.access import get_access, permission_required
from ioc.core.worktime import working_time_between

from .. import stats, workflow
from ..duplicates import duplicate_counts, suggest_duplicates
from ..models import (
    HANDLING_STATUSES, OPEN_STATUSES, UNIT_STATUSES, ExtensionStatus, PhotoKind, Report, ReportPhoto,
    ResponseTemplate, Status,
)
from ..routing import Router, route
from ..staff_forms import (
    AnswerForm, AssignForm, BulkAssignForm, BulkStartForm, DecideExtensionForm, ExtensionForm, InboxFilterForm,
    InternalNoteForm, MergeForm, NoteForm, PriorityForm, ReasonForm, RejectForm, TransferForm, TriageFilterForm,
    descendants,
)

S = Status
PAGE_SIZE = 50
MAX_BULK = 200
CODE_PATTERN = re.compile(r"^PA-\d{4}-\d{1,6}$", re.IGNORECASE)


# --- Deadline countdown, in working time ------------------------------------------------------------


@dataclass(frozen=True)
class Countdown:
    due: datetime
    text: str
    overdue: bool
    soon: bool  # less than one working day left

    @property
    def css(self):
        return "tag-danger" if self.overdue else "tag-warn" if self.soon else "tag-ok"


def _duration(delta):
    """A working-time span as "1 ngày 2 giờ" or "3 giờ 20 phút" (a day is one working day)."""
    day_minutes = int(worktime.default_working_time().day_length.total_seconds() // 60)
    days, rest = divmod(int(delta.total_seconds() // 60), day_minutes)
    hours, minutes = divmod(rest, 60)
    if days:
        if hours:
            return _("%(d)d ngày %(h)d giờ") % {"d": days, "h": hours}
        return (_("%(d)d ngày %(m)d phút") if minutes else _("%(d)d ngày")) % {"d": days, "m": minutes}
    if hours:
        return (_("%(h)d giờ %(m)d phút") if minutes else _("%(h)d giờ")) % {"h": hours, "m": minutes}
    return _("%(m)d phút") % {"m": minutes}


def countdown(due, now):
    """How much working time is left before due ("còn 3 giờ 20 phút làm việc"), or how late it is."""
    if due is None:
        return None
    if due <= now:
        late = working_time_between(due, now)
        text = (_("quá hạn %(t)s làm việc") % {"t": _duration(late)} if late >= timedelta(minutes=1)
                else _("quá hạn"))
        return Countdown(due, text, True, False)
    left = working_time_between(now, due)
    text = _("còn %(t)s làm việc") % {"t": _duration(left)} if left >= timedelta(minutes=1) else _("sắp đến hạn")
    return Countdown(due, text, False, left <= worktime.default_working_time().day_length)


STATUS_CSS = {S.REJECTED: "tag-danger", S.ANSWERED: "tag-ok", S.CLOSED: "tag-ok", S.REOPENED: "tag-warn"}


def _decorate(row, now, url_pattern):
    """What a list row shows besides its fields, computed here once rather than by template tags and filters
    for each of the 50 rows (the list pages must answer in well under 100 ms)."""
    row.url = url_pattern.replace("PA-0000-000000", row.code)
    row.due_text = worktime.to_local(row.answer_due).strftime("%H:%M %d/%m/%Y") if row.answer_due else "—"
    row.countdown = countdown(row.current_deadline(), now)
    row.status_css = STATUS_CSS.get(row.status, "")
    text = " ".join(row.description.split())
    row.excerpt = text if len(text) <= 120 else text[:119].rstrip() + "…"
    return row


# --- Access ---------------------------------------------------------------------------------------


def get_report_for_staff(request, code):
    """The report with this code if the user may see it on the staff side; 404 otherwise (an officer of
    another unit learns nothing, not even that the code exists)."""
    access = get_access(request.user)
    report = (Report.objects.for_access(access)
              .select_related("category", "area", "lead_unit", "reporter", "received_by", "merged_into")
              .filter(code=code).first())
    if report is None:
        raise Http404
    return report


def shows_reporter(report, access):
    """IOC operators, administrators and leaders see who reported; agencies only when not anonymous."""
    return access.has("feedback.see_reporter") or not report.is_anonymous


def _next_url(request):
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return ""


# --- Actions on one report ------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    label: str
    done: str  # success message, with %(code)s
    form: type[Form]
    run: Callable
    form_kwargs: Callable = lambda report: {}


def _pending_extension(report):
    return report.extensions.filter(status=ExtensionStatus.PENDING).first()


def _answer(report, by, data):
    workflow.answer(report=report, by=by, text=data["text"])
    if data.get("note", "").strip():
        workflow.add_note(report=report, by=by, text=data["note"])
    if data["photos"]:
        for upload in data["photos"]:
            ReportPhoto.objects.create(report=report, kind=PhotoKind.ANSWER, upload=upload)
        from ..tasks import process_report_photos

        transaction.on_commit(lambda: process_report_photos(report.pk))


def _decide(report, by, data):
    extension = _pending_extension(report)
    if extension is None:
        raise ValidationError(_("Không có đề nghị gia hạn nào đang chờ duyệt."))
    workflow.decide_extension(extension=extension, by=by, approve=data["decision"] == "approve", note=data["note"])


ACTIONS = {
    "verify": Action(gettext_lazy("Xác minh"), gettext_lazy("Đã xác minh phản ánh %(code)s."), NoteForm,
                     lambda r, by, d: workflow.verify(report=r, by=by, note=d["note"])),
    "reject": Action(gettext_lazy("Từ chối"), gettext_lazy("Đã từ chối phản ánh %(code)s."), RejectForm,
                     lambda r, by, d: workflow.reject(report=r, by=by, reason=d["reason"], note=d["note"])),
    "assign": Action(gettext_lazy("Chuyển xử lý"), gettext_lazy("Đã chuyển phản ánh %(code)s cho đơn vị xử lý."),
                     AssignForm, lambda r, by, d: workflow.assign(report=r, unit=d["unit"], by=by,
                                                                  cooperating=d["cooperating"], note=d["note"])),
    "start": Action(gettext_lazy("Bắt đầu xử lý"), gettext_lazy("Phản ánh %(code)s đang được xử lý."), NoteForm,
                    lambda r, by, d: workflow.start(report=r, by=by, note=d["note"])),
    "answer": Action(gettext_lazy("Trả lời"), gettext_lazy("Đã gửi trả lời phản ánh %(code)s."), AnswerForm,
                     _answer),
    "return": Action(gettext_lazy("Trả lại Trung tâm IOC"), gettext_lazy("Đã trả phản ánh %(code)s về Trung tâm IOC."),
                     ReasonForm, lambda r, by, d: workflow.return_to_ioc(report=r, by=by, reason=d["reason"])),
    "transfer": Action(gettext_lazy("Chuyển đơn vị khác"), gettext_lazy("Đã chuyển phản ánh %(code)s sang đơn vị khác."),
                       TransferForm, lambda r, by, d: workflow.transfer(report=r, to_unit=d["unit"], by=by,
                                                                        reason=d["reason"]),
                       lambda report: {"report": report}),
    "extension": Action(gettext_lazy("Xin gia hạn"), gettext_lazy("Đã gửi đề nghị gia hạn phản ánh %(code)s."),
                        ExtensionForm, lambda r, by, d: workflow.request_extension(report=r, by=by, days=d["days"],
                                                                                   reason=d["reason"])),
    "decide-extension": Action(gettext_lazy("Duyệt gia hạn"), gettext_lazy("Đã xử lý đề nghị gia hạn phản ánh %(code)s."),
                               DecideExtensionForm, _decide),
    "close": Action(gettext_lazy("Đóng phản ánh"), gettext_lazy("Đã đóng phản ánh %(code)s."), NoteForm,
                    lambda r, by, d: workflow.close(report=r, by=by, note=d["note"])),
    "reopen": Action(gettext_lazy("Xử lý lại"), gettext_lazy("Phản ánh %(code)s được xử lý lại."), ReasonForm,
                     lambda r, by, d: workflow.reopen(report=r, by=by, reason=d["reason"])),
    "merge": Action(gettext_lazy("Gộp vào phản ánh khác"), gettext_lazy("Đã gộp phản ánh %(code)s."), MergeForm,
                    lambda r, by, d: workflow.merge(duplicate=r, into=d["into"], by=by),
                    lambda report: {"report": report}),
    "priority": Action(gettext_lazy("Đổi mức độ"), gettext_lazy("Đã đổi mức độ của phản ánh %(code)s."),
                       PriorityForm, lambda r, by, d: workflow.set_priority(report=r, by=by, priority=d["priority"],
                                                                            reason=d["reason"])),
    "note": Action(gettext_lazy("Thêm ghi chú nội bộ"), gettext_lazy("Đã thêm ghi chú nội bộ vào %(code)s."),
                   InternalNoteForm, lambda r, by, d: workflow.add_note(report=r, by=by, text=d["text"])),
}


def available_actions(report, user, access, pending=None):
    """The names of the actions this user may take on the report now, in the order they are shown."""
    targets = set(workflow.allowed_targets(report, user))
    status = report.status
    handles = S.ANSWERED in targets  # the lead unit's staff (and the IOC) may answer, so may transfer, extend
    names = []
    if S.VERIFIED in targets and status in (S.RECEIVED, S.REJECTED):
        names.append("verify")
    if S.ASSIGNED in targets:
        names.append("assign")
    if S.IN_PROGRESS in targets:
        names.append("start")
    if S.ANSWERED in targets:
        names.append("answer")
    if S.CLOSED in targets:
        names.append("close")
    if S.REJECTED in targets:
        names.append("reject")
    if S.VERIFIED in targets and status in (S.ASSIGNED, S.IN_PROGRESS):
        names.append("return")
    if handles and status in HANDLING_STATUSES:
        names.append("transfer")
        if pending is None:
            names.append("extension")
    if pending is not None and access.has("feedback.triage"):
        names.append("decide-extension")
    if S.REOPENED in targets:
        names.append("reopen")
    if access.has("feedback.triage") and status in (S.RECEIVED, S.VERIFIED) and not report.merged_into_id:
        names.append("merge")
    if access.has("feedback.triage") and status in OPEN_STATUSES and not report.merged_into_id:
        names.append("priority")
    names.append("note")
    return names


def _auto_id(action):
    # Several action forms share field names on one page; their element ids must stay unique.
    return f"id_{action.replace('-', '_')}_%s"


def _assign_initial(report):
    """The assignment form pre-filled from the routing rules (or the unit routing chose at intake)."""
    if report.lead_unit_id:
        return {"unit": report.lead_unit_id, "cooperating": list(report.cooperating_units.values_list("pk", flat=True))}
    rule = route(report.category, report.area)
    if rule is None:
        return {}
    return {"unit": rule.lead_unit_id, "cooperating": list(rule.cooperating_units.values_list("pk", flat=True))}


def _render_report(request, report, *, bound=None, status=200):
    user, access, now = request.user, get_access(request.user), timezone.now()
    pending = _pending_extension(report)
    names = available_actions(report, user, access, pending)
    bound = bound or {}
    names += [name for name in bound if name not in names]  # a refused action still shows why
    forms = {}
    for name in names:
        spec = ACTIONS[name]
        if name in bound:
            forms[name] = bound[name]
        else:
            initial = _assign_initial(report) if name == "assign" else {}
            forms[name] = spec.form(initial=initial, auto_id=_auto_id(name), **spec.form_kwargs(report))
    visible = shows_reporter(report, access)
    events = list(report.events.select_related("actor", "actor_unit"))
    for event in events:
        event.actor_label = _actor_label(event, report, visible)
    suggestions = []
    if report.is_open and not report.merged_into_id:
        suggestions = suggest_duplicates(report)
        if not access.province_wide:
            seen = set(Report.objects.for_access(access).filter(pk__in=[s.pk for s in suggestions])
                       .values_list("pk", flat=True))
            suggestions = [s for s in suggestions if s.pk in seen]
    templates = []
    if "answer" in forms:
        unit_ids = {report.lead_unit_id, *access.unit_ids} - {None}
        templates = ResponseTemplate.objects.filter(unit_id__in=unit_ids).select_related("unit")
    photos = list(report.photos.all())
    located = report.latitude is not None and report.longitude is not None
    return render(request, "feedback/staff/report.html", {
        "report": report,
        # Without a tile server the map draws the communes' centroids around the pin, as the public map does.
        "map_communes": stats.commune_markers() if located and not settings.MAP_TILE_URL else None,
        "show_reporter": visible,
        "acceptance": countdown(report.acceptance_due, now) if report.status == S.RECEIVED else None,
        "answer_countdown": countdown(report.answer_due, now) if report.is_open else None,
        "cooperating_units": report.cooperating_units.all(),
        "merged_reports": Report.objects.for_access(access).filter(merged_into=report).only("code", "status"),
        "intake_photos": [p for p in photos if p.kind == PhotoKind.INTAKE],
        "answer_photos": [p for p in photos if p.kind == PhotoKind.ANSWER],
        "events": events,
        "extensions": report.extensions.select_related("requested_by", "decided_by"),
        "pending_extension": pending,
        "actions": [(name, ACTIONS[name], forms[name]) for name in names],
        "open_action": next(iter(bound), ""),
        "suggestions": suggestions,
        "can_merge": "merge" in names,
        "response_templates": templates,
        "can_see_merged_into": report.merged_into_id is not None and Report.objects.for_access(access).filter(
            pk=report.merged_into_id).exists(),
    }, status=status)


def _actor_label(event, report, show_reporter):
    if event.actor_id is None:
        # Reports sent from the web form or an app have no staff actor: the reporter sent them.
        return _("Người phản ánh") if event.to_status == S.RECEIVED and not event.from_status else _("Hệ thống")
    if event.actor_id == report.reporter_id:
        return (event.actor.get_full_name() or event.actor.get_username()) if show_reporter else _("Người phản ánh")
    name = event.actor.get_full_name() or event.actor.get_username()
    return f"{name} ({event.actor_unit.name})" if event.actor_unit_id else name


@permission_required("feedback.view_staff")
def staff_report(request, code):
    return _render_report(request, get_report_for_staff(request, code))


@require_POST
@permission_required("feedback.view_staff")
def report_action(request, code, action):
    """One action on one report (a POST form of the staff page); errors are shown at the form."""
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    report = get_report_for_staff(request, code)
    form = spec.form(request.POST, request.FILES, auto_id=_auto_id(action), **spec.form_kwargs(report))
    if form.is_valid():
        try:
            with transaction.atomic():
                spec.run(report, request.user, form.cleaned_data)
        except ValidationError as exc:  # TransitionError included; PermissionDenied goes on to a 403
            form.add_error(None, exc.messages)
        else:
            messages.success(request, spec.done % {"code": report.code})
            return redirect(_next_url(request) or reverse("feedback:staff_report", args=[report.code]))
    messages.error(request, _("Chưa thực hiện được “%(action)s”: hãy xem lỗi tại biểu mẫu.") % {"action": spec.label})
    return _render_report(request, get_report_for_staff(request, code), bound={action: form}, status=400)


@permission_required("feedback.view_staff")
def staff_photo(request, code, photo_id, size):
    """A processed photo of a report the user may see (media files are not served publicly)."""
    report = get_report_for_staff(request, code)
    photo = report.photos.filter(pk=photo_id, is_ready=True).first()
    image = None if photo is None or size not in ("nho", "lon") else photo.thumbnail if size == "nho" else photo.image
    if not image:
        raise Http404
    response = FileResponse(image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- Lists ----------------------------------------------------------------------------------------


def _page(request, qs):
    """One page of an ordered report queryset, in two steps: the page's ids first (the sort reads only the
    index, not the wide rows of every matching report), then those rows with what the list shows."""
    page = Paginator(qs.values_list("pk", flat=True), PAGE_SIZE).get_page(request.GET.get("page"))
    ids = list(page.object_list)
    rows = Report.objects.filter(pk__in=ids).select_related("category", "area", "lead_unit").in_bulk()
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    return page


def filter_fields(form):
    """The fields of a filter form, ready for a plain template (Django's widget templates render every
    <option> through a template of its own, which costs more than the whole list on a page of 50 rows)."""
    fields = []
    for bound in form:
        widget = bound.field.widget
        value = bound.value()
        values = {str(v) for v in value} if isinstance(value, (list, tuple)) else {"" if value is None else str(value)}
        kind = {"checkbox": "checkbox", "select": "select"}.get(getattr(widget, "input_type", ""), "text")
        options = [(str(v), label, str(v) in values) for v, label in bound.field.choices] if kind == "select" else []
        fields.append({"name": bound.html_name, "id": bound.auto_id, "label": bound.label, "kind": kind,
                       "value": "" if value in (None, False) else value, "checked": bool(value) and kind == "checkbox",
                       "multiple": getattr(widget, "allow_multiple_selected", False), "options": options,
                       "errors": bound.errors, "required": bound.field.required})
    return fields


# --- The IOC triage queue -------------------------------------------------------------------------


def _query_string(request, drop=("page",)):
    return urlencode([(k, v) for k in request.GET for v in request.GET.getlist(k) if k not in drop and v])


@permission_required("feedback.triage")
def triage(request):
    return _render_triage(request)


def _render_triage(request, *, bulk_form=None, status=200):
    now = timezone.now()
    filters = TriageFilterForm(request.GET or None)
    qs = Report.objects.awaiting_triage()
    if filters.is_bound:
        filters.is_valid()  # a wrong value is reported at its field; the other filters still apply
        qs = filters.filter(qs, now)
    page = _page(request, qs.order_by("received_at", "id"))
    rows = page.object_list
    counts = duplicate_counts(rows)
    router = Router()
    url_pattern = reverse("feedback:staff_report", args=["PA-0000-000000"])
    for row in rows:
        _decorate(row, now, url_pattern)
        row.duplicate_count = counts.get(row.pk, 0)
        rule = router.route(row.category_id, row.area_id)
        row.suggested_unit = row.lead_unit if row.lead_unit_id else (rule.lead_unit if rule else None)
    verified = [r.code for r in rows if r.status == S.VERIFIED]
    bulk_form = bulk_form or BulkAssignForm(codes=verified, auto_id="bulk_%s")
    return render(request, "feedback/staff/triage.html", {
        "filters": filters, "filter_fields": filter_fields(filters), "page": page, "rows": rows,
        "query_string": _query_string(request), "bulk_form": bulk_form, "has_verified": bool(verified),
        "bulk_fields": [f for f in filter_fields(bulk_form) if f["name"] != "reports"],
        "here": request.get_full_path(),
    }, status=status)


@require_POST
@permission_required("feedback.triage")
def triage_assign(request):
    """Bulk assignment: several verified reports to one unit, each through workflow.assign."""
    posted = request.POST.getlist("reports")[:MAX_BULK]
    known = list(Report.objects.filter(code__in=posted).values_list("code", flat=True))
    form = BulkAssignForm(request.POST, codes=known, auto_id="bulk_%s")
    if not form.is_valid():
        messages.error(request, _("Chưa chuyển được: hãy xem lỗi tại biểu mẫu chuyển hàng loạt."))
        return _render_triage(request, bulk_form=form, status=400)
    unit, cooperating = form.cleaned_data["unit"], form.cleaned_data["cooperating"]
    done, failed = _each(form.cleaned_data["reports"], request.user,
                         lambda report, by: workflow.assign(report=report, unit=unit, by=by, cooperating=cooperating))
    if done:
        messages.success(request, _("Đã chuyển %(n)d phản ánh cho %(unit)s: %(codes)s.")
                         % {"n": len(done), "unit": unit.name, "codes": ", ".join(done)})
    _report_failures(request, failed)
    return redirect(_next_url(request) or reverse("feedback:triage"))


def _each(codes, user, move):
    """Apply move to each report on its own (one failure does not undo the others): (done, failed)."""
    done, failed = [], []
    reports = {r.code: r for r in Report.objects.filter(code__in=codes)}
    for code in codes:
        try:
            with transaction.atomic():
                move(reports[code], user)
        except ValidationError as exc:
            failed.append((code, " ".join(exc.messages)))
        except PermissionDenied:
            failed.append((code, _("Bạn không có quyền thực hiện bước này.")))
        else:
            done.append(code)
    return done, failed


def _report_failures(request, failed):
    for code, error in failed:
        messages.error(request, _("%(code)s chưa thực hiện được: %(error)s") % {"code": code, "error": error})


# --- The units' inbox -----------------------------------------------------------------------------


def inbox_queryset(access, data, now):
    """The reports of the user's units (province-wide roles: all, or one unit) matching the filters.

    Unit staff see the reports that reached their units; the common case (lead unit, handling statuses,
    ordered by deadline) is served by the (lead_unit, status, answer_due) index.
    """
    status = data.get("status") or ""
    if access.province_wide:
        qs = Report.objects.all()
        if data.get("unit"):
            qs = qs.filter(lead_unit=data["unit"])
        statuses = Status.values
    else:
        statuses = list(UNIT_STATUSES)
        if data.get("scope") == "cooperating":
            through = Report.cooperating_units.through.objects.filter(unit_id__in=access.unit_ids)
            qs = Report.objects.filter(pk__in=through.values("report_id")).exclude(lead_unit_id__in=access.unit_ids)
        else:
            qs = Report.objects.filter(lead_unit_id__in=access.unit_ids)
    if status == "all":
        qs = qs.filter(status__in=statuses)
    elif status in statuses:
        qs = qs.filter(status=status)
    else:
        qs = qs.filter(status__in=HANDLING_STATUSES)
    if data.get("category"):
        qs = qs.filter(category_id__in=descendants(data["category"]))
    if data.get("area"):
        qs = qs.filter(area=data["area"])
    if data.get("overdue"):
        qs = qs.overdue(now)
    if data.get("due_soon"):
        day = worktime.default_working_time().day_length.total_seconds() / 3600
        qs = qs.open().filter(answer_due__gte=now, answer_due__lte=worktime.add_working_hours(now, day))
    text = (data.get("q") or "").strip()
    if CODE_PATTERN.match(text):
        qs = qs.filter(code=text.upper())
    elif text:
        qs = qs.filter(description__icontains=text)
    order = {"-due": ("-answer_due", "-id"), "-received": ("-received_at", "-id")}.get(data.get("sort"),
                                                                                       ("answer_due", "id"))
    return qs.order_by(*order)


def _may_bulk_start(access):
    return bool(access.head_unit_ids) or access.has("feedback.triage")


@permission_required("feedback.view_staff")
def inbox(request):
    return _render_inbox(request)


def _render_inbox(request, *, bulk_form=None, status=200):
    access, now = get_access(request.user), timezone.now()
    filters = InboxFilterForm(request.GET or None, province_wide=access.province_wide)
    data = {}
    if filters.is_bound:
        filters.is_valid()  # a wrong value is reported at its field; the other filters still apply
        data = filters.cleaned_data
    page = _page(request, inbox_queryset(access, data, now))
    rows = page.object_list
    url_pattern = reverse("feedback:staff_report", args=["PA-0000-000000"])
    for row in rows:
        _decorate(row, now, url_pattern)
    can_bulk = _may_bulk_start(access)
    startable = [r.code for r in rows if r.status in (S.ASSIGNED, S.REOPENED)] if can_bulk else []
    return render(request, "feedback/staff/inbox.html", {
        "filters": filters, "filter_fields": filter_fields(filters), "page": page, "rows": rows, "query_string": _query_string(request),
        "province_wide": access.province_wide, "can_bulk": can_bulk and bool(startable),
        "startable": set(startable), "bulk_form": bulk_form, "here": request.get_full_path(),
    }, status=status)


@require_POST
@permission_required("feedback.handle")
def inbox_start(request):
    """Bulk action of unit heads: start handling several reports, each through workflow.start."""
    access = get_access(request.user)
    if not _may_bulk_start(access):
        raise PermissionDenied
    posted = request.POST.getlist("reports")[:MAX_BULK]
    known = list(Report.objects.for_access(access).filter(code__in=posted).values_list("code", flat=True))
    form = BulkStartForm(request.POST, codes=known)
    if not form.is_valid():
        messages.error(request, _("Chưa thực hiện được: hãy chọn các phản ánh cần bắt đầu xử lý."))
        return _render_inbox(request, bulk_form=form, status=400)
    done, failed = _each(form.cleaned_data["reports"], request.user,
                         lambda report, by: workflow.start(report=report, by=by))
    if done:
        messages.success(request, _("Đã bắt đầu xử lý %(n)d phản ánh: %(codes)s.")
                         % {"n": len(done), "codes": ", ".join(done)})
    _report_failures(request, failed)
    return redirect(_next_url(request) or reverse("feedback:inbox"))


urlpatterns = [
    path("xu-ly/", inbox, name="inbox"),
    path("xu-ly/bat-dau-xu-ly/", inbox_start, name="inbox_start"),
    path("xu-ly/tiep-nhan/", triage, name="triage"),
    path("xu-ly/tiep-nhan/chuyen-xu-ly/", triage_assign, name="triage_assign"),
    path("xu-ly/phan-anh/<str:code>/", staff_report, name="staff_report"),
    path("xu-ly/phan-anh/<str:code>/anh/<int:photo_id>/<str:size>/", staff_photo, name="staff_photo"),
    path("xu-ly/phan-anh/<str:code>/<slug:action>/", report_action, name="staff_action"),
]
