"""Every index costs each new report: none may duplicate the leading columns of another (migration 0004)."""

import pytest
from django.db import connection


def _indexes(table):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {name: tuple(info["columns"]) for name, info in constraints.items() if info["index"] and not info["primary_key"]}


@pytest.mark.django_db
@pytest.mark.parametrize("table, columns", [
    ("feedback_report", ("category_id",)),
    ("feedback_report", ("area_id",)),
    ("feedback_report", ("lead_unit_id",)),
    ("feedback_report", ("status",)),
    ("feedback_reportevent", ("report_id",)),
    ("core_auditevent", ("object_type",)),
])
def test_no_index_repeats_the_lead_of_another(table, columns):
    indexes = _indexes(table)
    assert columns not in indexes.values(), indexes
    # …while the composite index that serves these lookups is there.
    assert any(cols[:len(columns)] == columns and len(cols) > 1 for cols in indexes.values()), indexes


@pytest.mark.django_db
def test_resend_lookups_use_the_unique_index():
    from ioc.feedback.models import Report

    plain = [cols for cols in _indexes("feedback_report").values() if cols == ("channel", "idempotency_key")]
    assert len(plain) == 1  # the partial unique index only
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute('EXPLAIN QUERY PLAN SELECT "id", "code" FROM "feedback_report" WHERE "channel" = %s AND '
                           '"idempotency_key" = %s AND NOT ("idempotency_key" = \'\') LIMIT 1', ["open311", "k"])
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert "feedback_report_idempotency" in plan, plan
    assert Report.objects.filed_with_key("open311", "absent") is None
