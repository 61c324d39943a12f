"""NGSI-LD: a Smart Data Models entity upserted comes back from GET with the same values, times and location;
queries, PATCH, creation, errors in the specification's shape, idempotent re-sending, and units' boundaries."""

import gc
import json
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest

from ioc.core.models import AuditEvent

from ..models import IngestBatch, Reading, Series, SourceKind, Station, StationKind
from .sensor_fixtures import keys, metrics, station_b  # noqa: F401  (fixtures)

CORE = "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld"
ERRORS = "https://uri.etsi.org/ngsi-ld/errors/"
ENTITY_ID = "urn:ngsi-ld:AirQualityObserved:BN-KB-01"


def hours_ago(hours):
    moment = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=hours)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def air_quality(entity_id=ENTITY_ID, *, pm25=35.2, pm10=61.0, at=None, lon=106.05, lat=21.18, **extra):
    at = at or hours_ago(2)
    entity = {
        "id": entity_id, "type": "AirQualityObserved",
        "name": {"type": "Property", "value": "Trạm Kinh Bắc"},
        "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [lon, lat]}},
        "pm25": {"type": "Property", "value": pm25, "observedAt": at, "unitCode": "GQ"},
        "pm10": {"type": "Property", "value": pm10, "observedAt": at, "unitCode": "GQ"},
        "airQualityIndex": {"type": "Property", "value": 92, "observedAt": at},
        "relativeHumidity": {"type": "Property", "value": 0.71, "observedAt": at, "unitCode": "C62"},
        "refDevice": {"type": "Relationship", "object": "urn:ngsi-ld:Device:aq-01"},
        "reliability": {"type": "Property", "value": 0.9},
    }
    entity.update(extra)
    return entity


@pytest.fixture
def api(client, keys):
    class Api:
        def post(self, path, data, key="a", content_type="application/json", **headers):
            return client.post(f"/ngsi-ld/v1/{path}", json.dumps(data), content_type=content_type,
                               headers={"X-API-Key": keys[key], **headers})

        def patch(self, path, data, key="a", content_type="application/json"):
            return client.patch(f"/ngsi-ld/v1/{path}", json.dumps(data), content_type=content_type,
                                headers={"X-API-Key": keys[key]})

        def get(self, path, key="a", **headers):
            return client.get(f"/ngsi-ld/v1/{path}", headers={"X-API-Key": keys[key], **headers} if key else headers)

    return Api()


def test_upsert_creates_the_station_and_get_returns_the_same_entity(api, units, commune, metrics):
    at = hours_ago(3)
    response = api.post("entityOperations/upsert", [air_quality(at=at, lon=106.2101, lat=21.2799)])
    assert response.status_code == 201, response.content
    assert response.json() == [ENTITY_ID]

    station = Station.objects.get(ngsi_id=ENTITY_ID)
    assert (station.code, station.kind, station.ngsi_type) == ("BN-KB-01", StationKind.AIR_QUALITY,
                                                               "AirQualityObserved")
    assert station.owner_unit == units["a"] and station.area == commune and station.name == "Trạm Kinh Bắc"

    entity = api.get(f"entities/{ENTITY_ID}").json()
    assert entity["id"] == ENTITY_ID and entity["type"] == "AirQualityObserved"
    assert entity["location"] == {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [106.2101, 21.2799]}}
    assert entity["pm25"] == {"type": "Property", "value": 35.2, "observedAt": at, "unitCode": "GQ"}
    assert entity["pm10"]["value"] == 61.0 and entity["pm10"]["observedAt"] == at
    assert entity["airQualityIndex"] == {"type": "Property", "value": 92.0, "observedAt": at}
    # relativeHumidity came as a fraction (C62) and is stored in the metric's unit, per cent
    assert entity["relativeHumidity"]["value"] == pytest.approx(71.0) and entity["relativeHumidity"]["unitCode"] == "P1"
    assert entity["name"] == {"type": "Property", "value": "Trạm Kinh Bắc"}


