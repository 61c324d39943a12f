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
