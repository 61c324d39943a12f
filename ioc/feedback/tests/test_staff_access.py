"""Access on the staff side: an officer sees only the reports that reached their unit, an officer of another
unit can neither see nor act, citizens are turned away, and an anonymous reporter stays anonymous to agencies."""

import pytest
from django.urls import reverse

from ioc.core.access import get_access

from .. import workflow
from ..models import Report, Status
from ..views.staff import ACTIONS


@pytest.fixture
def report_of_a(make_report, people, units):
    report = make_report(reporter_name="Nguyễn Thị Hoa", reporter_email="hoa@example.vn", reporter_phone="0912345678",
                         is_anonymous=True)
    workflow.verify(report=report, by=people["operator"])
    return workflow.assign(report=Report.objects.get(pk=report.pk), unit=units["a"], by=people["operator"])


def staff_url(report):
    return reverse("feedback:staff_report", args=[report.code])


# --- Who sees which reports (Report.objects.for_access) ---------------------------------------------


def visible(user):
    return set(Report.objects.for_access(get_access(user)).values_list("code", flat=True))


def test_unit_staff_see_reports_only_once_they_reach_the_unit(make_report, routing, people, units):
    report = make_report()  # routing names unit a already, but the IOC has not assigned it yet
    assert report.lead_unit == units["a"]
    assert report.code not in visible(people["officer"])
    workflow.verify(report=report, by=people["operator"])
    assert report.code not in visible(people["officer"])
    workflow.assign(report=Report.objects.get(pk=report.pk), unit=units["a"], by=people["operator"])
    assert report.code in visible(people["officer"]) and report.code in visible(people["head"])
    assert report.code not in visible(people["other_officer"])


def test_cooperating_units_see_the_report_too(make_report, people, units):
    report = make_report()
    workflow.verify(report=report, by=people["operator"])
    workflow.assign(report=Report.objects.get(pk=report.pk), unit=units["a"], cooperating=[units["b"]],
                    by=people["operator"])
    assert report.code in visible(people["other_officer"])
    assert list(Report.objects.for_access(get_access(people["other_officer"]))).count(report) == 1  # no duplicates


def test_province_wide_roles_see_everything_and_citizens_nothing(make_report, people):
    report = make_report()
    for name in ("operator", "leader", "admin"):
        assert report.code in visible(people[name])
    assert visible(people["citizen"]) == set()


# --- The pages ------------------------------------------------------------------------------------


def test_officer_of_another_unit_gets_404_on_the_staff_page(report_of_a, people, signed_in):
    assert signed_in(people["other_officer"]).get(staff_url(report_of_a)).status_code == 404
    assert signed_in(people["officer"]).get(staff_url(report_of_a)).status_code == 200


def test_unknown_code_gets_404(people, signed_in, db):
    assert signed_in(people["operator"]).get(reverse("feedback:staff_report", args=["PA-2026-999999"])).status_code == 404


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_officer_of_another_unit_cannot_act(report_of_a, people, signed_in, action):
    client = signed_in(people["other_officer"])
    response = client.post(reverse("feedback:staff_action", args=[report_of_a.code, action]), {
        "note": "x", "reason": "spam", "text": "Nội dung trả lời đủ dài để hợp lệ.", "days": "2",
        "decision": "approve", "into": report_of_a.code, "unit": report_of_a.lead_unit_id})
    assert response.status_code in (403, 404)
    report = Report.objects.get(pk=report_of_a.pk)
    assert report.status == Status.ASSIGNED and report.events.count() == 3  # received, verified, assigned


def test_officer_of_the_unit_gets_403_on_a_triage_move(make_report, people, signed_in, units):
    report = make_report()
    workflow.verify(report=report, by=people["operator"])
    report = workflow.assign(report=Report.objects.get(pk=report.pk), unit=units["a"], by=people["operator"])
    response = signed_in(people["officer"]).post(reverse("feedback:staff_action", args=[report.code, "reject"]),
                                                 {"reason": "spam"})
    assert response.status_code in (400, 403)  # refused either way; the report is untouched
    assert Report.objects.get(pk=report.pk).status == Status.ASSIGNED
    response = signed_in(people["officer"]).post(reverse("feedback:staff_action", args=[report.code, "merge"]),
                                                 {"into": make_report().code})
    assert response.status_code == 403
    assert Report.objects.get(pk=report.pk).merged_into_id is None


