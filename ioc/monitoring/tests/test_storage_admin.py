"""The back office lists the monitoring reference data for administrators; observations and batches are
read-only there; readings and rollups are not listed at all."""

from datetime import date

import pytest
from django.urls import NoReverseMatch, reverse

from ioc.monitoring.models import Domain, Indicator, IngestBatch, Metric, Observation, Sector, SourceKind, Station

LISTED = ["domain", "sector", "indicator", "metric", "station", "datasource", "walllayout", "observation",
          "ingestbatch"]


@pytest.fixture
def data(commune, units):
    sector = Sector.objects.create(code="y-te", name="Y tế", domain=Domain.objects.create(code="cs", name="Cuộc sống"))
    indicator = Indicator.objects.create(code="giuong-benh", name="Công suất giường bệnh", sector=sector,
                                         owner_unit=units["b"])
    Metric.objects.create(code="pm25", name="Bụi mịn PM2.5")
    Station.objects.create(code="kk-01", name="Trạm không khí Bắc Giang", kind="air_quality", latitude=21.2,
                           longitude=106.1, area=commune, owner_unit=units["a"])
    Observation.objects.create(indicator=indicator, area=commune, period=date(2025, 3, 1), value=84.5)
    IngestBatch.objects.create(kind=SourceKind.UPLOAD, unit=units["b"], filename="giuong-benh-2025.xlsx")
    return indicator


@pytest.mark.parametrize("model", LISTED)
def test_the_administrator_sees_the_lists(model, data, people, signed_in):
    response = signed_in(people["admin"]).get(reverse(f"admin:monitoring_{model}_changelist"))
    assert response.status_code == 200


def test_searching_stations_and_indicators(data, people, signed_in):
    client = signed_in(people["admin"])
    page = client.get(reverse("admin:monitoring_station_changelist"), {"q": "Bắc Giang"}).content.decode()
    assert "kk-01" in page
    page = client.get(reverse("admin:monitoring_indicator_changelist"), {"q": "giường"}).content.decode()
    assert "giuong-benh" in page


def test_observations_and_batches_cannot_be_edited_here(data, people, signed_in):
    client = signed_in(people["admin"])
    observation = Observation.objects.get()
    assert client.get(reverse("admin:monitoring_observation_add")).status_code == 403
    page = client.get(reverse("admin:monitoring_observation_change", args=[observation.pk])).content.decode()
    assert 'name="_save"' not in page
    assert client.get(reverse("admin:monitoring_ingestbatch_add")).status_code == 403


@pytest.mark.parametrize("model", ["reading", "seriesrollup", "arearollup"])
def test_readings_and_rollups_are_not_listed(model):
    with pytest.raises(NoReverseMatch):
        reverse(f"admin:monitoring_{model}_changelist")


def test_an_officer_has_no_back_office(data, people, signed_in):
    response = signed_in(people["officer"]).get(reverse("admin:monitoring_indicator_changelist"))
    assert response.status_code in (302, 403)


def _change_form_data(response):
    """The POST data of an admin change page as it stands (the model form and its inlines)."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({f"{management.prefix}-{name}": management[name].value() for name in management.fields})
        forms += list(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is True:
                data[form.add_prefix(name)] = "on"
            elif value not in (None, False):
                data[form.add_prefix(name)] = value
    return data


def test_a_station_gets_thresholds_of_its_own_in_the_back_office(data, people, signed_in):
    from ioc.monitoring.models import Series

    station = Station.objects.get()
    Metric.objects.filter(code="pm25").update(warning_threshold=50, critical_threshold=75)
    series = Series.objects.create(station=station, metric=Metric.objects.get(), last_t=1_767_225_600, last_value=30)
    client = signed_in(people["admin"])
    url = reverse("admin:monitoring_station_change", args=[station.pk])
    response = client.get(url)
    page = response.content.decode()
    assert "ngưỡng riêng của trạm" in page and "50 / 75" in page
    form = _change_form_data(response)
    prefix = response.context["inline_admin_formsets"][0].formset.prefix
    bad = form | {f"{prefix}-0-warning_threshold": "90", f"{prefix}-0-critical_threshold": "60"}
    response = client.post(url, bad)
    assert response.status_code == 200 and "phải xấu hơn ngưỡng cảnh báo" in response.content.decode()
    response = client.post(url, form | {f"{prefix}-0-warning_threshold": "90", f"{prefix}-0-critical_threshold": "120"})
    assert response.status_code == 302, response.content.decode()[:2000]
    series.refresh_from_db()
    assert series.thresholds() == (90, 120)
