"""A reporter without an account (web form with an e-mail or phone, the 1022 hotline, Open311) gets the answer
with a personal link: through it they rate the answer or ask for the report to be handled again, within the
window; the link opens only that report, is refused when altered, and account holders sign in instead."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from .. import workflow
from ..models import EventKind, FeedbackSettings, Report, Status
from ..views.public import contact_key, contact_path


@pytest.fixture
def answered(make_report, people, units, django_capture_on_commit_callbacks):
    report = make_report(reporter_email="hoa@example.vn")
    workflow.verify(report=report, by=people["operator"])
    workflow.assign(report=Report.objects.get(pk=report.pk), unit=units["a"], by=people["operator"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.answer(report=Report.objects.get(pk=report.pk), by=people["officer"],
                        text="Đơn vị đã thay bóng đèn mới, đèn sáng bình thường.")
    return Report.objects.get(pk=report.pk)


def test_the_answer_message_carries_the_personal_link(answered):
    [message] = [m for m in mail.outbox if "hoa@example.vn" in m.to]
    assert contact_path(answered) in message.body


def test_the_reporter_rates_through_the_link(client, answered):
    page = client.get(contact_path(answered))
    assert page.status_code == 200 and page["Referrer-Policy"] == "no-referrer"
    html = page.content.decode()
    assert 'name="stars"' in html and 'name="reason"' in html and "Đơn vị đã thay bóng đèn mới" in html
    response = client.post(contact_path(answered), {"action": "rate", "stars": "4", "comment": "Nhanh, tốt."})
    assert response.status_code == 302
    report = Report.objects.get(pk=answered.pk)
    assert report.rating == 4 and report.rating_comment == "Nhanh, tốt."
    assert report.events.filter(kind=EventKind.RATING).exists()


def test_the_reporter_asks_again_within_the_window_only(client, answered):
    FeedbackSettings.objects.update_or_create(pk=1, defaults={"reopen_window_days": 7})
    Report.objects.filter(pk=answered.pk).update(answered_at=timezone.now() - timedelta(days=8))
    late = client.post(contact_path(answered), {"action": "reopen", "reason": "Đèn lại hỏng."})
    assert late.status_code == 400 and "Đã quá thời hạn" in late.content.decode()
    Report.objects.filter(pk=answered.pk).update(answered_at=timezone.now() - timedelta(days=2))
    assert client.post(contact_path(answered), {"action": "reopen", "reason": "Đèn lại hỏng."}).status_code == 302
    assert Report.objects.get(pk=answered.pk).status == Status.REOPENED


def test_a_wrong_or_borrowed_key_opens_nothing(client, answered, make_report):
    other = make_report(reporter_email="khac@example.vn")
    assert client.get(f"/phan-anh/{answered.code}/nguoi-gui/{contact_key(other)}/").status_code == 404
    altered = contact_key(answered)[:-2] + ("AA" if not contact_key(answered).endswith("AA") else "BB")
    assert client.get(f"/phan-anh/{answered.code}/nguoi-gui/{altered}/").status_code == 404
    assert client.post(f"/phan-anh/{answered.code}/nguoi-gui/{altered}/",
                       {"action": "rate", "stars": "1"}).status_code == 404
    assert Report.objects.get(pk=answered.pk).rating is None


def test_account_holders_sign_in_instead(client, make_report, people):
    report = make_report(reporter=people["citizen"])
    assert client.get(f"/phan-anh/{report.code}/nguoi-gui/{contact_key(report)}/").status_code == 404
    with pytest.raises(Exception):
        workflow.rate(report=report, by=None, stars=5, contact=True)
