"""The validation helpers every ingestion path shares: numbers, times, areas as people write them."""

from datetime import datetime

import pytest

from ioc.core.access import Access
from ioc.core.models import Area, AreaLevel
from ioc.core.roles import Role
from ioc.monitoring.ingest import (AreaResolver, Delivery, ReadingValidator, parse_number, parse_time,
                                   period_text)
from ioc.monitoring.models import VN_TZ, Frequency

from .ingest_fixtures import *  # noqa: F403
from .ingest_fixtures import recent_hour


@pytest.mark.parametrize("text,value", [("12,5", 12.5), ("12.5", 12.5), ("1.234,5", 1234.5), ("1,234.5", 1234.5),
                                        ("1.234.567", 1234567), (" -3,25 ", -3.25), (7, 7.0), ("1\u00a0000,5", 1000.5)])
def test_numbers_with_either_decimal_mark(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "abc", "12%", "nan", "inf", "1_000", True, None])
def test_what_is_not_a_number(text):
    with pytest.raises((ValueError, TypeError)):
        parse_number(text)


def test_times_with_and_without_offset():
    eight_vn = int(datetime(2025, 3, 15, 8, tzinfo=VN_TZ).timestamp())
    for text in ("2025-03-15T08:00:00+07:00", "2025-03-15T01:00:00Z", "2025-03-15 08:00", "15/03/2025 08:00",
                 datetime(2025, 3, 15, 8), eight_vn, eight_vn * 1000):
        assert parse_time(text) == eight_vn, text
    with pytest.raises(ValueError):
        parse_time("15 tháng 3")


def test_excel_date_cells_become_periods():
    from datetime import date

    assert period_text(datetime(2025, 3, 1), Frequency.MONTHLY) == "2025-03"
    assert period_text(date(2025, 4, 1), Frequency.QUARTERLY) == "2025-Q2"
    assert period_text(date(2025, 1, 1), Frequency.YEARLY) == "2025"
    assert period_text(2025.0, Frequency.YEARLY) == "2025"


def test_areas_by_code_name_former_name_and_ambiguity(world):
    resolver = AreaResolver()
    commune = world["commune"].pk
    assert resolver.resolve("07210") == (commune, None)
    assert resolver.resolve("7210") == (commune, None)
    assert resolver.resolve("phuong bac giang") == (commune, None)
    assert resolver.resolve("07210 - Phường Bắc Giang") == (commune, None)
    assert resolver.resolve("Xã Song Khê") == (commune, None)  # merged into Phường Bắc Giang
    assert resolver.resolve("07300") == (commune, None)
    assert resolver.resolve("24")[0] == world["province"].pk
    assert resolver.resolve("Toàn tỉnh")[0] == world["province"].pk
    # Two former communes of the same name in different districts: the code is needed.
    for code in ("07301", "07302"):
        Area.objects.create(code=code, name="Xã Tân An", short_name="Tân An", kind="Xã", level=AreaLevel.COMMUNE,
                            is_current=False, successor=world["tan_my"] if code == "07301" else world["commune"])
    area_id, message = AreaResolver().resolve("Tân An")
    assert area_id is None and "mã" in message


def test_a_unit_key_may_write_only_its_stations(world):
    officer_a = Access(user_id=None, roles=frozenset({Role.OFFICER}), unit_ids=frozenset({world["units"]["a"].pk}))
    operator = Access(user_id=None, roles=frozenset({Role.OPERATOR}), unit_ids=frozenset())
    t = int(recent_hour().timestamp())
    args = (["KK-01", "KK-02"], ["pm25", "pm25"], [t, t], [1.0, 2.0])
    refused = ReadingValidator(Delivery(access=officer_a, kind="push")).validate(*args)
    assert refused.forbidden_rows == 1 and [e["row"] for e in refused.errors] == [2]
    assert ReadingValidator(Delivery(access=operator, kind="push")).validate(*args).ok


def test_readings_out_of_time_or_range(world):
    operator = Access(user_id=None, roles=frozenset({Role.OPERATOR}), unit_ids=frozenset())
    t = int(recent_hour().timestamp())
    result = ReadingValidator(Delivery(access=operator, kind="push")).validate(
        ["KK-01"] * 5, ["pm25"] * 5, [t + 86400 * 2, 946000000, t, t + 3600, t + 7200],
        [1, 1, float("nan"), -0.5, 10 ** 400])
    assert [(e["row"], e["column"]) for e in result.errors] == [(1, "time"), (2, "time"), (3, "value"),
                                                                 (4, "value"), (5, "value")]
