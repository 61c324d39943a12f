"""Statistics: the figures equal a direct computation on a small known set; the public page counts public reports
only; the staff page counts what the person may see and nothing else."""

import datetime
import statistics
import zoneinfo

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from ioc.core.access import get_access

from .. import stats
from ..models import Report, Status

LOCAL = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
SINCE_2026 = {"date_from": "2026-01-01"}  # the known set is dated; the pages default to the last twelve months


def at(y, m, d, hh=9, mm=0):
    return datetime.datetime(y, m, d, hh, mm, tzinfo=LOCAL)


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _set(report, **fields):
    Report.objects.filter(pk=report.pk).update(**fields)
    report.refresh_from_db()
    return report


@pytest.fixture
def known(make_report, communes, units, routing):
    """Six reports with known times, units, communes and ratings (see the expected figures in each test)."""
    kb, td = communes["kinh_bac"], communes["tien_du"]

    def report(category, area, received, *, hours=None, on_time=None, rating=None, unit="a", status=Status.ANSWERED,
               **extra):
        r = make_report(category, latitude=area.latitude, longitude=area.longitude, received_at=received,
                        reporter_name="Nguyễn Văn Bí Mật", reporter_email="bimat@example.vn",
                        reporter_phone="0912345678")
        return _set(r, area=area, lead_unit=units[unit] if unit else None, status=status,
                    answered_at=received + datetime.timedelta(hours=hours) if hours is not None else None,
                    answered_on_time=on_time, rating=rating, **extra)

    return {
        "r1": report("lights", kb, at(2026, 1, 10), hours=2, on_time=True, rating=5),
        # 23:30 on 31 January in Hanoi is 16:30 UTC: January, not February.
        "r2": report("lights", td, at(2026, 1, 31, 23, 30), hours=4, on_time=False, rating=3,
                     status=Status.CLOSED),
        # 00:30 on 1 February in Hanoi is still 31 January in UTC: February.
        "r3": report("rubbish", kb, at(2026, 2, 1, 0, 30), hours=10, on_time=True, unit="b"),
        "r4": report("rubbish", td, at(2026, 2, 15), unit="b", status=Status.ASSIGNED),
        "r5": report("security", kb, at(2026, 2, 16), hours=1, on_time=True, rating=1),  # not a public category
        "r6": report("lights", kb, at(2026, 2, 17), unit=None, status=Status.REJECTED, rejection_reason="spam"),
    }


def by(table, key="label"):
    return {row[key]: row for row in table}


def test_public_totals_equal_a_direct_computation(known):
    figures = stats.compute(Report.objects.public())
    public = [known[k] for k in ("r1", "r2", "r3", "r4")]
    answered = [r for r in public if r.answered_at]
    timed = [r for r in answered if r.answered_on_time is not None]
    ratings = [r.rating for r in public if r.rating]
    totals = figures["totals"]
    assert totals["received"] == len(public) == 4
    assert totals["answered"] == len(answered) == 3
    assert totals["on_time"] == 2
    assert totals["on_time_rate"] == round(100 * sum(r.answered_on_time for r in timed) / len(timed), 1) == 66.7
    assert totals["median_hours"] == statistics.median(
        (r.answered_at - r.received_at).total_seconds() / 3600 for r in answered) == 4.0
    assert totals["rating_avg"] == statistics.mean(ratings) == 4.0
    assert totals["rated"] == 2


def test_public_figures_by_category_commune_and_month(known, categories):
    figures = stats.compute(Report.objects.public())
    cats = by(figures["by_category"])
    assert set(cats) == {categories["lights"].name, categories["rubbish"].name}
    lights, rubbish = cats[categories["lights"].name], cats[categories["rubbish"].name]
    assert (lights["received"], lights["answered"], lights["on_time_rate"], lights["median_hours"],
            lights["rating_avg"]) == (2, 2, 50.0, 3.0, 4.0)
    assert (rubbish["received"], rubbish["answered"], rubbish["on_time_rate"], rubbish["median_hours"],
            rubbish["rating_avg"]) == (2, 1, 100.0, 10.0, None)
    assert lights["code"] == "den-chieu-sang"

    areas = by(figures["by_area"], "code")
    assert (areas["09187"]["received"], areas["09187"]["median_hours"]) == (2, 6.0)
    assert (areas["09325"]["received"], areas["09325"]["answered"], areas["09325"]["median_hours"]) == (2, 1, 4.0)

    months = figures["by_month"]
    assert [m["code"] for m in months] == ["2026-01", "2026-02"]
    assert [m["label"] for m in months] == ["01/2026", "02/2026"]
    assert [m["received"] for m in months] == [2, 2]
    assert [m["median_hours"] for m in months] == [3.0, 10.0]


def test_staff_figures_by_unit_with_open_overdue_and_rejections(known, units):
    figures = stats.compute(Report.objects.all(), dimensions=("unit", "category", "area", "month"), staff=True,
                            now=at(2026, 11, 1))
    totals = figures["totals"]
    assert (totals["received"], totals["answered"], totals["rejected"], totals["open"]) == (6, 4, 1, 1)
    assert totals["overdue"] == 1  # r4: assigned, its answer deadline long gone
    assert totals["median_hours"] == 3.0  # 1, 2, 4, 10 hours
    by_unit = by(figures["by_unit"])
    assert by_unit[units["a"].name]["received"] == 3
    assert by_unit[units["b"].name]["received"] == 2
    assert by_unit[units["b"].name]["overdue"] == 1
    assert by_unit["Chưa giao đơn vị"]["received"] == 1
    assert [(r["code"], r["count"]) for r in figures["rejections"]] == [("spam", 1)]
    assert by(figures["by_status"], "code")[Status.ANSWERED]["count"] == 3
    assert by(figures["by_channel"], "code")["web"]["count"] == 6


