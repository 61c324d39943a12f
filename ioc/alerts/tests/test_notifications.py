"""Notifications go to the responsible unit's staff and the IOC operators once when an event opens and again when
its severity rises; repeated breaches tell no one, and other units hear nothing."""

from ioc.core.models import Notification

from .conftest import BASE  # noqa: F401


def recipients(topic):
    return sorted(Notification.objects.filter(topic=topic).values_list("recipient__username", flat=True))


def test_opening_tells_the_unit_and_the_operators_once(make_rule, series, write, people):
    make_rule(threshold=50)
    write(series["kinh_bac"], [(0, 60.0)])
    assert recipients("alerts.opened") == ["head", "officer", "operator"]
    write(series["kinh_bac"], [(10, 65.0)])
    write(series["kinh_bac"], [(20, 70.0)])
    assert Notification.objects.filter(topic__startswith="alerts.").count() == 3
    title = Notification.objects.filter(topic="alerts.opened").first().title
    assert title.startswith("Cảnh báo trung bình:")


def test_escalation_tells_them_again(make_rule, series, write, people):
    make_rule(threshold=50, severity="Moderate", escalation_threshold=100, escalation_severity="Extreme")
    write(series["kinh_bac"], [(0, 60.0)])
    write(series["kinh_bac"], [(10, 120.0)])
    write(series["kinh_bac"], [(20, 130.0)])  # already extreme: nothing more
    assert recipients("alerts.escalated") == ["head", "officer", "operator"]
    notification = Notification.objects.get(topic="alerts.escalated", recipient=people["operator"])
    assert "trung bình → đặc biệt nghiêm trọng" in notification.title


def test_other_units_and_leaders_are_not_told(make_rule, series, write, people):
    make_rule(threshold=50)
    write(series["kinh_bac"], [(0, 60.0)])
    told = set(recipients("alerts.opened"))
    assert not told & {"other", "leader", "citizen"}


def test_replayed_history_tells_no_one(make_rule, series, write, people):
    from ..models import AlertEvent
    from ..services import without_notifications

    make_rule(threshold=50, escalation_threshold=80, escalation_severity="Severe")
    with without_notifications():
        write(series["kinh_bac"], [(0, 60.0), (10, 90.0)])
    assert AlertEvent.objects.get().severity == "Severe"
    assert not Notification.objects.filter(topic__startswith="alerts.").exists()
    write(series["kinh_bac"], [(20, 95.0)])
    assert not Notification.objects.filter(topic__startswith="alerts.").exists()  # a repeat, still nothing
