"""The feedback demo data: Bắc Ninh's categories and routing, and a year of reports that went through the
workflow's own moves, idempotent, continuing the tracking-code sequence, with no private data in public fields."""

import re
from datetime import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from ioc.core import worktime
from ioc.core.areas import load_province
from ioc.core.demo import seed_demo_accounts, seed_units
from ioc.core.models import Area, AuditEvent

from ..demo import seed_feedback
from ..intake import submit_report
from ..models import (
    Category, Channel, CodeSequence, EventKind, Follow, Priority, RejectionReason, Report, ReportEvent,
    ResponseTemplate, RoutingRule, Status,
)
from ..routing import route
from ..workflow import ALLOWED_MOVES

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=worktime.VIETNAM)  # a Monday morning
COUNT = 400


@pytest.fixture
def province(db):
    load_province("24")
    seed_units("24")
    seed_demo_accounts()


@pytest.fixture
def seeded(province):
    return seed_feedback(report_count=COUNT, now=NOW)


def counts():
    return {model.__name__: model.objects.count() for model in (
        Category, RoutingRule, ResponseTemplate, Report, ReportEvent, Follow, CodeSequence, AuditEvent)} | {
        "cooperating": Report.cooperating_units.through.objects.count(),
        "sequence": list(CodeSequence.objects.values_list("year", "last")),
    }


def test_seeding_twice_changes_nothing_and_writes_one_audit_event(province):
    audit_before = AuditEvent.objects.count()
    first = seed_feedback(report_count=COUNT)  # a year ending now
    assert first["reports"] == COUNT and first["categories"] and first["routing_rules"]
    # One event for the bulk load; extension requests and decisions go through the workflow, audited one by one.
    assert AuditEvent.objects.exclude(note__startswith="extension").count() == audit_before + 1
    before = counts()
    again = seed_feedback(report_count=COUNT)
    assert set(again.values()) == {0}
    assert counts() == before
    latest = Report.objects.order_by("-received_at").first().received_at
    assert (timezone.now() - latest).days < 7


def test_categories_routing_and_templates_of_bac_ninh(province):
    seed_feedback(report_count=0)
    lights = Category.objects.get(code="den-chieu-sang")
    assert (lights.name, lights.name_en) == ("Đèn chiếu sáng", "Street lighting")
    assert lights.parent.name == "Hạ tầng đô thị"
    assert lights.attributes[0]["code"] == "so_cot" and lights.answer_days == 3 and lights.acceptance_hours == 8
    severity = Category.objects.get(code="hu-hong-mat-duong").attributes[0]
    assert severity["datatype"] == "singlevaluelist"
    assert [v["name"] for v in severity["values"]] == ["Nhẹ", "Vừa", "Nặng"]
    for code in ("ngap-ung", "an-toan-giao-thong"):
        assert Category.objects.get(code=code).default_priority == Priority.URGENT
    assert not Category.objects.get(code="an-ninh-trat-tu").is_public
    assert Category.objects.filter(parent__code="moi-truong").count() == 4

    kinh_bac = Area.objects.communes().get(short_name="Kinh Bắc")
    tien_du = Area.objects.communes().get(short_name="Tiên Du")
    expected = {("den-chieu-sang", kinh_bac): "chieu-sang", ("cap-nuoc", tien_du): "nuoc-sach",
                ("cap-dien", tien_du): "dien-luc", ("rac-thai", kinh_bac): "moi-truong-do-thi",
                ("hu-hong-mat-duong", tien_du): "so-xay-dung", ("y-te", tien_du): "so-y-te",
                ("an-toan-giao-thong", kinh_bac): "cong-an-tinh",
                ("lan-chiem-via-he", kinh_bac): "ubnd-phuong-kinh-bac",
                ("xay-dung-trai-phep", tien_du): "ubnd-xa-tien-du"}
    for (code, area), unit in expected.items():
        assert route(Category.objects.get(code=code), area).lead_unit.code == unit, code
    assert route(Category.objects.get(code="khac"), kinh_bac) is None  # the IOC triages it
    assert ResponseTemplate.objects.filter(unit__code="chieu-sang").exists()
    assert ResponseTemplate.objects.filter(unit__code="ubnd-phuong-kinh-bac").exists()


def test_reports_span_the_year_the_states_and_the_communes(seeded):
    reports = Report.objects.all()
    assert reports.count() == COUNT
    statuses = set(reports.values_list("status", flat=True))
    assert {Status.RECEIVED, Status.IN_PROGRESS, Status.ANSWERED, Status.CLOSED, Status.REJECTED} <= statuses
    assert len({(r.year, r.month) for r in reports.values_list("received_at", flat=True)}) >= 12
    assert reports.filter(received_at__gt=NOW).count() == 0
    assert not reports.filter(area__isnull=True).exists()
    assert not reports.exclude(area__is_current=True).exists()
    assert set(reports.values_list("channel", flat=True)) == set(Channel.values)
    assert reports.filter(answered_on_time=True).exists() and reports.filter(answered_on_time=False).exists()
    assert reports.overdue(NOW).exists()
    assert reports.filter(is_anonymous=True).exists()
    assert set(reports.filter(rating__isnull=False).values_list("rating", flat=True)) >= {5, 4, 1}
    assert set(reports.values_list("rejection_reason", flat=True)) >= {
        RejectionReason.SPAM, RejectionReason.DUPLICATE, RejectionReason.OUTSIDE_COMPETENCE}
    for duplicate in reports.filter(merged_into__isnull=False).select_related("merged_into"):
        assert duplicate.status == Status.REJECTED and duplicate.rejection_reason == RejectionReason.DUPLICATE
        assert duplicate.merged_into.category_id == duplicate.category_id
        assert duplicate.merged_into.events.filter(kind=EventKind.MERGE, note__contains=duplicate.code).exists()

    citizen = get_user_model().objects.get(username="nguoidan")
    theirs = reports.filter(reporter=citizen)
    assert len(set(theirs.values_list("status", flat=True))) >= 4
    assert theirs.filter(status=Status.CLOSED, rating__isnull=False).exists()
    assert Follow.objects.filter(user=citizen).count() >= theirs.count()