def test_empty_set_gives_empty_figures(db):
    figures = stats.compute(Report.objects.none())
    assert figures["totals"]["received"] == 0
    assert figures["totals"]["on_time_rate"] is None
    assert figures["totals"]["median_hours"] is None
    assert figures["by_month"] == []


def test_filters_narrow_the_figures(known, categories, communes):
    lights_only = stats.compute(stats.apply_filters(Report.objects.public(),
                                                    stats.Filters(category=categories["urban"])))
    assert lights_only["totals"]["received"] == 2  # urban includes its child, street lights
    february = stats.compute(stats.apply_filters(Report.objects.public(), stats.Filters(
        date_from=datetime.date(2026, 2, 1), date_to=datetime.date(2026, 2, 28))))
    assert february["totals"]["received"] == 2


def test_public_page_shows_public_figures_only(client, known, categories):
    response = client.get(reverse("feedback:public_stats"), SINCE_2026)
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures["totals"]["received"] == 4
    assert categories["security"].name not in {r["label"] for r in figures["by_category"]}
    html = response.content.decode()
    assert categories["security"].name not in html
    assert 'id="feedback-stats-data"' in html and 'type="application/json"' in html
    assert "<table" in html  # the figures are readable without the charts
    assert "Nguyễn Văn Bí Mật" not in html and "bimat@example.vn" not in html and "0912345678" not in html


def test_category_labels_follow_the_language(client, known, categories, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("feedback:public_stats"), SINCE_2026)
    labels = {r["label"] for r in response.context["figures"]["by_category"]}
    assert "Rubbish" in labels and categories["rubbish"].name not in labels
    assert "Urban order › Broken street light" in response.content.decode()  # the category filter

def test_public_page_refuses_a_bad_period_at_the_field(client, known):
    response = client.get(reverse("feedback:public_stats"), {"date_from": "2026-03-01", "date_to": "2026-01-01"})
    assert response.status_code == 200
    assert response.context["figures"] is None
    assert "phải cùng ngày hoặc sau" in response.content.decode()


def test_leader_sees_the_whole_province(signed_in, people, known):
    response = signed_in(people["leader"]).get(reverse("feedback:staff_stats"), SINCE_2026)
    assert response.status_code == 200
    assert response.context["figures"]["totals"]["received"] == 6


def test_officer_sees_only_their_units_figures(signed_in, people, known, units):
    response = signed_in(people["officer"]).get(reverse("feedback:staff_stats"), SINCE_2026)
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures["totals"]["received"] == 3  # r1, r2, r5 (unit a)
    assert {r["label"] for r in figures["by_unit"]} == {units["a"].name}
    assert units["b"].name not in response.content.decode()


def test_officer_cannot_filter_on_another_unit(signed_in, people, known, units):
    response = signed_in(people["officer"]).get(reverse("feedback:staff_stats"), {"unit": units["b"].code})
    assert response.context["figures"] is None
    assert response.context["form"].errors["unit"]


def test_cooperating_unit_counts_each_report_once(signed_in, people, known, units):
    known["r3"].cooperating_units.add(units["a"])
    known["r3"].cooperating_units.add(units["ioc"])
    scoped = stats.scoped_reports(get_access(people["officer"]))
    assert scoped.count() == 4
    assert stats.compute(scoped)["totals"]["received"] == 4


def test_pages_default_to_the_last_twelve_months(client, make_report):
    make_report("lights", received_at=timezone.now() - datetime.timedelta(days=400))
    make_report("lights")
    response = client.get(reverse("feedback:public_stats"))
    assert response.context["figures"]["totals"]["received"] == 1
    since = (timezone.localdate() - datetime.timedelta(days=365)).isoformat()
    assert f'value="{since}"' in response.content.decode()  # the default period is shown in the form
    response = client.get(reverse("feedback:public_stats"), {"date_from": "2000-01-01"})
    assert response.context["figures"]["totals"]["received"] == 2


def test_citizen_gets_403_and_visitor_the_sign_in_page(client, signed_in, people, known):
    assert client.get(reverse("feedback:staff_stats")).status_code == 302
    assert signed_in(people["citizen"]).get(reverse("feedback:staff_stats")).status_code == 403


def test_figures_are_cached_and_a_saved_report_refreshes_them(known, make_report):
    before = stats.public_figures(stats.Filters())["totals"]["received"]
    make_report("lights")
    assert stats.public_figures(stats.Filters())["totals"]["received"] == before + 1


def test_query_counts_are_bounded(client, known, django_assert_max_num_queries, make_report):
    for _ in range(5):
        make_report("rubbish")
    cache.clear()
    with django_assert_max_num_queries(12):
        client.get(reverse("feedback:public_stats"))


def test_months_follow_a_time_zone_with_summer_time(db, make_report):
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    # 23:30 on 31 July in Paris (summer time, UTC+2) is 21:30 UTC; 00:30 on 1 August is 22:30 UTC on 31 July.
    for received in (datetime.datetime(2026, 7, 31, 23, 30, tzinfo=paris),
                     datetime.datetime(2026, 8, 1, 0, 30, tzinfo=paris)):
        make_report("lights", received_at=received)
    with timezone.override(paris):
        months = stats.compute(Report.objects.all())["by_month"]
    assert [(m["code"], m["received"]) for m in months] == [("2026-07", 1), ("2026-08", 1)]
