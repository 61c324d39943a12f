"""record_observations: revisions, idempotency, province figures derived from communes (never over a reported
one), the signal; period parsing and time aggregation."""

from datetime import date

import pytest

from ioc.core.models import Area, AreaLevel
from ioc.monitoring import observations, signals
from ioc.monitoring.models import Domain, Indicator, Observation, Quality, Sector
from ioc.monitoring.observations import aggregate_by_period, aggregate_over_time, parse_period, period_start
from tests.factories import make_unit

MARCH = date(2025, 3, 1)


@pytest.fixture
def place(province, commune):
    other = Area.objects.create(code="07300", name="Xã Yên Dũng", short_name="Yên Dũng", kind="Xã",
                                level=AreaLevel.COMMUNE, parent=province)
    sector = Sector.objects.create(code="y-te", name="Y tế", domain=Domain.objects.create(code="cuoc-song",
                                                                                         name="Cuộc sống"))
    unit = make_unit("so-y-te", "Sở Y tế")

    def indicator(code, aggregation="sum", frequency="monthly", weight=None):
        return Indicator.objects.create(code=code, name=code, sector=sector, owner_unit=unit, frequency=frequency,
                                        area_aggregation=aggregation, weight_indicator=weight)

    return {"province": province, "a": commune, "b": other, "indicator": indicator}


def current(indicator, area, period=MARCH):
    return Observation.objects.get(indicator=indicator, area=area, period=period, is_current=True)


def test_same_figure_again_writes_nothing(place):
    births = place["indicator"]("so-tre-sinh")
    rows = [(births.pk, place["a"].pk, MARCH, 12, None, ""), (births.pk, place["b"].pk, MARCH, 30, None, "")]
    first = observations.record_observations(rows)
    assert (first.written, first.derived) == (3, 1)
    again = observations.record_observations(rows)
    assert (again.written, again.unchanged) == (0, 2)
    assert Observation.objects.count() == 3


def test_a_changed_figure_is_a_new_revision_and_the_old_one_stays(place):
    births = place["indicator"]("so-tre-sinh")
    observations.record_observations([(births.pk, place["a"].pk, date(2025, 3, 17), 12, None, "")])
    observations.record_observations([(births.pk, place["a"].pk, MARCH, 15, "preliminary", "Số liệu sơ bộ")])
    history = list(Observation.objects.filter(indicator=births, area=place["a"]).order_by("revision"))
    assert [(o.revision, o.value, o.is_current) for o in history] == [(1, 12, False), (2, 15, True)]
    assert history[0].superseded_at is not None and history[1].superseded_at is None
    assert (history[1].quality, history[1].note, history[1].period) == ("preliminary", "Số liệu sơ bộ", MARCH)
    assert current(births, place["province"]).value == 15  # the derived sum followed
    assert current(births, place["province"]).revision == 2


@pytest.mark.parametrize("aggregation, expected", [("sum", 40.0), ("mean", 20.0), ("min", 10.0), ("max", 30.0)])
def test_province_figure_derived_by_the_area_aggregation(place, aggregation, expected):
    indicator = place["indicator"]("chi-tieu", aggregation)
    observations.record_observations([(indicator.pk, place["a"].pk, MARCH, 10, None, ""),
                                      (indicator.pk, place["b"].pk, MARCH, 30, None, "")])
    derived = current(indicator, place["province"])
    assert (derived.value, derived.quality) == (pytest.approx(expected), Quality.DERIVED)


def test_weighted_mean_uses_the_latest_weights_available(place):
    population = place["indicator"]("dan-so", "sum", frequency="yearly")
    coverage = place["indicator"]("tiem-chung", "weighted_mean", weight=population)
    observations.record_observations([(population.pk, place["a"].pk, date(2024, 1, 1), 1000, None, ""),
                                      (population.pk, place["b"].pk, date(2024, 1, 1), 3000, None, "")])
    observations.record_observations([(coverage.pk, place["a"].pk, MARCH, 90, None, ""),
                                      (coverage.pk, place["b"].pk, MARCH, 98, None, "")])
    assert current(coverage, place["province"]).value == pytest.approx(96.0)  # 2024 weights for March 2025
    # The 2025 population arrives: the weighted figures of 2025 follow.
    observations.record_observations([(population.pk, place["a"].pk, date(2025, 1, 1), 3000, None, ""),
                                      (population.pk, place["b"].pk, date(2025, 1, 1), 3000, None, "")])
    assert current(coverage, place["province"]).value == pytest.approx(94.0)