def test_the_delivery_is_one_batch_and_one_audit_event_listing_ignored_attributes(api, metrics):
    response = api.post("entityOperations/upsert", [air_quality(), air_quality("urn:ngsi-ld:AirQualityObserved:B2")])
    assert response.status_code == 201
    batch = IngestBatch.objects.get()
    assert batch.kind == SourceKind.NGSI_LD and batch.rows_received == 8 and batch.rows_written == 8
    assert batch.summary["created"] == 2 and batch.summary["ignored_attributes"] == []
    assert response["IOC-Batch"] == str(batch.public_id)
    event = AuditEvent.objects.get(object_type="monitoring.ingestbatch")
    assert event.actor_label == "API: agent-a" and "2 entities stored" in event.note

    response = api.post("entityOperations/upsert", [air_quality(noiseFloor={"type": "Property", "value": 3})])
    assert response.status_code == 204
    assert IngestBatch.objects.latest("created_at").summary["ignored_attributes"] == ["noiseFloor"]
    assert response["IOC-Ignored-Attributes"] == "noiseFloor"


def test_resending_the_same_observations_writes_nothing_new(api, metrics):
    entity = air_quality()
    assert api.post("entityOperations/upsert", [entity]).status_code == 201
    assert api.post("entityOperations/upsert", [entity]).status_code == 204
    assert Reading.objects.count() == 4
    first, again = IngestBatch.objects.order_by("created_at", "pk")
    assert (first.rows_written, again.rows_received, again.rows_written) == (4, 4, 0)
    assert Station.objects.count() == 1

    corrected = air_quality(pm25=40.0)
    api.post("entityOperations/upsert", [corrected])
    assert Reading.objects.count() == 4  # a correction replaces the value at the same time
    assert Series.objects.get(metric__code="pm25").last_value == 40.0


def test_expanded_attribute_names_and_ld_json_with_context_member(api, metrics):
    at = hours_ago(1)
    entity = {
        "@context": [CORE, "https://smartdatamodels.org/context.jsonld"],
        "id": "urn:ngsi-ld:AirQualityObserved:LD-1",
        "type": "https://smartdatamodels.org/dataModel.Environment/AirQualityObserved",
        "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [106.1, 21.2]}},
        "https://smartdatamodels.org/dataModel.Environment/pm25": {"type": "Property", "value": 12.5,
                                                                    "observedAt": at},
    }
    response = api.post("entityOperations/upsert", [entity], content_type="application/ld+json")
    assert response.status_code == 201, response.content
    got = api.get("entities/urn:ngsi-ld:AirQualityObserved:LD-1", Accept="application/ld+json")
    assert got["Content-Type"].startswith("application/ld+json")
    assert got.json()["@context"] == CORE and got.json()["pm25"]["value"] == 12.5

    without_context = dict(entity, id="urn:ngsi-ld:AirQualityObserved:LD-2")
    del without_context["@context"]
    response = api.post("entityOperations/upsert", [without_context], content_type="application/ld+json")
    assert response.status_code == 207
    assert "@context" in response.json()["errors"][0]["error"]["detail"]


def test_json_responses_carry_the_context_in_a_link_header(api, metrics):
    api.post("entityOperations/upsert", [air_quality()])
    response = api.get(f"entities/{ENTITY_ID}")
    assert response["Content-Type"].startswith("application/json")
    assert response["Link"] == f'<{CORE}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"'
    assert "@context" not in response.json()


def test_list_filters_by_type_id_pattern_attrs_and_q_with_count(api, metrics, station_b):
    api.post("entityOperations/upsert", [
        air_quality("urn:ngsi-ld:AirQualityObserved:A1", pm25=20),
        air_quality("urn:ngsi-ld:AirQualityObserved:A2", pm25=80),
        {"id": "urn:ngsi-ld:WaterObserved:W1", "type": "WaterObserved",
         "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [106.1, 21.1]}},
         "waterLevel": {"type": "Property", "value": 3.2, "observedAt": hours_ago(1)}},
    ])
    response = api.get("entities?type=AirQualityObserved&count=true")
    ids = [e["id"] for e in response.json()]
    # the unit-b station nobody named over NGSI-LD is shown with an id made from its code
    assert ids == ["urn:ngsi-ld:AirQualityObserved:kk-bac-giang", "urn:ngsi-ld:AirQualityObserved:A1",
                   "urn:ngsi-ld:AirQualityObserved:A2"]
    assert response["NGSILD-Results-Count"] == "3"
    assert [e["id"] for e in api.get("entities?type=WaterObserved").json()] == ["urn:ngsi-ld:WaterObserved:W1"]
    assert [e["id"] for e in api.get("entities?q=pm25>50").json()] == ["urn:ngsi-ld:AirQualityObserved:A2"]
    assert [e["id"] for e in api.get("entities?type=AirQualityObserved&q=pm25<50;pm10==61").json()] == [
        "urn:ngsi-ld:AirQualityObserved:A1"]
    assert [e["id"] for e in api.get("entities?idPattern=:A[0-9]$").json()] == [
        "urn:ngsi-ld:AirQualityObserved:A1", "urn:ngsi-ld:AirQualityObserved:A2"]
    assert [e["id"] for e in api.get("entities?id=urn:ngsi-ld:WaterObserved:W1,urn:ngsi-ld:AirQualityObserved:A2"
                                     ).json()] == ["urn:ngsi-ld:AirQualityObserved:A2", "urn:ngsi-ld:WaterObserved:W1"]
    only = api.get("entities?attrs=waterLevel").json()
    assert [e["id"] for e in only] == ["urn:ngsi-ld:WaterObserved:W1"] and set(only[0]) == {"id", "type", "waterLevel"}
    page = api.get("entities?type=AirQualityObserved&limit=1&offset=1&count=true")
    assert [e["id"] for e in page.json()] == ["urn:ngsi-ld:AirQualityObserved:A1"]
    assert page["NGSILD-Results-Count"] == "3"
    simplified = api.get("entities?id=urn:ngsi-ld:AirQualityObserved:A2&options=keyValues").json()[0]
    assert simplified["pm25"] == 80 and simplified["location"] == {"type": "Point", "coordinates": [106.05, 21.18]}


