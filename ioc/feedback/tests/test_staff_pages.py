"""The staff pages show what staff need: the report page with its facts, countdown, timeline and actions; the
triage queue with suggestions and bulk assignment; the inbox with filters, countdown and no N+1 queries."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ioc.core import worktime

from .. import workflow
from ..models import Channel, EventKind, ExtensionRequest, Report, ReportEvent, ResponseTemplate, Status


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- The countdown --------------------------------------------------------------------------------


def test_countdown_counts_working_time(db):
    from ..views.staff import countdown

    now = datetime(2026, 3, 9, 8, 0, tzinfo=worktime.VIETNAM)  # Monday morning
    assert countdown(datetime(2026, 3, 9, 11, 20, tzinfo=worktime.VIETNAM), now).text == "còn 3 giờ 20 phút làm việc"
    friday = countdown(datetime(2026, 3, 13, 8, 30, tzinfo=worktime.VIETNAM), now)
    assert friday.text == "còn 4 ngày 30 phút làm việc" and not friday.overdue and not friday.soon
    late = countdown(datetime(2026, 3, 6, 15, 0, tzinfo=worktime.VIETNAM), now)  # Friday 15:00: 2 h + 30 min
    assert late.text == "quá hạn 2 giờ 30 phút làm việc" and late.overdue and late.css == "tag-danger"
    assert countdown(datetime(2026, 3, 9, 16, 0, tzinfo=worktime.VIETNAM), now).soon
    assert countdown(None, now) is None


def test_long_spans_are_counted_like_the_calendar_does(db):
    import random

    from ..views.staff import working_time_between

    worktime.invalidate_cache()
    rng = random.Random(7)
    for _ in range(200):  # across weekends, Tết and the other holidays and make-up days of 2025-2030
        a = datetime(2025, 1, 1, tzinfo=worktime.VIETNAM) + timedelta(minutes=rng.randrange(0, 5 * 365 * 24 * 60))
        b = a + timedelta(minutes=rng.randrange(0, 3 * 365 * 24 * 60))
        assert working_time_between(a, b) == worktime.working_time_between(a, b), (a, b)


# --- The page of a report -------------------------------------------------------------------------


def test_report_page_shows_the_facts_and_the_full_timeline(assigned, people, signed_in):
    report = assigned(address="12 Lý Thái Tổ")
    workflow.add_note(report=report, by=people["officer"], text="Đã liên hệ Công ty chiếu sáng.")
    body = page(signed_in(people["officer"]), reverse("feedback:staff_report", args=[report.code]))
    assert report.code in body
    assert "Đèn đường trước số 12 Lý Thái Tổ" in body
    assert "Đèn chiếu sáng hỏng" in body
    assert "Sở Xây dựng" in body
    assert "Đã liên hệ Công ty chiếu sáng." in body and "Nội bộ" in body  # internal notes for staff
    assert 'id="report-map"' in body and 'data-lat="21.186100"' in body
    assert "vendor/leaflet/leaflet.js" in body


def test_report_page_shows_a_working_time_countdown(assigned, people, signed_in):
    report = assigned()
    due = worktime.add_working_hours(timezone.now(), 3 + 20 / 60)
    Report.objects.filter(pk=report.pk).update(answer_due=due)
    body = page(signed_in(people["officer"]), reverse("feedback:staff_report", args=[report.code]))
    assert "còn 3 giờ 20 phút làm việc" in body or "còn 3 giờ 19 phút làm việc" in body


def test_report_page_shows_how_late_an_overdue_report_is(assigned, people, signed_in):
    report = assigned()
    day = worktime.default_working_time().day_length.total_seconds() / 3600
    Report.objects.filter(pk=report.pk).update(answer_due=worktime.add_working_hours(timezone.now(), -(day + 2)))
    body = page(signed_in(people["officer"]), reverse("feedback:staff_report", args=[report.code]))
    assert "quá hạn 1 ngày 2 giờ" in body
    assert "tag-danger" in body


def test_the_officer_sees_the_unit_actions_and_not_the_triage_ones(assigned, people, signed_in):
    report = assigned()
    body = page(signed_in(people["officer"]), reverse("feedback:staff_report", args=[report.code]))
    for action in ("start", "answer", "return", "transfer", "extension", "note"):
        assert reverse("feedback:staff_action", args=[report.code, action]) in body, action
    for action in ("verify", "reject", "assign", "close", "merge"):
        assert reverse("feedback:staff_action", args=[report.code, action]) not in body, action


def test_the_operator_sees_triage_actions_with_the_routing_suggestion(make_report, routing, people, signed_in, units):
    report = make_report()  # street lights: routed to unit a
    workflow.verify(report=report, by=people["operator"])
    body = page(signed_in(people["operator"]), reverse("feedback:staff_report", args=[report.code]))
    assert reverse("feedback:staff_action", args=[report.code, "assign"]) in body
    assert reverse("feedback:staff_action", args=[report.code, "reject"]) in body
    assert f'<option value="{units["a"].pk}" selected>' in body


def test_response_templates_of_the_unit_are_offered_when_answering(assigned, people, signed_in, units):
    ResponseTemplate.objects.create(unit=units["a"], title="Đã thay bóng đèn", body="Đơn vị đã thay bóng đèn mới.")
    ResponseTemplate.objects.create(unit=units["b"], title="Mẫu của đơn vị khác", body="Không liên quan.")
    report = assigned()
    body = page(signed_in(people["officer"]), reverse("feedback:staff_report", args=[report.code]))
    assert 'data-body="Đơn vị đã thay bóng đèn mới."' in body
    assert "Mẫu của đơn vị khác" not in body
    assert "feedback/staff.js" in body


def test_an_action_moves_the_report_and_comes_back_to_the_page(assigned, people, signed_in):
    report = assigned()
    client = signed_in(people["officer"])
    response = client.post(reverse("feedback:staff_action", args=[report.code, "start"]), {"note": ""})
    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:staff_report", args=[report.code])
    assert Report.objects.get(pk=report.pk).status == Status.IN_PROGRESS


def test_an_invalid_action_says_what_is_wrong_at_the_form(assigned, people, signed_in):
    report = assigned()
    client = signed_in(people["officer"])
    response = client.post(reverse("feedback:staff_action", args=[report.code, "answer"]), {"text": "ngắn"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Nội dung trả lời cần ít nhất 10 ký tự." in body
    assert "Chưa thực hiện được" in body
    assert Report.objects.get(pk=report.pk).status == Status.ASSIGNED


def test_a_refused_move_is_shown_as_an_error_not_a_crash(make_report, people, signed_in):
    report = make_report()
    client = signed_in(people["operator"])
    response = client.post(reverse("feedback:staff_action", args=[report.code, "close"]), {})
    assert response.status_code == 400
    assert "Không thể chuyển phản ánh từ trạng thái" in response.content.decode()


def test_answer_with_photos_and_an_internal_note(assigned, people, signed_in, django_capture_on_commit_callbacks):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "PNG")
    photo = SimpleUploadedFile("ket-qua.png", buffer.getvalue(), content_type="image/png")
    report = assigned()
    client = signed_in(people["officer"])
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("feedback:staff_action", args=[report.code, "answer"]), {
            "text": "Đơn vị đã thay bóng đèn mới, đèn sáng bình thường.", "note": "Kinh phí từ quỹ bảo trì.",
            "photos": [photo]})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.ANSWERED and report.answer.startswith("Đơn vị đã thay")
    assert report.photos.filter(kind="answer").count() == 1
    note = ReportEvent.objects.get(report=report, kind=EventKind.NOTE)
    assert note.note == "Kinh phí từ quỹ bảo trì." and not note.is_public


def test_answer_refuses_a_file_that_is_not_a_photo(assigned, people, signed_in):
    from django.core.files.uploadedfile import SimpleUploadedFile

    report = assigned()
    response = signed_in(people["officer"]).post(reverse("feedback:staff_action", args=[report.code, "answer"]), {
        "text": "Đơn vị đã thay bóng đèn mới, đèn sáng bình thường.",
        "photos": [SimpleUploadedFile("virus.jpg", b"MZ not an image", content_type="image/jpeg")]})
    assert response.status_code == 400
    assert "không phải là ảnh JPEG, PNG hoặc WebP" in response.content.decode()
    assert Report.objects.get(pk=report.pk).status == Status.ASSIGNED


def test_extension_is_requested_then_approved_from_the_page(assigned, people, signed_in):
    report = assigned()
    due = report.answer_due
    response = signed_in(people["officer"]).post(reverse("feedback:staff_action", args=[report.code, "extension"]),
                                                 {"days": "3", "reason": "Chờ vật tư thay thế."})
    assert response.status_code == 302
    body = page(signed_in(people["operator"]), reverse("feedback:staff_report", args=[report.code]))
    assert "Chờ vật tư thay thế." in body and reverse("feedback:staff_action",
                                                      args=[report.code, "decide-extension"]) in body
    response = signed_in(people["operator"]).post(
        reverse("feedback:staff_action", args=[report.code, "decide-extension"]), {"decision": "approve"})
    assert response.status_code == 302
    assert ExtensionRequest.objects.get(report=report).status == "approved"
    assert Report.objects.get(pk=report.pk).answer_due == worktime.add_working_days(due, 3)


def test_refusing_an_extension_needs_a_reason(assigned, people, signed_in):
    report = assigned()
    workflow.request_extension(report=report, by=people["officer"], days=2, reason="Chờ vật tư.")
    response = signed_in(people["operator"]).post(
        reverse("feedback:staff_action", args=[report.code, "decide-extension"]), {"decision": "refuse"})
    assert response.status_code == 400
    assert "Hãy nêu lý do không đồng ý gia hạn." in response.content.decode()


def test_next_goes_back_to_the_queue_but_never_off_site(make_report, people, signed_in):
    report, other = make_report(), make_report()
    client = signed_in(people["operator"])
    back = reverse("feedback:triage") + "?channel=web"
    response = client.post(reverse("feedback:staff_action", args=[report.code, "verify"]), {"next": back})
    assert response["Location"] == back
    response = client.post(reverse("feedback:staff_action", args=[other.code, "verify"]),
                           {"next": "https://evil.example/"})
    assert response["Location"] == reverse("feedback:staff_report", args=[other.code])


# --- The triage queue -----------------------------------------------------------------------------


def test_triage_lists_waiting_reports_oldest_first_with_countdown(make_report, people, signed_in):
    now = timezone.now()
    # A month back: past its acceptance deadline whatever the weekday and holidays around today.
    old = make_report(received_at=now - timedelta(days=30))
    new = make_report(description="Rác thải đổ bừa bãi đầu ngõ 3 Ngô Gia Tự", category="rubbish")
    assigned = make_report(description="Cống thoát nước bị tắc gây ngập", category="flooding")
    workflow.verify(report=assigned, by=people["operator"])
    workflow.assign(report=Report.objects.get(pk=assigned.pk), unit=people["officer"].memberships.get().unit,
                    by=people["operator"])
    body = page(signed_in(people["operator"]), reverse("feedback:triage"))
    assert old.code in body and new.code in body
    assert assigned.code not in body
    assert body.index(old.code) < body.index(new.code)
    assert "quá hạn" in body and "is-overdue" in body  # the old one missed its acceptance deadline
    assert "còn " in body


def test_triage_filters(make_report, people, signed_in, communes):
    web = make_report()
    phone = make_report(channel=Channel.HOTLINE, description="Người dân gọi điện báo đèn hỏng ở Tiên Du",
                        latitude=communes["tien_du"].latitude, longitude=communes["tien_du"].longitude)
    client = signed_in(people["operator"])
    body = page(client, reverse("feedback:triage") + "?channel=hotline")
    assert phone.code in body and web.code not in body
    body = page(client, reverse("feedback:triage") + f"?area={communes['kinh_bac'].pk}")
    assert web.code in body and phone.code not in body
    body = page(client, reverse("feedback:triage") + "?overdue=on")
    assert web.code not in body and phone.code not in body


def test_a_wrong_filter_value_is_reported_at_its_field(make_report, people, signed_in):
    report = make_report(channel=Channel.HOTLINE)
    body = page(signed_in(people["operator"]), reverse("feedback:triage") + "?category=9999&channel=hotline")
    assert 'aria-invalid="true"' in body and report.code in body
    body = page(signed_in(people["officer"]), reverse("feedback:inbox") + "?area=abc&sort=nonsense")
    assert 'aria-invalid="true"' in body


def test_triage_shows_duplicate_count_and_routing_suggestion(make_report, routing, people, signed_in):
    first = make_report()
    make_report(description="Đèn đường số 12 Lý Thái Tổ hỏng, tối om", latitude=first.latitude + 0.0002,
                longitude=first.longitude)
    workflow.verify(report=first, by=people["operator"])
    body = page(signed_in(people["operator"]), reverse("feedback:triage"))
    for report in Report.objects.all():  # each is the other's suggested duplicate
        assert f'{reverse("feedback:staff_report", args=[report.code])}#dupes-heading' in body
    assert "Chuyển Sở Xây dựng" in body  # quick assignment to the routed unit


def test_triage_bulk_assignment_assigns_each_and_reports_failures(make_report, people, signed_in, units):
    reports = [make_report() for _ in range(3)]
    for report in reports[:2]:
        workflow.verify(report=report, by=people["operator"])
    client = signed_in(people["operator"])
    response = client.post(reverse("feedback:triage_assign"), {
        "reports": [r.code for r in reports], "unit": units["b"].pk, "cooperating": [units["a"].pk]}, follow=True)
    assert response.status_code == 200
    statuses = {r.code: Report.objects.get(pk=r.pk) for r in reports}
    assert statuses[reports[0].code].status == Status.ASSIGNED
    assert statuses[reports[0].code].lead_unit == units["b"]
    assert list(statuses[reports[1].code].cooperating_units.all()) == [units["a"]]
    assert statuses[reports[2].code].status == Status.RECEIVED  # not verified: refused, the others went on
    body = response.content.decode()
    assert "Đã chuyển 2 phản ánh cho Sở Y tế" in body
    assert f"{reports[2].code} chưa thực hiện được" in body


def test_triage_bulk_assignment_without_a_unit_says_so(make_report, people, signed_in):
    report = make_report()
    workflow.verify(report=report, by=people["operator"])
    response = signed_in(people["operator"]).post(reverse("feedback:triage_assign"), {"reports": [report.code]})
    assert response.status_code == 400
    assert "Hãy chọn đơn vị chủ trì xử lý." in response.content.decode()
    assert Report.objects.get(pk=report.pk).status == Status.VERIFIED


# --- The inbox ------------------------------------------------------------------------------------


def test_inbox_lists_the_units_reports_by_deadline(assigned, make_report, people, signed_in, units):
    late = assigned(description="Đèn hỏng ở ngõ 7, đã lâu chưa sửa")
    soon = assigned(description="Đèn nhấp nháy ở ngõ 9 cả đêm")
    Report.objects.filter(pk=late.pk).update(answer_due=timezone.now() - timedelta(hours=30))
    other = make_report(description="Phản ánh của đơn vị khác")
    workflow.verify(report=other, by=people["operator"])
    workflow.assign(report=Report.objects.get(pk=other.pk), unit=units["b"], by=people["operator"])
    waiting = make_report(description="Phản ánh chưa được chuyển")
    body = page(signed_in(people["officer"]), reverse("feedback:inbox"))
    assert late.code in body and soon.code in body
    assert other.code not in body and waiting.code not in body
    assert body.index(late.code) < body.index(soon.code)
    assert "quá hạn" in body


def test_inbox_filters_and_search(assigned, people, signed_in):
    a = assigned(description="Đèn hỏng ở ngõ 7 Nguyễn Trãi")
    b = assigned(description="Cột đèn nghiêng ở ngõ 9")
    workflow.start(report=b, by=people["officer"])
    client = signed_in(people["officer"])
    body = page(client, reverse("feedback:inbox") + "?q=Nguyễn+Trãi")
    assert a.code in body and b.code not in body
    body = page(client, reverse("feedback:inbox") + f"?q={b.code.lower()}")
    assert b.code in body and a.code not in body
    body = page(client, reverse("feedback:inbox") + "?status=in_progress")
    assert b.code in body and a.code not in body
    Report.objects.filter(pk=a.pk).update(answer_due=worktime.add_working_hours(timezone.now(), 2))
    body = page(client, reverse("feedback:inbox") + "?due_soon=on")
    assert a.code in body and b.code not in body


def test_cooperating_unit_finds_the_report_under_its_own_tab(make_report, people, signed_in, units):
    report = make_report()
    workflow.verify(report=report, by=people["operator"])
    workflow.assign(report=Report.objects.get(pk=report.pk), unit=units["a"], cooperating=[units["b"]],
                    by=people["operator"])
    client = signed_in(people["other_officer"])
    assert report.code not in page(client, reverse("feedback:inbox"))
    assert report.code in page(client, reverse("feedback:inbox") + "?scope=cooperating")
    assert page(client, reverse("feedback:staff_report", args=[report.code]))  # and may open it


def test_province_wide_inbox_filters_by_unit(assigned, make_report, people, signed_in, units):
    mine = assigned()
    other = make_report(description="Phản ánh của Sở Y tế")
    workflow.verify(report=other, by=people["operator"])
    workflow.assign(report=Report.objects.get(pk=other.pk), unit=units["b"], by=people["operator"])
    client = signed_in(people["leader"])
    body = page(client, reverse("feedback:inbox"))
    assert mine.code in body and other.code in body
    body = page(client, reverse("feedback:inbox") + f"?unit={units['b'].pk}")
    assert other.code in body and mine.code not in body


def test_inbox_queries_do_not_grow_with_the_page(assigned, people, signed_in, django_assert_max_num_queries):
    client = signed_in(people["officer"])
    assigned()
    page(client, reverse("feedback:inbox"))  # warm the caches (calendar, session)
    with django_assert_max_num_queries(12) as few:
        page(client, reverse("feedback:inbox"))
    for _ in range(30):
        assigned()
    with django_assert_max_num_queries(len(few.captured_queries)):
        page(client, reverse("feedback:inbox"))


def test_unit_head_starts_several_reports_at_once(assigned, people, signed_in):
    reports = [assigned() for _ in range(3)]
    workflow.start(report=reports[2], by=people["officer"])
    client = signed_in(people["head"])
    body = page(client, reverse("feedback:inbox"))
    assert 'form="bulk-start"' in body
    response = client.post(reverse("feedback:inbox_start"), {"reports": [r.code for r in reports]}, follow=True)
    assert [Report.objects.get(pk=r.pk).status for r in reports] == [Status.IN_PROGRESS] * 3
    body = response.content.decode()
    assert "Đã bắt đầu xử lý 2 phản ánh" in body
    assert f"{reports[2].code} chưa thực hiện được" in body


def test_officers_have_no_bulk_actions(assigned, people, signed_in):
    report = assigned()
    client = signed_in(people["officer"])
    assert 'form="bulk-start"' not in page(client, reverse("feedback:inbox"))
    assert client.post(reverse("feedback:inbox_start"), {"reports": [report.code]}).status_code == 403
