"""PostgreSQL connections read timestamptz with psycopg's C loader and still return what Django's loader would."""

from datetime import datetime, timedelta, timezone

import pytest
from django.db import connection

from ioc.lib.pg_loaders import UtcTimestamptzLoader

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL connection's loaders")


@pytest.mark.django_db
def test_the_connection_reads_timestamptz_with_the_c_loader():
    assert UtcTimestamptzLoader is not None, "psycopg's C extension (psycopg-binary) is installed"
    connection.ensure_connection()
    loader = connection.connection.adapters.get_loader(1184, 0)  # timestamptz, text format
    assert loader is UtcTimestamptzLoader
    with connection.cursor() as cursor:  # Django's cursors see the right time zone and add no loader of their own
        assert cursor.adapters.get_loader(1184, 0) is UtcTimestamptzLoader


@pytest.mark.django_db
def test_values_come_back_exact_and_in_utc():
    written = [datetime(2026, 2, 16, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=7))),
               datetime(1, 1, 1, tzinfo=timezone.utc), datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc),
               datetime(2026, 3, 1, 12, 0, 0, 1, tzinfo=timezone(timedelta(hours=-3, minutes=-30)))]
    with connection.cursor() as cursor:
        cursor.execute("SELECT unnest(%s::timestamptz[])", [written])
        read = [row[0] for row in cursor.fetchall()]
    assert read == written
    assert all(value.tzinfo is timezone.utc for value in read)
    assert read[0] == datetime(2026, 2, 16, 16, 59, 59, 999999, tzinfo=timezone.utc)
    assert read[0].hour == 16 and read[0].microsecond == 999999  # converted to UTC, not relabelled


@pytest.mark.django_db
def test_model_datetimes_round_trip():
    from django.contrib.sessions.models import Session

    moment = datetime(2026, 12, 7, 8, 30, 15, 123456, tzinfo=timezone(timedelta(hours=7)))
    Session.objects.create(session_key="pg-loader-test", session_data="", expire_date=moment)
    read = Session.objects.get(session_key="pg-loader-test").expire_date
    assert read == moment and read.tzinfo is timezone.utc
    assert Session.objects.filter(expire_date__lt=moment + timedelta(microseconds=1)).exists()
