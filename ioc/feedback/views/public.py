"""Public pages of the feedback module: the report form, the acknowledgement, tracking by code, photos.

What a visitor sees of a report: a report in a public category (not rejected, not merged) shows its
description, commune, address, photos, public timeline, answer and rating. Any other report (a category that is
not public, a rejected or merged report) shows only its code, category, status and the steps of its timeline
without notes, because tracking codes are sequential and anyone can type one; its reporter, signed in, sees it
in full. Private fields (the reporter's name, e-mail, phone, account) and internal notes never appear here.
"""

import math
from datetime import timedelta

from django.contrib import messages
from django.db.models import Q
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, re_path, reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from ioc.core.access import get_access
from ioc.core.audit import client_ip
from ioc.core.models import Area
from ioc.lib.ratelimit import hit

from .. import workflow
from ..duplicates import suggest_for_intake
from ..forms import MAX_DESCRIPTION, LookupForm, RatingForm, ReopenForm, ReportForm, posted_token
from ..intake import intake_allowed, submit_report
from ..models import (
    DONE_STATUSES, Category, Channel, EventKind, FeedbackSettings, Follow, PhotoKind, Priority, Report, ReportPhoto,
    Status,
)
from ..notify import contact_key, contact_path
from ..workflow import TransitionError

CODE = r"PA-[0-9]{4}-[0-9]{6,}"

STATUS_HELP = {
    Status.RECEIVED: _("Trung tâm đã nhận phản ánh và đang xem xét, xác minh."),
    Status.VERIFIED: _("Phản ánh đã được xác minh và đang được chuyển đến cơ quan có thẩm quyền."),
    Status.REJECTED: _("Phản ánh không được tiếp nhận xử lý."),
    Status.ASSIGNED: _("Phản ánh đã được chuyển đến cơ quan xử lý."),
    Status.IN_PROGRESS: _("Cơ quan xử lý đang giải quyết phản ánh."),
    Status.ANSWERED: _("Cơ quan xử lý đã trả lời. Bạn có thể đánh giá kết quả."),
    Status.CLOSED: _("Phản ánh đã được giải quyết xong."),
    Status.REOPENED: _("Người phản ánh chưa hài lòng; phản ánh đang được xử lý lại."),
}

STEP_LABELS = {
    Status.RECEIVED: _("Tiếp nhận phản ánh"),
    Status.VERIFIED: _("Xác minh phản ánh"),
    Status.REJECTED: _("Không tiếp nhận xử lý"),
    Status.ASSIGNED: _("Chuyển cơ quan xử lý"),
    Status.IN_PROGRESS: _("Bắt đầu xử lý"),
    Status.ANSWERED: _("Trả lời kết quả xử lý"),
    Status.CLOSED: _("Kết thúc"),
    Status.REOPENED: _("Yêu cầu xử lý lại"),
}


# --- Helpers shared with the citizen pages and the hotline ----------------------------------------


def commune_points():
    """Centroids of today's communes, drawn on the map when no tile server is configured."""
    return [{"name": name, "lat": lat, "lon": lon} for name, lat, lon in
            Area.objects.communes().filter(latitude__isnull=False, longitude__isnull=False)
            .order_by("name").values_list("name", "latitude", "longitude")]


def existing_report(channel, data):
    """The report already stored for this form's submission token (a double submit or a re-send), if any."""
    token = posted_token(data)
    return Report.objects.filter(channel=channel, idempotency_key=token).first() if token else None


def can_see_details(user, report):
    """Description, location and photos: public reports; else their reporter and the staff who handle them."""
    if report.is_public:
        return True
    if not user.is_authenticated:
        return False
    access = get_access(user)
    if report.reporter_id is not None and access.owns(report.reporter_id):
        return True
    return access.has("feedback.view_staff") and Report.objects.for_access(access).filter(pk=report.pk).exists()


def photo_url(photo, field="image"):
    """The URL that serves a processed photo (or its thumbnail) of a report, checked like the report."""
    file = getattr(photo, field)
    if not file:
        return ""
    stem = file.name.rsplit("/", 1)[-1].removesuffix(".jpg")
    return reverse("feedback:photo", args=[photo.report.code, stem])


def _photos(report, kind):
    photos = ReportPhoto.objects.filter(report=report, kind=kind, is_ready=True).select_related("report")
    return [{"thumb": photo_url(p, "thumbnail"), "full": photo_url(p, "image")} for p in photos]


def _timeline(report, with_notes):
    steps = []
    for event in report.events.filter(is_public=True).select_related("actor_unit"):
        if event.kind == EventKind.TRANSITION and event.to_status:
            label = STEP_LABELS.get(event.to_status, Status(event.to_status).label)
        else:
            label = EventKind(event.kind).label
        steps.append({"at": event.at, "label": label, "unit": event.actor_unit.name if event.actor_unit_id else "",
                      "note": event.note if with_notes else ""})
    return steps


