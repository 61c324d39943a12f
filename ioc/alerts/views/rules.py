"""Alert rules: the list every staff member may read, and the editor of the IOC (alerts.manage_rules). Changes
are audited field by field (audit.track(AlertRule))."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from ioc.core.access import get_access, permission_required

from ..forms import AlertRuleForm
from ..models import ACTIVE_STATUSES, AlertRule


@permission_required("alerts.view")
def rule_list(request):
    rules = (AlertRule.objects.select_related("metric", "station", "indicator", "area", "source", "responsible_unit")
             .order_by("-is_active", "name"))
    active_counts = {}
    for rule_id in AlertRule.objects.filter(events__status__in=ACTIVE_STATUSES).values_list("pk", flat=True):
        active_counts[rule_id] = active_counts.get(rule_id, 0) + 1
    rows = list(rules)
    for rule in rows:
        rule.active_events = active_counts.get(rule.pk, 0)
    return render(request, "alerts/rules.html", {
        "rules": rows, "can_manage": get_access(request.user).has("alerts.manage_rules"),
    })


def _edit(request, rule=None):
    form = AlertRuleForm(request.POST or None, instance=rule)
    if request.method == "POST":
        if form.is_valid():
            saved = form.save()
            messages.success(request, (_("Đã lưu quy tắc “%(name)s”.") if rule else _("Đã tạo quy tắc “%(name)s”."))
                             % {"name": saved.name})
            return redirect(reverse("alerts:rules"))
        messages.error(request, _("Chưa lưu được quy tắc, hãy xem lỗi bên dưới."))
    return render(request, "alerts/rule_form.html", {"form": form, "rule": rule},
                  status=400 if form.is_bound and form.errors else 200)


@permission_required("alerts.manage_rules")
def rule_create(request):
    return _edit(request)


@permission_required("alerts.manage_rules")
def rule_edit(request, pk):
    return _edit(request, get_object_or_404(AlertRule, pk=pk))


urlpatterns = [
    path("canh-bao/quy-tac/", rule_list, name="rules"),
    path("canh-bao/quy-tac/them/", rule_create, name="rule_create"),
    path("canh-bao/quy-tac/<int:pk>/sua/", rule_edit, name="rule_edit"),
]
