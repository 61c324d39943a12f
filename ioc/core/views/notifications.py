"""The in-app inbox and each user's choice of channels."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ..forms import NotificationPreferencesForm
from ..models import Notification


@login_required
def inbox(request):
    qs = request.user.notifications.all()
    if request.GET.get("unread") == "1":
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "core/inbox.html", {"page": page, "only_unread": request.GET.get("unread") == "1"})


@login_required
def open_notification(request, public_id):
    """Mark as read and go to the notification's link (only links inside this site)."""
    notification = get_object_or_404(Notification, public_id=public_id, recipient=request.user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "core:inbox"
    return redirect(target)


@login_required
@require_POST
def mark_all_read(request):
    request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("core:inbox")


@login_required
def preferences(request):
    form = NotificationPreferencesForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        from django.contrib import messages
        from django.utils.translation import gettext as _

        messages.success(request, _("Đã lưu tùy chọn nhận thông báo."))
        return redirect("core:notification_prefs")
    return render(request, "core/notification_prefs.html", {"form": form})