def test_list_without_any_filter_and_bad_parameters_are_bad_request_data(api, metrics):
    for query, words in [("", "type"), ("type=AirQualityObserved&limit=5000", "limit"),
                         ("q=pm25>>3", "q"), ("q=pm25==abc", "abc"), ("idPattern=[", "idPattern")]:
        response = api.get(f"entities?{query}")
        assert response.status_code == 400, query
        body = response.json()
        assert body["type"] == ERRORS + "BadRequestData" and words in body["detail"], (query, body)


def test_patch_attrs_adds_a_reading(api, metrics):
    api.post("entityOperations/upsert", [air_quality(at=hours_ago(3))])
    later = hours_ago(1)
    response = api.patch(f"entities/{ENTITY_ID}/attrs", {
        "pm25": {"type": "Property", "value": 55.5, "observedAt": later},
        "no2": {"type": "Property", "value": 20, "observedAt": later},
    })
    assert response.status_code == 207
    assert response.json()["updated"] == ["pm25"]
    assert response.json()["notUpdated"][0]["attributeName"] == "no2"
    assert Reading.objects.filter(series__metric__code="pm25").count() == 2
    entity = api.get(f"entities/{ENTITY_ID}").json()
    assert entity["pm25"]["value"] == 55.5 and entity["pm25"]["observedAt"] == later

    response = api.patch(f"entities/{ENTITY_ID}/attrs", {"pm10": {"type": "Property", "value": 70,
                                                                   "observedAt": later}})
    assert response.status_code == 204
    assert IngestBatch.objects.filter(summary__operation="update_attributes").count() == 2


def test_unknown_entity_is_resource_not_found(api, metrics):
    for response in (api.get("entities/urn:ngsi-ld:AirQualityObserved:nope"),
                     api.patch("entities/urn:ngsi-ld:AirQualityObserved:nope/attrs",
                               {"pm25": {"type": "Property", "value": 1}})):
        assert response.status_code == 404
        assert response.json()["type"] == ERRORS + "ResourceNotFound"
        assert "urn:ngsi-ld:AirQualityObserved:nope" in response.json()["detail"]
    assert api.get("nothing-here").json()["type"] == ERRORS + "ResourceNotFound"


