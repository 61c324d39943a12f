"""Tracking a report by its code: the public page shows the public facts, the public timeline and the answer;
never the reporter's identity, staff names or internal notes. Reports the public may not read show only their
status; unknown codes are 404."""

import pytest
from django.urls import reverse

from .. import workflow
from ..models import RejectionReason

SECRET = {"reporter_name": "Phạm Thị Bímật", "reporter_email": "bimat@example.vn", "reporter_phone": "0911222333"}
INTERNAL_NOTE = "Ghi chú nội bộ: đội điện lực hẹn chiều thứ năm"
ANSWER = "Đơn vị đã thay bóng đèn mới và kiểm tra lại toàn tuyến, đèn sáng bình thường."


@pytest.fixture
def handled(make_report, people, units, routing):
    """A public report that went all the way to an answer and a rating."""
    people["operator"].full_name = "Trần Điều Hành"
    people["operator"].save()
    people["officer"].full_name = "Lê Cán Bộ"
    people["officer"].save()
    report = make_report(reporter=people["citizen"], address="Số 12 Lý Thái Tổ", **SECRET)
    workflow.verify(report=report, by=people["operator"], note="Đã xác minh tại hiện trường.")
    workflow.assign(report=report, unit=units["a"], by=people["operator"])
    workflow.add_note(report=report, by=people["officer"], text=INTERNAL_NOTE)
    workflow.start(report=report, by=people["officer"])
    workflow.answer(report=report, by=people["officer"], text=ANSWER)
    report.refresh_from_db()
    workflow.rate(report=report, by=people["citizen"], stars=4, comment="Xử lý nhanh, cảm ơn.")
    report.refresh_from_db()
    return report


