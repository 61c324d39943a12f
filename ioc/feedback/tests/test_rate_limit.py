"""Anonymous intake is rate-limited per client address and per contact; over the limit the form answers 429
with a clear message and stores nothing. Signed-in citizens have a higher limit of their own."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from .. import intake
from ..models import Report
from .test_photos import report_data

LIMITED = "Bạn đã gửi quá nhiều phản ánh trong thời gian ngắn."


@pytest.fixture(autouse=True)
def fresh_counters(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()


def send(client, categories, communes, address="203.0.113.7", **overrides):
    return client.post(reverse("feedback:submit"), report_data(categories, communes, **overrides),
                       REMOTE_ADDR=address)


def test_one_address_may_send_ten_an_hour(client, categories, communes):
    for n in range(intake.RATE_LIMITS["address"]):
        assert send(client, categories, communes, reporter_email=f"dan{n}@example.vn").status_code == 302
    response = send(client, categories, communes, reporter_email="khac@example.vn")
    assert response.status_code == 429
    assert LIMITED in response.content.decode() and response["Retry-After"] == "3600"
    assert Report.objects.count() == 10
    # Another address is not affected.
    assert send(client, categories, communes, address="198.51.100.1", reporter_email="x@example.vn").status_code == 302


def test_one_contact_may_send_five_an_hour_from_any_address(client, categories, communes):
    for n in range(intake.RATE_LIMITS["contact"]):
        assert send(client, categories, communes, address=f"198.51.100.{n}").status_code == 302
    assert send(client, categories, communes, address="192.0.2.99").status_code == 429
    assert Report.objects.count() == 5


def test_a_phone_number_counts_the_same_however_it_is_written(client, categories, communes, monkeypatch):
    monkeypatch.setitem(intake.RATE_LIMITS, "contact", 2)
    for n, phone in enumerate(["0912345678", "0912 345 678"]):
        assert send(client, categories, communes, address=f"198.51.100.{n}", reporter_email="",
                    reporter_phone=phone).status_code == 302
    response = send(client, categories, communes, address="192.0.2.1", reporter_email="", reporter_phone="+84912345678")
    assert response.status_code == 429 and Report.objects.count() == 2


def test_the_limited_form_keeps_what_was_typed(client, categories, communes, monkeypatch):
    monkeypatch.setitem(intake.RATE_LIMITS, "address", 1)
    assert send(client, categories, communes).status_code == 302
    response = send(client, categories, communes, description="Cống thoát nước bị tắc gây ngập trước cổng chợ.")
    assert response.status_code == 429
    assert "Cống thoát nước bị tắc gây ngập trước cổng chợ." in response.content.decode()
    assert Report.objects.count() == 1


def test_invalid_attempts_are_not_counted(client, categories, communes, monkeypatch):
    monkeypatch.setitem(intake.RATE_LIMITS, "address", 1)
    for _ in range(3):
        assert send(client, categories, communes, description="").status_code == 200
    assert send(client, categories, communes).status_code == 302


def test_a_resent_form_is_answered_even_over_the_limit(client, categories, communes, monkeypatch):
    monkeypatch.setitem(intake.RATE_LIMITS, "address", 1)
    data = report_data(categories, communes)
    first = client.post(reverse("feedback:submit"), data, REMOTE_ADDR="203.0.113.7")
    again = client.post(reverse("feedback:submit"), data, REMOTE_ADDR="203.0.113.7")
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert Report.objects.count() == 1


def test_a_signed_in_citizen_has_a_higher_limit(signed_in, people, categories, communes, monkeypatch):
    client = signed_in(people["citizen"])
    for _ in range(intake.RATE_LIMITS["address"] + 1):  # more than a visitor's address may send
        assert send(client, categories, communes).status_code == 302
    monkeypatch.setitem(intake.RATE_LIMITS, "user", intake.RATE_LIMITS["address"] + 1)
    assert send(client, categories, communes).status_code == 429
    assert Report.objects.filter(reporter=people["citizen"]).count() == 11