def reopen_deadline(report):
    """Until when the reporter may ask for the report to be handled again, or None."""
    if report.status not in DONE_STATUSES:
        return None
    done_at = report.answered_at or report.closed_at
    if done_at is None:
        return None
    return done_at + timedelta(days=FeedbackSettings.current().reopen_window_days)


def track_context(request, report, *, rating_form=None, reopen_form=None, contact=False):
    """The report page's context; `contact`: opened through the reporter's personal link (no account)."""
    user = request.user
    is_reporter = contact or (user.is_authenticated and report.reporter_id == user.pk)
    details = contact or can_see_details(user, report)
    context = {
        "report": report,
        "status_help": STATUS_HELP.get(report.status, ""),
        "details": details,
        "is_reporter": is_reporter,
        "timeline": _timeline(report, with_notes=details),
        "intake_photos": _photos(report, PhotoKind.INTAKE) if details else [],
        "answer_photos": _photos(report, PhotoKind.ANSWER) if details else [],
        "can_follow": user.is_authenticated and (report.is_public or is_reporter),
        "following": user.is_authenticated and Follow.objects.filter(report=report, user=user).exists(),
    }
    # A form sent back with errors is shown whatever the status, so its message is seen.
    if rating_form is not None or (is_reporter and report.status in DONE_STATUSES):
        context["rating_form"] = rating_form or RatingForm(
            initial={"stars": report.rating, "comment": report.rating_comment} if report.rating else None)
    deadline = reopen_deadline(report)
    if reopen_form is not None or (is_reporter and deadline and timezone.now() <= deadline):
        context["reopen_form"] = reopen_form or ReopenForm()
        context["reopen_until"] = deadline
    if contact:
        context["contact_url"] = contact_path(report)  # the forms post back to the personal link
    return context


def contact(request, code, key):
    """A reporter without an account rates the answer or asks for the report to be handled again, through the
    personal link of the answer message."""
    report = get_report(code)
    if report.reporter_id is not None or not constant_time_compare(key, contact_key(report)):
        raise Http404
    forms = {}
    if request.method == "POST":
        action = request.POST.get("action")
        form_class, field = {"rate": (RatingForm, "rating_form"), "reopen": (ReopenForm, "reopen_form")}.get(
            action, (None, None))
        if form_class is None:
            return redirect(contact_path(report))
        form = forms[field] = form_class(request.POST)
        if form.is_valid():
            try:
                if action == "rate":
                    workflow.rate(report=report, by=None, stars=form.cleaned_data["stars"],
                                  comment=form.cleaned_data["comment"], contact=True)
                    messages.success(request, _("Cảm ơn bạn đã đánh giá kết quả xử lý phản ánh %(code)s.")
                                     % {"code": report.code})
                else:
                    workflow.reopen(report=report, by=None, reason=form.cleaned_data["reason"], contact=True)
                    messages.success(request, _("Đã ghi nhận yêu cầu xử lý lại phản ánh %(code)s.")
                                     % {"code": report.code})
            except TransitionError as error:
                form.add_error(None, error)
            else:
                return redirect(contact_path(report))
        report = get_report(code)
    context = track_context(request, report, contact=True, **forms)
    response = render(request, "feedback/public/track.html", context, status=400 if forms else 200)
    response["Referrer-Policy"] = "no-referrer"  # the key stays out of other sites' logs
    response["Cache-Control"] = "private, no-store"
    return response


def get_report(code):
    return get_object_or_404(Report.objects.select_related("category", "area", "lead_unit", "merged_into"),
                             code=code)


# --- Views ----------------------------------------------------------------------------------------


def submit(request):
    """The public report form: no account needed; a signed-in citizen's contact comes from the account."""
    user = request.user if request.user.is_authenticated else None
    form = ReportForm(request.POST if request.method == "POST" else None,
                      request.FILES if request.method == "POST" else None, user=user)
    context = {"form": form, "communes": commune_points()}
    if request.method == "POST":
        already = existing_report(Channel.WEB, request.POST)
        if already is not None:
            return redirect("feedback:submitted", already.code)
        if form.is_valid():
            data = form.cleaned_data
            contacts = [] if user else [data.get("reporter_email"), data.get("reporter_phone")]
            if not intake_allowed(channel=Channel.WEB, address=client_ip(request), user=user, contacts=contacts):
                response = render(request, "feedback/public/submit.html", {**context, "rate_limited": True},
                                  status=429)
                response["Retry-After"] = "3600"
                return response
            report, _created = submit_report(
                channel=Channel.WEB, category=data["category"], description=data["description"],
                latitude=data.get("latitude"), longitude=data.get("longitude"), address=data.get("address", ""),
                reporter=user, reporter_name=data.get("reporter_name", ""),
                reporter_email=data.get("reporter_email", ""), reporter_phone=data.get("reporter_phone", ""),
                is_anonymous=data["is_anonymous"], photos=data["photos"], idempotency_key=form.idempotency_key(),
            )
            return redirect("feedback:submitted", report.code)
    return render(request, "feedback/public/submit.html", context)


