from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from ..access import permission_required
from ..health import health_report


@never_cache
def healthz(request):
    """Machine-readable health: 200 when every component answers, 503 otherwise."""
    healthy, report = health_report()
    body = {"status": "ok" if healthy else "down", "time": timezone.now().isoformat(), "components": report}
    return JsonResponse(body, status=200 if healthy else 503)


@permission_required("core.view_system_health")
def system_status(request):
    healthy, report = health_report()
    return render(request, "core/system.html", {"healthy": healthy, "report": report})
