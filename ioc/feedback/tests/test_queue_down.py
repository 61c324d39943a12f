"""When the task queue cannot be reached, a report is still stored and acknowledged to its sender on the page
(never a 500); the sweep `resume_intake` finishes the intake (photos, the acknowledgement message) once the queue
is back, and does it once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from .. import tasks, workflow
from ..models import Report
from .test_photos import image_upload, report_data


class QueueDown(Exception):
    """What the Redis client raises when the server does not answer (ConnectionError)."""


def down(*args, **kwargs):
    raise QueueDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()


def test_web_intake_answers_and_the_sweep_finishes_the_job(client, categories, communes, monkeypatch,
                                                           django_capture_on_commit_callbacks, caplog):
    monkeypatch.setattr(tasks, "after_intake", down)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("feedback:submit"),
                               report_data(categories, communes, photos=[image_upload("den.jpg")]))
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("feedback:submitted", args=[report.code])
    assert report.acknowledged_at is None and not report.photos.get().is_ready and mail.outbox == []
    assert "could not queue" in caplog.text
    monkeypatch.undo()

    tasks.resume_intake.call_local()  # too early: the job may still be running
    assert Report.objects.get().acknowledged_at is None
    Report.objects.filter(pk=report.pk).update(received_at=timezone.now() - timedelta(minutes=11))
    tasks.resume_intake.call_local()
    report.refresh_from_db()
    assert report.acknowledged_at is not None and report.photos.get().is_ready
    assert [m.to for m in mail.outbox] == [["an@example.vn"]] and report.code in mail.outbox[0].subject
    tasks.resume_intake.call_local()  # once only
    assert len(mail.outbox) == 1


def test_open311_intake_answers_201_with_the_queue_down(client, categories, communes, monkeypatch,
                                                        django_capture_on_commit_callbacks):
    from ioc.core.models import ApiKey, Unit

    key = ApiKey(name="Ứng dụng thử", unit=Unit.objects.create(code="ioc", name="Trung tâm IOC"))
    raw = key.set_new_key()
    key.save()
    monkeypatch.setattr(tasks, "after_intake", down)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/open311/v2/requests.json", {
            "api_key": raw, "service_code": "den-chieu-sang", "lat": communes["kinh_bac"].latitude,
            "long": communes["kinh_bac"].longitude, "description": "Đèn đường hỏng trước số 12.",
            "email": "an@example.vn"})
    assert response.status_code == 201 and Report.objects.count() == 1


def test_a_message_to_a_contact_that_cannot_be_queued_does_not_undo_the_step(make_report, people, monkeypatch,
                                                                              django_capture_on_commit_callbacks):
    report = make_report(reporter_email="hoa@example.vn")
    monkeypatch.setattr(tasks, "message_contact", down)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.verify(report=report, by=people["operator"])
    assert Report.objects.get(pk=report.pk).status == "verified"


def test_reports_of_the_demo_and_of_before_are_not_swept(make_report, monkeypatch):
    report = make_report()
    Report.objects.filter(pk=report.pk).update(acknowledged_at=None, received_at=timezone.now() - timedelta(days=3))
    calls = []
    monkeypatch.setattr(tasks, "finish_intake", lambda *args: calls.append(args))
    tasks.resume_intake.call_local()
    assert calls == []  # older than two days: too late to acknowledge
