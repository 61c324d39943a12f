"""Data sources (*nguồn dữ liệu*) for the IOC's operators and administrators: what each source last delivered,
which pulls fail, which sources went silent, and the recent batches that were refused."""

from datetime import timedelta

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ioc.core import audit
from ioc.core.access import permission_required
from ioc.core.models import AuditAction

from .. import pulls
from .ingest import error_count
from ..models import BatchStatus, DataSource, IngestBatch, SourceKind

RECENT_ERRORS = 30


@permission_required("monitoring.manage_sources")
def sources(request):
    now = timezone.now()
    since = now - timedelta(days=7)
    rows = list(DataSource.objects.select_related("owner_unit").annotate(
        batches_week=Count("batches", filter=Q(batches__created_at__gte=since)),
        failed_week=Count("batches", filter=Q(batches__created_at__gte=since,
                                              batches__status__in=[BatchStatus.REJECTED, BatchStatus.FAILED])),
    ).order_by("owner_unit__name", "name"))
    for source in rows:
        source.stale = source.is_stale(now)
    failing = list(IngestBatch.objects.filter(status__in=[BatchStatus.REJECTED, BatchStatus.FAILED]).select_related(
        "source", "unit", "user", "api_key").order_by("-created_at")[:RECENT_ERRORS])
    for batch in failing:
        batch.errors_count = error_count(batch)
    return render(request, "monitoring/sources/list.html", {
        "sources": rows, "failing": failing, "now": now,
        "stale_count": sum(1 for s in rows if s.stale),
        "failing_count": sum(1 for s in rows if s.consecutive_failures),
    })


@require_POST
@permission_required("monitoring.manage_sources")
def pull_now(request, code):
    source = get_object_or_404(DataSource.objects.select_related("owner_unit"), code=code, kind=SourceKind.PULL)
    audit.record(AuditAction.UPDATE, obj=source, note="pull requested from the data sources page")
    batch = pulls.pull_source(source)
    source.refresh_from_db()
    if source.consecutive_failures:
        messages.error(request, _("Lấy dữ liệu từ “%(name)s” không thành công: %(error)s")
                       % {"name": source.name, "error": source.last_error})
    elif batch is None:
        messages.info(request, _("Nguồn “%(name)s” chưa có dữ liệu mới.") % {"name": source.name})
    else:
        messages.success(request, _("Đã lấy %(n)s dòng từ “%(name)s”.") % {"n": batch.rows_received,
                                                                            "name": source.name})
    return redirect("monitoring:sources")


urlpatterns = [
    path("giam-sat/nguon-du-lieu/", sources, name="sources"),
    path("giam-sat/nguon-du-lieu/<slug:code>/lay-ngay/", pull_now, name="source_pull"),
]