def test_a_reported_province_figure_replaces_the_derived_one_and_is_never_overwritten(place):
    births = place["indicator"]("so-tre-sinh")
    observations.record_observations([(births.pk, place["a"].pk, MARCH, 12, None, "")])
    assert current(births, place["province"]).quality == Quality.DERIVED
    observations.record_observations([(births.pk, place["province"].pk, MARCH, 50, None, "Cục Thống kê")])
    reported = current(births, place["province"])
    assert (reported.value, reported.quality, reported.revision) == (50, Quality.OFFICIAL, 2)
    observations.record_observations([(births.pk, place["b"].pk, MARCH, 30, None, "")])
    assert current(births, place["province"]).pk == reported.pk


def test_the_signal_lists_what_was_written(place):
    births = place["indicator"]("so-tre-sinh")
    received = []

    def receiver(sender, indicator_ids, area_ids, periods, **kwargs):
        received.append((indicator_ids, area_ids, periods))

    signals.observations_written.connect(receiver)
    try:
        observations.record_observations([(births.pk, place["a"].pk, MARCH, 12, None, "")])
        observations.record_observations([(births.pk, place["a"].pk, MARCH, 12, None, "")])
    finally:
        signals.observations_written.disconnect(receiver)
    assert received == [({births.pk}, {place["a"].pk, place["province"].pk}, {MARCH})]


def test_bad_rows_are_refused(place):
    births = place["indicator"]("so-tre-sinh")
    with pytest.raises(ValueError, match="không phải là số"):
        observations.record_observations([(births.pk, place["a"].pk, MARCH, "mười", None, "")])
    with pytest.raises(ValueError, match="Không có chỉ tiêu"):
        observations.record_observations([(999999, place["a"].pk, MARCH, 1, None, "")])
    assert not Observation.objects.exists()


def test_many_rows_are_written_in_a_few_queries(place, django_assert_max_num_queries):
    births = place["indicator"]("so-tre-sinh", frequency="daily")
    rows = [(births.pk, area.pk, date.fromordinal(date(2020, 1, 1).toordinal() + d), d, None, "")
            for d in range(1500) for area in (place["a"], place["b"])]
    with django_assert_max_num_queries(120):  # SQLite takes ~76 rows per INSERT: 4,500 rows in about 70 queries
        result = observations.record_observations(rows)
    assert (result.written, result.derived) == (4500, 1500)


@pytest.mark.parametrize("text, frequency, expected", [
    ("2025", "yearly", date(2025, 1, 1)),
    ("2025-Q2", "quarterly", date(2025, 4, 1)),
    ("Q4/2025", "quarterly", date(2025, 10, 1)),
    ("2025-03", "monthly", date(2025, 3, 1)),
    ("03/2025", "monthly", date(2025, 3, 1)),
    ("15/03/2025", "monthly", date(2025, 3, 1)),
    ("2025-03-15", "daily", date(2025, 3, 15)),
    ("15/03/2025", "daily", date(2025, 3, 15)),
    (" 2025-08-20 ", "quarterly", date(2025, 7, 1)),
])
def test_parse_period(text, frequency, expected):
    assert parse_period(text, frequency) == expected


@pytest.mark.parametrize("text, frequency, message", [
    ("2025", "monthly", "chưa đủ chi tiết"),
    ("13/2025", "monthly", "có thật"),
    ("31/02/2025", "daily", "có thật"),
    ("tháng ba", "monthly", "Không đọc được kỳ số liệu"),
    ("", "yearly", "Thiếu kỳ số liệu"),
])
def test_parse_period_refuses_with_a_vietnamese_message(text, frequency, message):
    with pytest.raises(ValueError, match=message):
        parse_period(text, frequency)


def test_period_start_and_time_aggregation():
    assert period_start(date(2025, 8, 20), "quarterly") == date(2025, 7, 1)
    assert period_start(date(2025, 8, 20), "yearly") == date(2025, 1, 1)
    months = [(date(2025, m, 1), float(m)) for m in (3, 1, 2, 4)]
    assert aggregate_over_time(months, "sum") == 10.0
    assert aggregate_over_time(months, "mean") == 2.5
    assert aggregate_over_time(months, "last") == 4.0
    assert aggregate_over_time([], "sum") is None
    assert aggregate_by_period(months, "quarterly", "sum") == {date(2025, 1, 1): 6.0, date(2025, 4, 1): 4.0}