@pytest.mark.parametrize("name", ["feedback:triage", "feedback:inbox"])
def test_citizen_gets_403_on_the_work_spaces(people, signed_in, name):
    assert signed_in(people["citizen"]).get(reverse(name)).status_code == 403


def test_officers_cannot_open_the_triage_queue(people, signed_in):
    assert signed_in(people["officer"]).get(reverse("feedback:triage")).status_code == 403
    assert signed_in(people["officer"]).post(reverse("feedback:triage_assign"), {}).status_code == 403


def test_citizen_gets_403_on_a_report_page_even_their_own(make_report, people, signed_in):
    report = make_report(reporter=people["citizen"])
    client = signed_in(people["citizen"])
    assert client.get(staff_url(report)).status_code == 403
    assert client.post(reverse("feedback:staff_action", args=[report.code, "note"]), {"text": "x"}).status_code == 403


def test_visitor_is_sent_to_sign_in(report_of_a, client):
    response = client.get(staff_url(report_of_a))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_photos_are_served_only_to_staff_who_see_the_report(report_of_a, people, signed_in):
    from django.core.files.base import ContentFile

    from ..models import ReportPhoto

    photo = ReportPhoto.objects.create(report=report_of_a, is_ready=True)
    photo.thumbnail.save("t.jpg", ContentFile(b"\xff\xd8\xff fake jpeg"), save=True)
    url = reverse("feedback:staff_photo", args=[report_of_a.code, photo.pk, "nho"])
    assert signed_in(people["officer"]).get(url).status_code == 200
    assert signed_in(people["other_officer"]).get(url).status_code == 404
    assert signed_in(people["citizen"]).get(url).status_code == 403


# --- The reporter's identity ----------------------------------------------------------------------

PRIVATE = ("Nguyễn Thị Hoa", "hoa@example.vn", "0912345678")


def test_anonymous_reporter_is_hidden_from_agency_staff_and_leaders(report_of_a, people, signed_in):
    for name in ("officer", "head", "leader"):
        body = signed_in(people[name]).get(staff_url(report_of_a)).content.decode()
        for secret in PRIVATE:
            assert secret not in body, (name, secret)
        assert "giữ bí mật danh tính" in body


@pytest.mark.parametrize("name", ["operator", "admin"])
def test_anonymous_reporter_is_visible_to_the_ioc(report_of_a, people, signed_in, name):
    body = signed_in(people[name]).get(staff_url(report_of_a)).content.decode()
    for secret in PRIVATE:
        assert secret in body


def test_named_reporter_is_visible_to_agency_staff(make_report, people, signed_in, units):
    report = make_report(reporter_name="Trần Văn Nam", reporter_phone="0987654321")
    workflow.verify(report=report, by=people["operator"])
    report = workflow.assign(report=Report.objects.get(pk=report.pk), unit=units["a"], by=people["operator"])
    body = signed_in(people["officer"]).get(staff_url(report)).content.decode()
    assert "Trần Văn Nam" in body and "0987654321" in body


def test_anonymous_reporters_own_moves_do_not_name_them_on_the_timeline(make_report, people, signed_in, units):
    citizen = people["citizen"]
    citizen.full_name = "Lê Thị Bí Mật"
    citizen.save()
    report = make_report(reporter=citizen, is_anonymous=True)
    workflow.verify(report=report, by=people["operator"])
    workflow.assign(report=Report.objects.get(pk=report.pk), unit=units["a"], by=people["operator"])
    workflow.answer(report=Report.objects.get(pk=report.pk), by=people["officer"], text="Đã thay bóng đèn mới.")
    workflow.reopen(report=Report.objects.get(pk=report.pk), by=citizen, reason="Đèn vẫn chưa sáng.")
    body = signed_in(people["officer"]).get(staff_url(report)).content.decode()
    assert "Lê Thị Bí Mật" not in body and citizen.username not in body
    assert "Đèn vẫn chưa sáng." in body and "Người phản ánh" in body
