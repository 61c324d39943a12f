"""A signed-in citizen's side: rating the answer and asking to reopen (the reporter only), following a report,
and the list of their own and followed reports."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from .. import workflow
from ..models import FeedbackSettings, Follow, Report, Status

ANSWER = "Đơn vị đã thay bóng đèn mới và kiểm tra lại toàn tuyến, đèn sáng bình thường."


@pytest.fixture
def answered(make_report, people, units, routing):
    report = make_report(reporter=people["citizen"])
    workflow.verify(report=report, by=people["operator"])
    workflow.assign(report=report, unit=units["a"], by=people["operator"])
    workflow.answer(report=report, by=people["officer"], text=ANSWER)
    return Report.objects.get(pk=report.pk)


@pytest.fixture
def neighbour(db):
    from tests.factories import make_user

    return make_user("hangxom", full_name="Người Hàng Xóm")


def rate(client, report, **data):
    return client.post(reverse("feedback:rate", args=[report.code]), data)


def reopen(client, report, **data):
    return client.post(reverse("feedback:reopen", args=[report.code]), data)


# --- Rating ---------------------------------------------------------------------------------------


def test_the_reporter_sees_the_rating_and_reopen_forms_others_do_not(client, signed_in, people, neighbour, answered):
    own = signed_in(people["citizen"]).get(reverse("feedback:track", args=[answered.code])).content.decode()
    assert 'type="radio" name="stars"' in own and reverse("feedback:reopen", args=[answered.code]) in own
    assert "5 sao – Rất hài lòng" in own
    other = signed_in(neighbour).get(reverse("feedback:track", args=[answered.code])).content.decode()
    assert 'name="stars"' not in other and reverse("feedback:reopen", args=[answered.code]) not in other


def test_the_reporter_rates_the_answer(signed_in, people, answered):
    response = rate(signed_in(people["citizen"]), answered, stars="4", comment="Xử lý nhanh, cảm ơn.")
    assert response.status_code == 302
    answered.refresh_from_db()
    assert answered.rating == 4 and answered.rating_comment == "Xử lý nhanh, cảm ơn."
    page = signed_in(people["citizen"]).get(response["Location"]).content.decode()
    assert "4/5 sao" in page and "Cảm ơn bạn đã đánh giá" in page


@pytest.mark.parametrize("stars", ["", "0", "6", "năm"])
def test_a_rating_outside_one_to_five_is_refused_at_the_field(signed_in, people, answered, stars):
    response = rate(signed_in(people["citizen"]), answered, stars=stars)
    assert response.status_code == 400
    assert "Hãy chọn từ 1 đến 5 sao." in response.content.decode()
    answered.refresh_from_db()
    assert answered.rating is None


def test_another_citizen_cannot_rate(signed_in, neighbour, people, answered):
    assert rate(signed_in(neighbour), answered, stars="1").status_code == 403
    assert rate(signed_in(people["officer"]), answered, stars="1").status_code == 403
    answered.refresh_from_db()
    assert answered.rating is None


def test_a_visitor_is_asked_to_sign_in_to_rate(client, answered):
    response = rate(client, answered, stars="5")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_report_without_an_answer_cannot_be_rated_yet(signed_in, people, make_report):
    report = make_report(reporter=people["citizen"])
    response = rate(signed_in(people["citizen"]), report, stars="5")
    assert response.status_code == 400 and "Chỉ đánh giá được khi phản ánh đã có trả lời." in response.content.decode()
    report.refresh_from_db()
    assert report.rating is None


# --- Reopening ------------------------------------------------------------------------------------


def test_the_reporter_reopens_within_the_window(signed_in, people, answered):
    response = reopen(signed_in(people["citizen"]), answered, reason="Đèn chỉ sáng được hai hôm rồi lại hỏng.")
    assert response.status_code == 302
    answered.refresh_from_db()
    assert answered.status == Status.REOPENED
    assert answered.events.filter(to_status=Status.REOPENED, note__startswith="Đèn chỉ sáng").exists()


def test_reopening_needs_a_reason(signed_in, people, answered):
    response = reopen(signed_in(people["citizen"]), answered, reason="  ")
    assert response.status_code == 400
    assert "Hãy cho biết vì sao chưa hài lòng với kết quả xử lý." in response.content.decode()
    answered.refresh_from_db()
    assert answered.status == Status.ANSWERED


def test_reopening_after_the_window_is_refused_with_a_message(signed_in, people, answered):
    days = FeedbackSettings.current().reopen_window_days
    Report.objects.filter(pk=answered.pk).update(answered_at=timezone.now() - timedelta(days=days + 1))
    client = signed_in(people["citizen"])
    assert reverse("feedback:reopen", args=[answered.code]) not in client.get(
        reverse("feedback:track", args=[answered.code])).content.decode()
    response = reopen(client, answered, reason="Vẫn chưa sửa xong.")
    assert response.status_code == 400 and f"Đã quá thời hạn {days} ngày" in response.content.decode()
    answered.refresh_from_db()
    assert answered.status == Status.ANSWERED


def test_another_citizen_cannot_reopen(signed_in, neighbour, answered):
    assert reopen(signed_in(neighbour), answered, reason="Tôi cũng thấy chưa ổn.").status_code == 403
    answered.refresh_from_db()
    assert answered.status == Status.ANSWERED


def test_rating_and_reopening_an_unknown_report_is_404(signed_in, people, db):
    client = signed_in(people["citizen"])
    assert client.post(reverse("feedback:rate", args=["PA-2026-999999"]), {"stars": "5"}).status_code == 404
    assert client.post(reverse("feedback:reopen", args=["PA-2026-999999"]), {"reason": "x"}).status_code == 404


# --- Following ------------------------------------------------------------------------------------


def test_any_signed_in_citizen_follows_and_unfollows_a_public_report(signed_in, neighbour, answered):
    client = signed_in(neighbour)
    assert client.post(reverse("feedback:follow", args=[answered.code])).status_code == 302
    assert Follow.objects.filter(report=answered, user=neighbour).exists()
    page = client.get(reverse("feedback:track", args=[answered.code])).content.decode()
    assert reverse("feedback:unfollow", args=[answered.code]) in page
    assert client.post(reverse("feedback:unfollow", args=[answered.code])).status_code == 302
    assert not Follow.objects.filter(report=answered, user=neighbour).exists()


def test_following_needs_a_signed_in_user_and_a_post(client, signed_in, neighbour, answered):
    response = client.post(reverse("feedback:follow", args=[answered.code]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert signed_in(neighbour).get(reverse("feedback:follow", args=[answered.code])).status_code == 405
    assert not Follow.objects.filter(user=neighbour).exists()


def test_a_report_the_public_may_not_read_cannot_be_followed_by_others(signed_in, neighbour, people, make_report):
    report = make_report(category="security", reporter=people["citizen"])
    assert signed_in(neighbour).post(reverse("feedback:follow", args=[report.code])).status_code == 404
    assert not Follow.objects.filter(report=report, user=neighbour).exists()


# --- My reports -----------------------------------------------------------------------------------


def test_my_reports_lists_what_i_sent_and_what_i_follow(signed_in, people, neighbour, make_report):
    mine = make_report(reporter=people["citizen"])
    followed = make_report(category="rubbish", reporter=neighbour,
                           description="Rác thải tồn đọng ở chợ Nhớn nhiều ngày không được thu gom.")
    workflow.follow(report=followed, user=people["citizen"])
    strangers = make_report(reporter=neighbour, description="Ổ gà lớn giữa đường Nguyễn Gia Thiều rất nguy hiểm.")

    page = signed_in(people["citizen"]).get(reverse("feedback:mine")).content.decode()
    assert reverse("feedback:track", args=[mine.code]) in page
    assert reverse("feedback:track", args=[followed.code]) in page
    assert reverse("feedback:track", args=[strangers.code]) not in page
    assert "Mới tiếp nhận" in page


def test_my_reports_is_empty_for_a_new_citizen_and_closed_to_visitors(client, signed_in, neighbour, make_report):
    make_report()
    page = signed_in(neighbour).get(reverse("feedback:mine")).content.decode()
    assert "Bạn chưa gửi phản ánh nào" in page
    client.logout()
    response = client.get(reverse("feedback:mine"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
