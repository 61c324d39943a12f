"""Public CAP 1.2 publication: the Atom feed of active public alerts and each alert's CAP document. Open to
everyone (no personal data, no internal notes); events of non-public rules do not exist here."""

from django.http import Http404, HttpResponse
from django.urls import path
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from .. import cap
from ..models import AlertEvent


def _absolute(request):
    from django.conf import settings

    site = getattr(settings, "IOC_SITE_URL", "")
    return (lambda p: site + p) if site else request.build_absolute_uri


@require_GET
@cache_control(public=True, max_age=60)
def cap_feed(request):
    return HttpResponse(cap.render_feed(absolute=_absolute(request)),
                        content_type=f"{cap.ATOM_MIME}; charset=utf-8")


@require_GET
@cache_control(public=True, max_age=60)
def cap_alert(request, public_id):
    event = (AlertEvent.objects.filter(public_id=public_id, is_public=True)
             .select_related("rule", "area", "responsible_unit").first())
    if event is None:
        raise Http404
    return HttpResponse(cap.render_alert(event, absolute=_absolute(request)),
                        content_type=f"{cap.CAP_MIME}; charset=utf-8")


urlpatterns = [
    path("alerts/cap.atom", cap_feed, name="cap_feed"),
    path("alerts/<uuid:public_id>.cap.xml", cap_alert, name="cap_alert"),
]
