"""The public home page and one home page per role."""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..access import get_access
from ..models import Area, AreaLevel, AuditAction, AuditEvent, Holiday, Membership, Unit, UnitKind
from ..panels import panels_for
from ..roles import Role

User = get_user_model()


def public_home(request):
    province = Area.objects.filter(level=AreaLevel.PROVINCE, is_current=True).first()
    communes = Area.objects.communes()
    return render(request, "core/public_home.html", {
        "province": province,
        "commune_counts": communes.values("kind").annotate(n=Count("id")).order_by("kind"),
        "commune_total": communes.count(),
        "former_commune_total": Area.objects.historical().filter(level=AreaLevel.COMMUNE).count(),
        "unit_total": Unit.objects.active().count(),
    })


@login_required
def home(request):
    access = get_access(request.user)
    role = access.primary_role or Role.CITIZEN
    context = {
        "role": role,
        "recent_notifications": request.user.notifications.all()[:5],
        "upcoming_holidays": Holiday.objects.filter(date__gte=timezone.localdate(), kind="holiday")[:4],
        "my_memberships": request.user.memberships.select_related("unit").order_by("unit__name"),
    }
    context["work_panels"] = panels_for(access)  # each module's summary of today's work (<app>/home.py)
    context["panel_stylesheets"] = list(dict.fromkeys(p["stylesheet"] for p in context["work_panels"]
                                                      if p["stylesheet"]))
    if role in (Role.OFFICER, Role.UNIT_HEAD):
        units = Unit.objects.filter(pk__in=access.unit_ids)
        context["my_units"] = units.annotate(
            staff_count=Count("memberships__user", distinct=True), area_count=Count("areas", distinct=True))
    if role == Role.UNIT_HEAD:
        context["unit_staff"] = Membership.objects.filter(unit_id__in=access.head_unit_ids).select_related(
            "user", "unit").order_by("unit__name", "role")
    if access.province_wide:
        staff = User.objects.filter(is_active=True, memberships__isnull=False).distinct()
        context.update({
            "commune_total": Area.objects.communes().count(),
            "unit_counts": Unit.objects.active().values("kind").annotate(n=Count("id")).order_by("kind"),
            "unit_kind_labels": dict(UnitKind.choices),
            "staff_total": staff.count(),
            "staff_with_2fa": staff.filter(
                pk__in=TOTPDevice.objects.filter(confirmed=True).values("user_id")).count(),
            "citizen_total": User.objects.filter(is_active=True, memberships__isnull=True).count(),
        })
    if role in (Role.ADMIN, Role.OPERATOR):
        from ..health import health_report

        context["healthy"], context["health"] = health_report()
    if role == Role.ADMIN:
        since = timezone.now() - timezone.timedelta(days=1)
        context["recent_audit"] = AuditEvent.objects.all()[:8]
        context["failed_logins_24h"] = AuditEvent.objects.filter(
            action=AuditAction.LOGIN_FAILED, at__gte=since).count()
        context["changes_24h"] = AuditEvent.objects.filter(
            at__gte=since, action__in=[AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE]).count()
    return render(request, f"core/home_{role}.html", context)
