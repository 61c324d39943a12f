"""The 1022 hotline: an IOC operator records a phone call as a report on the caller's behalf."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from ioc.core.access import permission_required

from ..forms import HotlineForm
from ..intake import submit_report
from ..models import Channel
from .public import commune_points, existing_report


@permission_required("feedback.hotline")
def hotline(request):
    form = HotlineForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        report = existing_report(Channel.HOTLINE, request.POST)
        if report is None and form.is_valid():
            data = form.cleaned_data
            report, _created = submit_report(
                channel=Channel.HOTLINE, category=data["category"], description=data["description"],
                latitude=data.get("latitude"), longitude=data.get("longitude"), address=data["address"],
                reporter_name=data["caller_name"], reporter_phone=data["caller_phone"],
                reporter_email=data["caller_email"], is_anonymous=data["is_anonymous"],
                priority=data["priority"] or None, idempotency_key=form.idempotency_key(), received_by=request.user,
            )
            messages.success(request, _("Đã ghi nhận phản ánh %(code)s. Hãy đọc mã này cho người gọi để tra cứu.")
                             % {"code": report.code})
        if report is not None:
            return redirect("feedback:staff_report", report.code)
    return render(request, "feedback/public/hotline.html", {"form": form, "communes": commune_points()})


urlpatterns = [
    path("xu-ly/1022/", hotline, name="hotline"),
]