def submitted(request, code):
    """The acknowledgement: the tracking code, its link, and what happens next with which deadlines."""
    report = get_report(code)
    category = report.category
    urgent = report.priority == Priority.URGENT
    return render(request, "feedback/public/submitted.html", {
        "report": report,
        "track_url": request.build_absolute_uri(reverse("feedback:track", args=[report.code])),
        "acceptance_hours": category.acceptance_hours_urgent if urgent else category.acceptance_hours,
        "answer_days": category.answer_days_urgent if urgent else category.answer_days,
        "reopen_days": FeedbackSettings.current().reopen_window_days,
    })


def lookup(request):
    """Find a report by its tracking code (case and spaces do not matter)."""
    form = LookupForm(request.GET if "code" in request.GET else None)
    if form.is_bound and form.is_valid():
        code = form.cleaned_data["code"]
        if Report.objects.filter(code=code).exists():
            return redirect("feedback:track", code)
        form.add_error("code", _("Không tìm thấy phản ánh có mã %(code)s. Hãy kiểm tra lại mã trong thư hoặc tin "
                                 "nhắn xác nhận.") % {"code": code})
    return render(request, "feedback/public/lookup.html", {"form": form})


def track(request, code):
    """The public page of a report."""
    report = get_report(code)
    return render(request, "feedback/public/track.html", track_context(request, report))


def photo(request, code, name):
    """A processed photo (metadata stripped) or its thumbnail, served under the same rule as the report."""
    report = get_report(code)
    if not can_see_details(request.user, report):
        raise Http404
    stored = f"feedback/{report.code}/{name}.jpg"
    item = ReportPhoto.objects.filter(report=report, is_ready=True).filter(Q(image=stored) | Q(thumbnail=stored)).first()
    if item is None:
        raise Http404
    file = item.image if item.image.name == stored else item.thumbnail
    try:
        handle = file.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=86400" if report.is_public else "private, max-age=3600"
    return response


SIMILAR_LIMIT = 5
SIMILAR_RATE = (60, 600)  # look-ups per address: 60 in 10 minutes (the form asks after a pause in typing)


@require_GET
def similar(request):
    """Public reports that a citizen about to send a report may recognise as theirs: open, of the same category,
    near the pin and alike in text (`duplicates.suggest_for_intake`). Public fields only; JSON for the form."""
    errors = {}
    category = None
    raw = request.GET.get("category", "")
    if raw.isdigit():
        category = Category.objects.filter(pk=raw, is_active=True).first()
    if category is None:
        errors["category"] = str(_("Hãy chọn một lĩnh vực trong danh sách."))
    point = []
    for name, low, high in (("lat", -90, 90), ("lon", -180, 180)):
        try:
            value = float(request.GET.get(name, ""))
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or not low <= value <= high:
            errors[name] = str(_("Tọa độ không hợp lệ."))
        point.append(value)
    description = request.GET.get("description", "")
    if len(description) > MAX_DESCRIPTION:
        errors["description"] = str(_("Nội dung dài quá %(n)d ký tự.") % {"n": MAX_DESCRIPTION})
    if errors:
        return JsonResponse({"errors": errors}, status=400, json_dumps_params={"ensure_ascii": False})
    if not hit(f"feedback:similar:{client_ip(request)}", limit=SIMILAR_RATE[0], window=SIMILAR_RATE[1]):
        return JsonResponse({"errors": {"__all__": str(_("Quá nhiều lượt tra cứu; hãy thử lại sau ít phút."))}},
                            status=429, headers={"Retry-After": str(SIMILAR_RATE[1])},
                            json_dumps_params={"ensure_ascii": False})
    found = [] if not category.is_public else suggest_for_intake(category, point[0], point[1], description,
                                                                  limit=SIMILAR_LIMIT)
    return JsonResponse({"reports": [{
        "code": report.code,
        "url": reverse("feedback:track", args=[report.code]),
        "category": report.category.label,
        "status": report.get_status_display(),
        "commune": report.area.name if report.area_id else "",
        "received": timezone.localtime(report.received_at).strftime("%d/%m/%Y"),
        "distance_m": report.distance_m,
        "excerpt": Truncator(report.description).chars(160),
    } for report in found]}, json_dumps_params={"ensure_ascii": False})


urlpatterns = [
    path("phan-anh/gui/", submit, name="submit"),
    path("phan-anh/gui/tuong-tu/", similar, name="similar"),
    re_path(rf"^phan-anh/(?P<code>{CODE})/nguoi-gui/(?P<key>[A-Za-z0-9_-]{{20,100}})/$", contact, name="contact"),
    path("phan-anh/tra-cuu/", lookup, name="lookup"),
    re_path(rf"^phan-anh/da-gui/(?P<code>{CODE})/$", submitted, name="submitted"),
    re_path(rf"^phan-anh/(?P<code>{CODE})/$", track, name="track"),
    re_path(rf"^phan-anh/(?P<code>{CODE})/anh/(?P<name>[0-9a-f]{{32}})\.jpg$", photo, name="photo"),
]
