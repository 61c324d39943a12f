"""The dashboard queries on constructed data: latest value, change, status colours, targets, real-time cards
from the area rollups, commune comparison, stations and their history from the series rollups."""

from datetime import date

import pytest
from django.core.cache import cache
from django.db import transaction

from ioc.core.access import ANONYMOUS, get_access
from ioc.monitoring import queries
from ioc.monitoring.models import Frequency, Grain, Observation, Status
from ioc.monitoring.signals import observations_written

from .dashboard_data import make_world


@pytest.fixture
def world(province, commune, units):
    cache.clear()
    return make_world(province, commune, units["a"])


def cards(data):
    return {c["code"]: c for d in data["domains"] for c in d["cards"]}


def test_card_has_latest_value_change_status_and_target(world, people):
    data = queries.overview(get_access(people["leader"]), world.province, use_cache=False)
    grdp = cards(data)["grdp"]
    assert grdp["value"] == 5.4  # the current revision, not the superseded 9.9
    assert grdp["period_label"] == "Quý 4/2025"
    assert grdp["previous"] == 6.5 and grdp["previous_label"] == "Quý 3/2025"
    assert grdp["change"] == -1.1 and grdp["trend"] == "down" and grdp["change_good"] is False
    assert grdp["change_pct"] is None  # a percentage changes by points, not by a percentage of itself
    assert grdp["status"] == Status.WARNING  # below the warning threshold 6, above the critical 5
    assert grdp["target_met"] is False
    assert grdp["spark"] == [7.2, 7.0, 6.8, 6.9, 6.5, 5.4]
    assert grdp["value_text"] == "5,4"
    budget = cards(data)["thu-ngan-sach"]
    assert budget["change"] == 300 and budget["change_pct"] == 25.0 and budget["change_good"] is True
    assert budget["value_text"] == "1.500"
    assert data["counts"] == {Status.WARNING: 1, Status.OK: 1, Status.CRITICAL: 1}


def test_realtime_card_reads_the_area_rollups(world, people):
    data = queries.overview(get_access(people["leader"]), world.province, use_cache=False)
    pm25 = cards(data)["pm25-tb"]
    assert pm25["realtime"] is True
    assert pm25["value"] == 80.0 and pm25["previous"] == 55.0
    assert pm25["status"] == Status.CRITICAL and pm25["change_good"] is False
    assert pm25["spark"] == [40.0, 55.0, 80.0]


def test_commune_cards_are_the_communes_own_figures(world, people):
    data = queries.overview(get_access(people["leader"]), world.communes[1], use_cache=False)
    grdp = cards(data)["grdp"]
    assert grdp["value"] == 4.2 and grdp["status"] == Status.CRITICAL and grdp["previous"] is None
    assert cards(data)["pm25-tb"]["value"] == 30.0  # no recent hour there: the latest day
    assert cards(data)["thu-ngan-sach"]["status"] == Status.UNKNOWN


def test_public_overview_has_only_public_indicators(world):
    codes = set(cards(queries.overview(ANONYMOUS, world.province, use_cache=False)))
    assert codes == {"grdp", "pm25-tb"}


def test_overview_cache_is_dropped_when_observations_are_written(world, people, django_capture_on_commit_callbacks):
    access = get_access(people["leader"])
    first = cards(queries.overview(access, world.province))["grdp"]["value"]
    Observation.objects.filter(indicator=world.grdp, area=world.province, period=date(2025, 10, 1),
                               is_current=True).update(value=7.7)
    assert cards(queries.overview(access, world.province))["grdp"]["value"] == first  # still cached
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        observations_written.send(sender=None, indicator_ids={world.grdp.pk}, area_ids={world.province.pk},
                                  periods={date(2025, 10, 1)})
    assert cards(queries.overview(access, world.province))["grdp"]["value"] == 7.7


def test_commune_comparison_of_an_observed_indicator(world):
    result = queries.commune_comparison(world.grdp)
    assert result["period"] == "2025-10-01"
    rows = [(r["code"], r["value"], r["status"]) for r in result["rows"]]
    assert rows == [("07210", 8.1, Status.OK), ("09998", 6.3, Status.OK), ("09999", 4.2, Status.CRITICAL)]
    assert result["rows"][0]["lat"] == 21.28 and result["rows"][0]["lon"] == 106.21
    assert result["period_phrase"] == "quý 4/2025" and (result["with_values"], result["without_values"]) == (3, 0)