@pytest.mark.parametrize("change,words", [
    ({"pm25": {"type": "Property", "value": "cao", "observedAt": "2026-01-01T00:00:00Z"}}, "pm25"),
    ({"pm25": 35}, "chuẩn hóa"),
    ({"pm25": {"type": "Property", "value": 35, "observedAt": "hôm qua"}}, "ISO 8601"),
    ({"pm25": {"type": "Property", "value": 5000}}, "ngoài khoảng"),
    ({"pm25": {"type": "Property", "value": 5, "unitCode": "MTR"}}, "unitCode"),
    ({"location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [21.1, 106.1]}}}, "GeoJSON"),
    ({"location": {"type": "GeoProperty", "value": {"type": "Polygon", "coordinates": []}}}, "Point"),
    ({"type": "ParkingSpot"}, "ParkingSpot"),
    ({"id": "BN-01"}, "URI"),
])
def test_malformed_entity_is_bad_request_data_naming_the_fault(api, metrics, change, words):
    response = api.post("entities", {**air_quality(), **change})
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == ERRORS + "BadRequestData" and body["status"] == 400
    assert words in body["detail"], body["detail"]
    assert not Station.objects.exists()


def test_invalid_json_and_wrong_media_type(api, client, keys, metrics):
    response = client.post("/ngsi-ld/v1/entities", "{not json", content_type="application/json",
                           headers={"X-API-Key": keys["a"]})
    assert response.status_code == 400 and response.json()["type"] == ERRORS + "InvalidRequest"
    response = client.post("/ngsi-ld/v1/entities", "id=1", content_type="text/plain", headers={"X-API-Key": keys["a"]})
    assert response.status_code == 415
    response = api.post("entities", {**air_quality(), "@context": CORE})
    assert response.status_code == 400 and "Link" in response.json()["detail"]
    assert api.post("entityOperations/upsert", {"id": "x"}).status_code == 400
    assert api.post("entityOperations/upsert", []).status_code == 400


def test_create_answers_201_with_location_then_409(api, metrics):
    response = api.post("entities", air_quality())
    assert response.status_code == 201
    assert response["Location"] == f"/ngsi-ld/v1/entities/{ENTITY_ID}"
    response = api.post("entities", air_quality())
    assert response.status_code == 409
    assert response.json()["type"] == ERRORS + "AlreadyExists"
    assert Station.objects.count() == 1


def test_batch_with_some_bad_entities_is_207_and_stores_the_good_ones(api, metrics):
    bad = air_quality("urn:ngsi-ld:AirQualityObserved:BAD", pm25="x")
    no_location = {"id": "urn:ngsi-ld:AirQualityObserved:NOLOC", "type": "AirQualityObserved",
                   "pm25": {"type": "Property", "value": 3}}
    response = api.post("entityOperations/upsert", [air_quality(), bad, no_location])
    assert response.status_code == 207
    body = response.json()
    assert body["success"] == [ENTITY_ID]
    assert [e["entityId"] for e in body["errors"]] == ["urn:ngsi-ld:AirQualityObserved:BAD",
                                                        "urn:ngsi-ld:AirQualityObserved:NOLOC"]
    assert body["errors"][0]["error"]["type"] == ERRORS + "BadRequestData"
    assert "location" in body["errors"][1]["error"]["detail"]
    batch = IngestBatch.objects.get()
    assert [e["row"] for e in batch.errors] == [2, 3]
    assert list(Station.objects.values_list("ngsi_id", flat=True)) == [ENTITY_ID]


def test_every_entity_of_a_batch_is_checked_and_converted_alike(api, metrics):
    """The entities after the first of a batch repeat its attribute names, units and times (what a FIWARE agent
    sends): each is still converted, range-checked and timed on its own."""
    at, other = hours_ago(2), hours_ago(1)
    ids = [f"urn:ngsi-ld:AirQualityObserved:S{i}" for i in range(6)]
    batch = [air_quality(ids[0], at=at), air_quality(ids[1], at=at, pm25=12, pm10=20.5),
             dict(air_quality(ids[2], at=other), relativeHumidity={"type": "Property", "value": 0.5, "unitCode": "C62",
                                                                   "observedAt": other}),
             air_quality(ids[3], at=at, pm25=5000.0),  # out of range
             dict(air_quality(ids[4], at=at), pm10={"type": "Property", "value": 3.0, "unitCode": "MTR",
                                                    "observedAt": at}),
             dict(air_quality(ids[5], at=at), pm25={"type": "Property", "value": 9.0,
                                                    "observedAt": "2001-13-01T00:00:00Z"})]
    response = api.post("entityOperations/upsert", batch)
    assert response.status_code == 207, response.content
    errors = {e["entityId"]: e["error"]["detail"] for e in response.json()["errors"]}
    assert set(errors) == {ids[3], ids[4], ids[5]}
    assert "ngoài khoảng" in errors[ids[3]] and "unitCode" in errors[ids[4]] and "ISO 8601" in errors[ids[5]]
    values = {(s, m): (v, t) for s, m, v, t in Series.objects.values_list("station__ngsi_id", "metric__code",
                                                                           "last_value", "last_t")}
    at_epoch = int(datetime.fromisoformat(at).timestamp())
    assert values[(ids[1], "pm25")] == (12.0, at_epoch) and values[(ids[1], "pm10")] == (20.5, at_epoch)
    assert values[(ids[1], "humidity")] == (pytest.approx(71.0), at_epoch)  # C62 → per cent, as for the first
    assert values[(ids[2], "humidity")] == (pytest.approx(50.0), int(datetime.fromisoformat(other).timestamp()))
    assert values[(ids[2], "aqi")] == (92.0, int(datetime.fromisoformat(other).timestamp()))
    assert not Station.objects.filter(ngsi_id__in=ids[3:]).exists()


def test_the_garbage_collector_is_paused_during_a_batch_only(api, metrics):
    from ioc.monitoring.ngsild.views import _CollectorPaused

    seen = []
    api.post("entityOperations/upsert", [air_quality()])
    assert gc.isenabled()
    with mock.patch("ioc.monitoring.ngsild.service.upsert_entities", side_effect=lambda **kw: seen.append(
            gc.isenabled()) or 1 / 0):
        assert api.post("entityOperations/upsert", [air_quality()]).status_code == 500
    assert seen == [False] and gc.isenabled()
    assert api.post("entityOperations/upsert", {"id": "x"}).status_code == 400
    assert gc.isenabled()
    with _CollectorPaused():  # two batches at once (two threads): the collector resumes after the last one
        with _CollectorPaused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_another_units_key_cannot_update_the_station(api, metrics, station_b):
    named = "urn:ngsi-ld:AirQualityObserved:kk-bac-giang"
    response = api.post("entityOperations/upsert", [air_quality(named), air_quality("urn:ngsi-ld:AirQualityObserved:own")])
    assert response.status_code == 207
    [error] = response.json()["errors"]
    assert error["entityId"] == named and error["error"]["status"] == 403
    assert not Reading.objects.filter(series__station=station_b).exists()
    response = api.patch(f"entities/{named}/attrs", {"pm25": {"type": "Property", "value": 1}})
    assert response.status_code == 403
    # its own unit's key feeds the existing station and names it
    response = api.post("entityOperations/upsert", [air_quality(named)], key="b")
    assert response.status_code == 204
    station_b.refresh_from_db()
    assert station_b.ngsi_id == named and Reading.objects.filter(series__station=station_b).count() == 4
    assert station_b.name == "Trạm Kinh Bắc"  # the agent's name wins


def test_keys_and_sessions(client, api, people, signed_in, metrics):
    assert client.get("/ngsi-ld/v1/entities?type=AirQualityObserved").status_code == 401
    response = client.post("/ngsi-ld/v1/entityOperations/upsert", "[]", content_type="application/json",
                           headers={"X-API-Key": "ioc_dead_beef"})
    assert response.status_code == 401 and response.json()["type"] == ERRORS + "Unauthorized"
    api.post("entityOperations/upsert", [air_quality()])
    staff = signed_in(people["officer"])
    assert staff.get(f"/ngsi-ld/v1/entities/{ENTITY_ID}").status_code == 200
    assert staff.post("/ngsi-ld/v1/entities", json.dumps(air_quality("urn:x:y")),
                      content_type="application/json").status_code == 403
    citizen = signed_in(people["citizen"])
    assert citizen.get(f"/ngsi-ld/v1/entities/{ENTITY_ID}").status_code == 403


def test_internal_station_is_visible_to_keys_only_not_to_citizens(api, people, signed_in, metrics):
    api.post("entityOperations/upsert", [air_quality()])
    Station.objects.update(is_public=False)
    assert api.get(f"entities/{ENTITY_ID}").status_code == 200
    assert signed_in(people["citizen"]).get(f"/ngsi-ld/v1/entities/{ENTITY_ID}").status_code == 403


def test_moving_the_station_updates_location_and_commune(api, metrics, commune, province):
    from ioc.core.models import Area, AreaLevel

    other = Area.objects.create(code="07999", name="Xã Lục Nam", short_name="Lục Nam", kind="Xã",
                                level=AreaLevel.COMMUNE, parent=province, latitude=21.30, longitude=106.40,
                                area_km2=50)
    api.post("entityOperations/upsert", [air_quality(lon=106.21, lat=21.28)])
    assert Station.objects.get().area == commune
    api.post("entityOperations/upsert", [air_quality(lon=106.401, lat=21.301)])
    station = Station.objects.get()
    assert station.area == other and (station.latitude, station.longitude) == (21.301, 106.401)


def test_unknown_methods_are_405_problems(api, client, keys):
    response = client.delete(f"/ngsi-ld/v1/entities/{ENTITY_ID}", headers={"X-API-Key": keys["a"]})
    assert response.status_code == 405 and "GET" in response["Allow"]
    assert response.json()["type"] == ERRORS + "MethodNotAllowed"
