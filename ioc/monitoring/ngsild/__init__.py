"""NGSI-LD (ETSI GS CIM 009, normalized form) for devices and FIWARE agents, mounted at /ngsi-ld/v1/.

Smart Data Models entities (AirQualityObserved, WaterObserved, WaterQualityObserved, TrafficFlowObserved,
NoiseLevelObserved, WeatherObserved) feed stations and readings directly; GET rebuilds each entity from its
station and latest values. Modules: `mapping` (types, attribute names, unit codes), `entities` (checking and
rendering entities), `query` (GET filters and q), `service` (the writes), `views` (the endpoints),
`errors` (ProblemDetails).
"""

from django.urls import path, re_path

from . import views

app_name = "ngsild"

urlpatterns = [
    re_path(r"^entityOperations/upsert/?$", views.upsert, name="upsert"),  # IoT Agents add a slash
    re_path(r"^entities/?$", views.entities, name="entities"),
    path("entities/<path:entity_id>/attrs", views.entity_attrs, name="entity_attrs"),
    path("entities/<path:entity_id>", views.entity, name="entity"),
    re_path(r"^.*$", views.unknown, name="unknown"),
]