def test_commune_comparison_of_a_province_only_indicator_is_empty(world):
    result = queries.commune_comparison(world.budget)
    assert result["period"] is None and result["period_phrase"] == "" and result["with_values"] == 0
    assert queries.comparison_periods(world.budget) == []


def test_period_phrases_name_the_period_in_a_sentence():
    assert queries.period_phrase(date(2026, 10, 1), Frequency.MONTHLY) == "tháng 10/2026"
    assert queries.period_phrase(date(2026, 7, 1), Frequency.QUARTERLY) == "quý 3/2026"
    assert queries.period_phrase(date(2025, 1, 1), Frequency.YEARLY) == "năm 2025"
    assert queries.period_phrase(date(2026, 11, 22), Frequency.DAILY) == "ngày 22/11/2026"


def test_commune_comparison_of_a_realtime_indicator_uses_daily_rollups(world):
    result = queries.commune_comparison(world.pm25)
    assert result["period_phrase"].startswith("ngày ") and result["with_values"] == 2
    rows = {r["code"]: r for r in result["rows"]}
    assert rows["07210"]["value"] == 60.0 and rows["07210"]["status"] == Status.WARNING
    assert rows["09999"]["value"] == 30.0 and rows["09999"]["status"] == Status.OK
    assert rows["09998"]["value"] is None and rows["09998"]["status"] == Status.UNKNOWN


def test_series_of_an_observed_indicator_respects_the_range(world):
    series = queries.indicator_series(world.grdp, world.province, date(2025, 1, 1), date(2025, 12, 31))
    assert [p["value"] for p in series["points"]] == [6.8, 6.9, 6.5, 5.4]
    assert series["points"][-1]["status"] == Status.WARNING


def test_grain_is_chosen_from_the_range():
    assert queries.grain_for(date(2025, 1, 1), date(2025, 1, 7)) == Grain.HOUR
    assert queries.grain_for(date(2025, 1, 1), date(2025, 6, 30)) == Grain.DAY
    assert queries.grain_for(date(2020, 1, 1), date(2025, 6, 30)) == Grain.MONTH


def test_realtime_series_reads_hourly_rollups_for_a_week(world):
    start, end = queries.resolve_range(world.pm25, "7d")
    series = queries.indicator_series(world.pm25, world.province, start, end)
    assert series["grain"] == Grain.HOUR
    assert [p["value"] for p in series["points"]] == [40.0, 55.0, 80.0]


def test_bad_custom_range_is_refused_in_vietnamese(world):
    with pytest.raises(ValueError, match="Ngày bắt đầu"):
        queries.resolve_range(world.grdp, None, date(2025, 5, 1), date(2025, 1, 1))


def test_stations_have_latest_values_and_worst_status(world, people):
    rows = {s["code"]: s for s in queries.stations(get_access(people["officer"]))}
    assert set(rows) == {"kk-bac-giang", "kk-noi-bo"}
    assert rows["kk-bac-giang"]["status"] == Status.CRITICAL and rows["kk-bac-giang"]["values"][0]["value"] == 82.0
    assert rows["kk-noi-bo"]["status"] == Status.OK
    public = {s["code"] for s in queries.stations(ANONYMOUS)}
    assert public == {"kk-bac-giang"}


def test_a_station_with_thresholds_of_its_own_is_coloured_by_them(world, people):
    """A river's alarm levels differ from gauge to gauge: the series' own thresholds win over the metric's."""
    world.series.warning_threshold, world.series.critical_threshold = 90.0, 120.0
    world.series.save()
    row = {s["code"]: s for s in queries.stations(get_access(people["officer"]))}["kk-bac-giang"]
    assert row["status"] == Status.OK  # 82 is critical by the metric's thresholds (50 / 75), not by its own
    assert (row["values"][0]["warning"], row["values"][0]["critical"]) == (90.0, 120.0)
    assert queries.station_history(world.station, days=7)["series"][0]["critical"] == 120.0
    world.series.critical_threshold = None  # only the warning threshold of its own: the metric's critical one
    world.series.save()
    row = next(s for s in queries.stations(ANONYMOUS))
    assert row["status"] == Status.CRITICAL and row["values"][0]["warning"] == 90.0
    assert row["values"][0]["critical"] == world.metric.critical_threshold