def page_of(client, report):
    response = client.get(reverse("feedback:track", args=[report.code]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_public_page_shows_the_public_facts_timeline_answer_and_rating(client, handled):
    page = page_of(client, handled)
    assert handled.code in page and "Đèn chiếu sáng hỏng" in page
    assert "Đã trả lời" in page and "Cơ quan xử lý đã trả lời" in page
    assert "Phường Kinh Bắc" in page and "Số 12 Lý Thái Tổ" in page
    assert "Đèn đường trước số 12 Lý Thái Tổ bị hỏng" in page
    assert ANSWER in page and "4/5 sao" in page and "Xử lý nhanh, cảm ơn." in page
    for step in ("Tiếp nhận phản ánh", "Xác minh phản ánh", "Chuyển cơ quan xử lý", "Bắt đầu xử lý",
                 "Trả lời kết quả xử lý", "Đã xác minh tại hiện trường."):
        assert step in page
    assert "Sở Xây dựng" in page  # the unit that acted, not the person


def test_the_public_page_never_shows_private_fields_staff_names_or_internal_notes(client, signed_in, people, handled):
    for viewer in (client, signed_in(people["other_officer"])):
        page = page_of(viewer, handled)
        for value in [*SECRET.values(), people["citizen"].email, people["citizen"].username, INTERNAL_NOTE,
                      "Trần Điều Hành", "Lê Cán Bộ"]:
            assert value not in page, value


def test_a_report_in_a_category_that_is_not_public_shows_only_its_status(client, signed_in, people, make_report):
    report = make_report(category="security", reporter=people["citizen"], address="Quán karaoke số 9",
                         description="Nhóm thanh niên tụ tập gây rối trật tự lúc nửa đêm tại quán karaoke.", **SECRET)
    page = page_of(client, report)
    assert report.code in page and "Mới tiếp nhận" in page and "Tiếp nhận phản ánh" in page
    assert "gây rối" not in page and "Quán karaoke số 9" not in page and "Phường Kinh Bắc" not in page
    assert "không được công khai" in page
    for value in SECRET.values():
        assert value not in page
    # Its reporter, signed in, sees it in full.
    own = page_of(signed_in(people["citizen"]), report)
    assert "gây rối" in own and "Quán karaoke số 9" in own


def test_a_report_rejected_as_spam_shows_its_status_and_reason_only(client, people, make_report):
    report = make_report(description="Quảng cáo bán hàng, liên hệ số máy này để mua giá rẻ.")
    workflow.reject(report=report, by=people["operator"], reason=RejectionReason.SPAM, note="Nội dung quảng cáo.")
    page = page_of(client, report)
    assert "Từ chối" in page and "Tin rác, nội dung không phù hợp" in page
    assert "Quảng cáo bán hàng" not in page and "Nội dung quảng cáo." not in page


def test_a_merged_report_points_to_the_report_it_joined(client, people, make_report):
    main = make_report()
    duplicate = make_report(description="Đèn đường Lý Thái Tổ không sáng, đi lại buổi tối rất nguy hiểm.")
    workflow.merge(duplicate=duplicate, into=main, by=people["operator"])
    page = page_of(client, duplicate)
    assert reverse("feedback:track", args=[main.code]) in page and "trùng với phản ánh" in page


def test_the_timeline_shows_no_actor_name_even_for_public_notes(client, people, make_report):
    people["operator"].full_name = "Vũ Trực Ban"
    people["operator"].save()
    report = make_report()
    workflow.verify(report=report, by=people["operator"], note="Đã gọi điện xác minh.")
    page = page_of(client, report)
    assert "Đã gọi điện xác minh." in page and "Vũ Trực Ban" not in page and "Trung tâm IOC" in page


@pytest.mark.parametrize("code", ["PA-2026-999999", "PA-1999-000001"])
def test_an_unknown_code_is_404(client, db, code):
    response = client.get(reverse("feedback:track", args=[code]))
    assert response.status_code == 404 and "Không tìm thấy trang" in response.content.decode()


def test_a_malformed_code_in_the_address_is_404(client, db):
    assert client.get("/phan-anh/PA-2026-12/").status_code == 404
    assert client.get("/phan-anh/<script>/").status_code == 404


@pytest.mark.parametrize("typed", ["{code}", "{lower}", "  {spaced}  ", "{compact}"])
def test_lookup_is_tolerant_of_case_and_spaces(client, make_report, typed):
    report = make_report()
    year, number = report.code.split("-")[1:]
    text = typed.format(code=report.code, lower=report.code.lower(), spaced=f"pa - {year} - {number}",
                        compact=f"pa{year}{number}")
    response = client.get(reverse("feedback:lookup"), {"code": text})
    assert response.status_code == 302 and response["Location"] == reverse("feedback:track", args=[report.code])


def test_lookup_says_what_is_wrong_at_the_field(client, db):
    page = client.get(reverse("feedback:lookup")).content.decode()
    assert 'name="code"' in page
    response = client.get(reverse("feedback:lookup"), {"code": "PA-2026-000777"})
    assert "Không tìm thấy phản ánh có mã PA-2026-000777." in " ".join(response.context["form"].errors["code"])
    response = client.get(reverse("feedback:lookup"), {"code": "xin chào"})
    assert "Mã phản ánh có dạng PA-2026-000123." in response.content.decode()
    response = client.get(reverse("feedback:lookup"), {"code": ""})
    assert "Hãy nhập mã phản ánh." in response.content.decode()


def test_the_photos_of_a_report_the_public_may_not_read_are_not_served(client, signed_in, people, make_report,
                                                                       settings, tmp_path):
    from django.core.files.base import ContentFile

    from ..models import ReportPhoto

    settings.MEDIA_ROOT = tmp_path
    report = make_report(category="security", reporter=people["citizen"])
    photo = ReportPhoto(report=report, is_ready=True)
    photo.image.save("image.jpg", ContentFile(b"\xff\xd8\xff\xe0 jpeg"), save=False)
    photo.thumbnail.save("thumbnail.jpg", ContentFile(b"\xff\xd8\xff\xe0 jpeg"), save=False)
    photo.save()
    url = reverse("feedback:photo", args=[report.code, photo.image.name.rsplit("/", 1)[-1][:-4]])
    assert client.get(url).status_code == 404
    assert signed_in(people["other_officer"]).get(url).status_code == 404
    assert signed_in(people["citizen"]).get(url).status_code == 200
