"""A signed-in citizen's pages: their own and followed reports; rating, reopening, following a report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, re_path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import workflow
from ..forms import RatingForm, ReopenForm
from ..models import Report
from ..workflow import TransitionError
from .public import CODE, get_report, track_context


@login_required
def mine(request):
    """The reports I sent, and the reports I follow."""
    own = Report.objects.filter(reporter=request.user).select_related("category", "area")
    page = Paginator(own, 20).get_page(request.GET.get("page"))
    followed = (Report.objects.filter(followers__user=request.user).exclude(reporter=request.user)
                .select_related("category", "area")[:100])
    return render(request, "feedback/citizen/mine.html", {"page": page, "followed": followed})


def _own_report(request, code):
    report = get_report(code)
    if report.reporter_id != request.user.pk:
        raise PermissionDenied(_("Chỉ người gửi phản ánh mới thực hiện được thao tác này."))
    return report


def _track_again(request, report, **forms):
    return render(request, "feedback/public/track.html", track_context(request, report, **forms), status=400)


@login_required
@require_POST
def rate(request, code):
    report = _own_report(request, code)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            workflow.rate(report=report, by=request.user, stars=form.cleaned_data["stars"],
                          comment=form.cleaned_data["comment"])
        except TransitionError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Cảm ơn bạn đã đánh giá kết quả xử lý phản ánh %(code)s.") % {"code": code})
            return redirect("feedback:track", code)
    return _track_again(request, report, rating_form=form)


@login_required
@require_POST
def reopen(request, code):
    report = _own_report(request, code)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            workflow.reopen(report=report, by=request.user, reason=form.cleaned_data["reason"])
        except TransitionError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Đã ghi nhận yêu cầu xử lý lại phản ánh %(code)s.") % {"code": code})
            return redirect("feedback:track", code)
    return _track_again(request, report, reopen_form=form)


@login_required
@require_POST
def follow(request, code):
    report = get_report(code)
    if not (report.is_public or report.reporter_id == request.user.pk):
        raise Http404  # following sends updates (the answer too): not for reports the public may not read
    workflow.follow(report=report, user=request.user)
    messages.success(request, _("Bạn sẽ nhận thông báo khi phản ánh %(code)s có cập nhật.") % {"code": code})
    return redirect("feedback:track", code)


@login_required
@require_POST
def unfollow(request, code):
    report = get_report(code)
    workflow.unfollow(report=report, user=request.user)
    messages.success(request, _("Bạn đã bỏ theo dõi phản ánh %(code)s.") % {"code": code})
    return redirect("feedback:track", code)


urlpatterns = [
    path("phan-anh/cua-toi/", mine, name="mine"),
    re_path(rf"^phan-anh/(?P<code>{CODE})/danh-gia/$", rate, name="rate"),
    re_path(rf"^phan-anh/(?P<code>{CODE})/xu-ly-lai/$", reopen, name="reopen"),
    re_path(rf"^phan-anh/(?P<code>{CODE})/theo-doi/$", follow, name="follow"),
    re_path(rf"^phan-anh/(?P<code>{CODE})/bo-theo-doi/$", unfollow, name="unfollow"),
]