def test_thresholds_must_be_in_the_bad_direction(world):
    from django.core.exceptions import ValidationError

    world.series.warning_threshold, world.series.critical_threshold = 90.0, 60.0  # PM2.5: higher is worse
    with pytest.raises(ValidationError) as error:
        world.series.full_clean()
    assert "phải xấu hơn ngưỡng cảnh báo" in str(error.value.message_dict["critical_threshold"])
    world.series.critical_threshold = 95.0
    world.series.full_clean()
    world.metric.critical_threshold = 40.0  # below its warning threshold of 50
    with pytest.raises(ValidationError):
        world.metric.full_clean()


def test_a_station_that_stopped_sending_is_silent(world, people):
    world.series.last_t = world.now - 3 * 3600
    world.series.save()
    row = next(s for s in queries.stations(ANONYMOUS))
    assert row["silent"] is True and row["status_label"] == "Mất tín hiệu"


def test_station_history_is_hourly_for_a_week_and_daily_beyond(world):
    week = queries.station_history(world.station, days=7)
    assert week["grain"] == Grain.HOUR
    assert [p[1] for p in week["series"][0]["points"]] == [40.0, 55.0, 80.0]
    assert week["series"][0]["points"][-1][2:] == [75.0, 85.0]  # min, max
    month = queries.station_history(world.station, days=30)
    assert month["grain"] == Grain.DAY
    assert [p[1] for p in month["series"][0]["points"]] == [20.0, 30.0]


def test_province_outline_is_drawn_around_every_commune(world):
    from shapely.geometry import Point, Polygon

    rings = queries.province_outline()
    polygons = [Polygon([(lon, lat) for lat, lon in ring]) for ring in rings]
    for c in queries.communes():
        assert any(p.contains(Point(c["lon"], c["lat"])) for p in polygons), c["name"]


def test_a_change_too_small_to_show_is_flat_not_down(world):
    card = queries._card(world.grdp, [("Quý 3/2025", 99.12), ("Quý 4/2025", 99.08)], realtime=False)
    assert card["trend"] == "flat" and card["change_good"] is None and card["change_text"] == "0,0"


def test_units_of_measure_follow_the_language(world, people):
    from django.utils import translation

    world.budget.unit_of_measure_en = "billion VND"
    world.budget.save()
    access = get_access(people["leader"])
    assert cards(queries.overview(access, world.province, use_cache=False))["thu-ngan-sach"]["unit"] == "tỷ đồng"
    with translation.override("en"):
        english = cards(queries.overview(access, world.province, use_cache=False))
    assert english["thu-ngan-sach"]["unit"] == "billion VND"
    assert english["grdp"]["unit"] == "%"  # no English unit given: the one there is


def test_a_real_time_indicator_combines_as_it_says(world, people):
    """The same PM2.5 rollups read as the highest value (a river's level is read this way), as the mean, and as
    the total of an average station (rainfall)."""
    from ioc.monitoring.models import Aggregation, Indicator

    highest = Indicator.objects.create(
        code="pm25-max", name="Bụi mịn cao nhất", sector=world.pm25.sector, owner_unit=world.unit,
        frequency=Frequency.REALTIME, metric=world.metric, time_aggregation=Aggregation.MAX,
        area_aggregation=Aggregation.MAX, warning_threshold=50, critical_threshold=84, direction="down")
    total = Indicator.objects.create(
        code="pm25-sum", name="Tổng", sector=world.pm25.sector, owner_unit=world.unit, frequency=Frequency.REALTIME,
        metric=world.metric, time_aggregation=Aggregation.SUM, area_aggregation=Aggregation.MEAN)
    data = cards(queries.overview(get_access(people["leader"]), world.province, use_cache=False))
    assert data["pm25-tb"]["value"] == 80.0  # the mean of the last hour
    assert data["pm25-max"]["value"] == 85.0 and data["pm25-max"]["status"] == Status.CRITICAL
    assert data["pm25-sum"]["value"] == 800.0  # ten readings of 80 at one station
    series = queries.indicator_series(highest, world.province, date.today(), date.today())
    assert [p["value"] for p in series["points"]][-1] == 85.0
    assert cards(queries.overview(get_access(people["leader"]), world.communes[0], use_cache=False))[
        total.code]["value"] == 800.0