def test_timelines_are_moves_the_workflow_allows(seeded):
    for report in Report.objects.prefetch_related("events"):
        moves = [e for e in report.events.all() if e.kind == EventKind.TRANSITION]
        assert moves[0].to_status == Status.RECEIVED and moves[0].at == report.received_at, report.code
        status = Status.RECEIVED
        for event in report.events.all()[1:]:
            if event.kind == EventKind.TRANSITION:
                assert event.from_status == status and (status, event.to_status) in ALLOWED_MOVES, report.code
            if event.kind in (EventKind.TRANSITION, EventKind.TRANSFER):
                status = event.to_status
            if event.kind != EventKind.EXTENSION:  # requests and refusals are internal, approvals public
                assert event.is_public == (event.kind != EventKind.NOTE)
        assert status == report.status, report.code
        assert report.updated_at == max(e.at for e in report.events.all())
        stamps = {Status.VERIFIED: "verified_at", Status.ASSIGNED: "assigned_at", Status.ANSWERED: "answered_at"}
        for to, name in stamps.items():
            last = [e.at for e in report.events.all() if e.to_status == to]
            assert getattr(report, name) == (last[-1] if last else None), (report.code, name)
        if report.status in (Status.ANSWERED, Status.CLOSED):
            assert report.answer and report.answered_on_time is not None
            if not any(e.to_status == Status.REOPENED for e in moves):
                assert report.answered_on_time == (report.answered_at <= report.answer_due), report.code
        if report.status == Status.CLOSED:
            assert report.closed_at == moves[-1].at
        if report.status in (Status.ASSIGNED, Status.IN_PROGRESS, Status.ANSWERED, Status.CLOSED):
            assert report.lead_unit_id is not None
        assert report.acceptance_due > report.received_at and report.answer_due > report.acceptance_due


def test_private_data_stays_out_of_public_fields(seeded):
    rows = Report.objects.values_list("reporter_name", "reporter_phone", "reporter_email", "description", "address",
                                      "answer")
    assert all(name and (phone or email) for name, phone, email, *_ in rows)
    for name, phone, email, *public in rows:
        text = " ".join(public)
        for secret in (name, phone, email):
            assert not secret or secret not in text
    assert all(re.fullmatch(r"09\d{8}", phone) for _n, phone, *_ in rows if phone)
    assert all(email.endswith("@example.com") for _n, _p, email, *_ in rows if email)
    public_notes = " ".join(ReportEvent.objects.filter(is_public=True).values_list("note", flat=True))
    assert not any(secret and secret in public_notes for _n, phone, email, *_ in rows for secret in (phone, email))


def test_codes_are_unique_and_new_reports_continue_the_sequence(province):
    seed_feedback(report_count=0)
    lights = Category.objects.get(code="den-chieu-sang")
    before, _ = submit_report(channel=Channel.WEB, category=lights, description="Đèn hỏng trước cổng chợ.",
                              address="Phường Kinh Bắc", received_at=NOW)
    assert before.code == "PA-2026-000001"
    seed_feedback(report_count=COUNT, now=NOW)
    codes = list(Report.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == COUNT + 1
    assert all(re.fullmatch(r"PA-20(25|26)-\d{6}", code) for code in codes)
    for sequence in CodeSequence.objects.all():
        numbers = sorted(int(c[-6:]) for c in codes if c.startswith(f"PA-{sequence.year}-"))
        assert numbers == list(range(1, sequence.last + 1))
    after, _ = submit_report(channel=Channel.WEB, category=lights, description="Đèn hỏng ở ngõ 5.",
                             address="Phường Kinh Bắc", received_at=NOW)
    assert after.code == f"PA-2026-{CodeSequence.objects.get(year=2026).last:06d}"
    assert int(after.code[-6:]) == max(int(c[-6:]) for c in codes if c.startswith("PA-2026-")) + 1


def test_icons_of_an_earlier_demo_are_renamed_and_an_edited_icon_is_kept(province):
    from ..demo import seed_reference

    seed_reference()
    Category.objects.filter(code="cay-xanh").update(icon="tree")  # as seeded before the icons were drawn
    Category.objects.filter(code="ngap-ung").update(icon="umbrella")  # an administrator's choice
    seed_reference()
    assert Category.objects.get(code="cay-xanh").icon == "trees"
    assert Category.objects.get(code="ngap-ung").icon == "umbrella"
