"""Staff exports: CSV and XLSX of the figures and a CSV of reports, scoped to what the person may see, without
any reporter data, each written to the audit log; only those with feedback.export may export."""

import csv
import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ioc.core.models import AuditAction, AuditEvent

from ..models import Report, Status
from ..views.stats import REPORT_COLUMNS, stats_header

PRIVATE = ("Nguyễn Văn Bí Mật", "bimat@example.vn", "0912345678", "reporter-citizen")
EXPORTS = ("feedback:stats_export_csv", "feedback:stats_export_xlsx", "feedback:reports_export_csv")


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def reports(make_report, units, routing, people):
    def make(category, unit, status=Status.ASSIGNED, **extra):
        r = make_report(category, reporter=people["citizen"], reporter_name=PRIVATE[0], reporter_email=PRIVATE[1],
                        reporter_phone=PRIVATE[2])
        Report.objects.filter(pk=r.pk).update(status=status, lead_unit=units[unit], **extra)
        r.refresh_from_db()
        return r

    people["citizen"].username = PRIVATE[3]
    people["citizen"].save()
    made = {
        "a1": make("lights", "a", Status.ANSWERED, rating=4, answered_on_time=True, answered_at=timezone.now()),
        "a2": make("security", "a"),
        "b1": make("rubbish", "b"),
    }
    cache.clear()
    return made


def content(response):
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content)
    return response.content


def read_csv(response):
    text = content(response).decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads the diacritics
    return list(csv.reader(io.StringIO(text[1:])))


def test_statistics_csv_has_the_header_and_a_row_per_group(signed_in, people, reports, units, categories):
    response = signed_in(people["leader"]).get(reverse("feedback:stats_export_csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == stats_header()
    assert rows[1][:4] == ["Tổng cộng", "", "", "3"]
    groups = {(r[0], r[2]): r for r in rows[1:]}
    assert groups[("Theo đơn vị", units["a"].name)][3] == "2"
    assert groups[("Theo đơn vị", units["b"].name)][3] == "1"
    assert groups[("Theo lĩnh vực", categories["security"].name)][3] == "1"  # staff see every category
    assert any(r[0] == "Theo tháng" for r in rows)


def test_reports_csv_lists_public_fields_only(signed_in, people, reports):
    response = signed_in(people["operator"]).get(reverse("feedback:reports_export_csv"))
    assert response.status_code == 200
    rows = read_csv(response)
    assert rows[0] == [str(c) for c in REPORT_COLUMNS]
    assert {r[0] for r in rows[1:]} == {reports[k].code for k in ("a1", "a2", "b1")}
    a1 = next(r for r in rows if r[0] == reports["a1"].code)
    assert a1[1] == "Đèn chiếu sáng hỏng" and a1[4] == "Đã trả lời" and a1[11] == "Có" and a1[12] == "4"


def test_reports_csv_in_english_names_categories_in_english(signed_in, people, reports, settings):
    client = signed_in(people["operator"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    rows = read_csv(client.get(reverse("feedback:reports_export_csv")))
    a1 = next(r for r in rows if r[0] == reports["a1"].code)
    assert a1[1] == "Broken street light" and a1[4] == "Answered"

@pytest.mark.parametrize("name", EXPORTS)
def test_no_reporter_data_in_any_export(signed_in, people, reports, name):
    response = signed_in(people["leader"]).get(reverse(name))
    assert response.status_code == 200
    raw = content(response)
    if name.endswith("xlsx"):
        book = load_workbook(io.BytesIO(raw), read_only=True)
        raw = "\n".join(str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                        for cell in row).encode()
    text = raw.decode("utf-8")
    for value in PRIVATE:
        assert value not in text
    assert reports["a1"].description not in text


def test_xlsx_opens_with_the_figures_and_the_reports(signed_in, people, reports):
    response = signed_in(people["leader"]).get(reverse("feedback:stats_export_xlsx"), {"category": "den-chieu-sang"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Tổng hợp", "Theo đơn vị", "Theo lĩnh vực", "Theo xã, phường", "Theo tháng",
                               "Trạng thái, kênh", "Danh sách phản ánh"]
    summary = list(book["Tổng hợp"].iter_rows(values_only=True))
    assert ("Bộ lọc", "category", "den-chieu-sang") in [row[:3] for row in summary]
    assert summary[-1][0] == 1  # received
    listed = list(book["Danh sách phản ánh"].iter_rows(values_only=True))
    assert listed[0] == tuple(str(c) for c in REPORT_COLUMNS)
    assert [row[0] for row in listed[1:]] == [reports["a1"].code]


@pytest.mark.parametrize("name", EXPORTS)
def test_each_export_is_audited_with_its_filters(signed_in, people, reports, name):
    signed_in(people["head"]).get(reverse(name), {"date_from": "2026-01-01"})
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).latest("id")
    assert event.actor == people["head"]
    assert event.changes["filters"] == {"date_from": "2026-01-01"}
    assert event.object_type == "feedback.report"


def test_unit_head_exports_only_their_units_reports(signed_in, people, reports):
    rows = read_csv(signed_in(people["head"]).get(reverse("feedback:reports_export_csv")))
    assert {r[0] for r in rows[1:]} == {reports["a1"].code, reports["a2"].code}
    figures = read_csv(signed_in(people["head"]).get(reverse("feedback:stats_export_csv")))
    assert figures[1][3] == "2"


@pytest.mark.parametrize("name", EXPORTS)
def test_officer_without_export_permission_gets_403(signed_in, people, reports, name):
    assert signed_in(people["officer"]).get(reverse(name)).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


@pytest.mark.parametrize("name", EXPORTS)
def test_citizen_gets_403_and_visitor_the_sign_in_page(client, signed_in, people, reports, name):
    assert client.get(reverse(name)).status_code == 302
    assert signed_in(people["citizen"]).get(reverse(name)).status_code == 403


def test_bad_filters_are_refused_with_a_message(signed_in, people, reports, units):
    response = signed_in(people["head"]).get(reverse("feedback:stats_export_csv"), {"unit": units["b"].code,
                                                                                     "date_to": "abc"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Đơn vị chủ trì" in text and "Ngày không hợp lệ" in text
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_spreadsheet_formulas_are_neutralised(signed_in, people, reports, units):
    units["a"].name = "=HYPERLINK(\"http://x\")"
    units["a"].save()
    cache.clear()
    rows = read_csv(signed_in(people["leader"]).get(reverse("feedback:reports_export_csv")))
    assert all(not cell.startswith("=") for row in rows for cell in row)


def test_export_links_shown_to_those_who_may_export(signed_in, people, reports):
    url = reverse("feedback:stats_export_csv")
    assert url in signed_in(people["head"]).get(reverse("feedback:staff_stats")).content.decode()
    assert url not in signed_in(people["officer"]).get(reverse("feedback:staff_stats")).content.decode()


def test_query_counts_are_bounded(signed_in, people, make_report, django_assert_max_num_queries):
    for _ in range(30):
        make_report("lights")
    client = signed_in(people["leader"])
    with django_assert_max_num_queries(8):
        client.get(reverse("feedback:reports_export_csv")).getvalue()
    cache.clear()
    with django_assert_max_num_queries(30):
        client.get(reverse("feedback:stats_export_xlsx"))
