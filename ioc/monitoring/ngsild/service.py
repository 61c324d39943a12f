"""What NGSI-LD writes do to the IOC: entities become stations, their measured attributes readings.

`upsert_entities()` serves batch upsert and entity creation, `update_attributes()` serves PATCH …/attrs. Both:

- find each entity's station by `Station.ngsi_id`, else by the station code its id ends with (so the stations
  already in the IOC can be fed by a FIWARE agent that names them `urn:ngsi-ld:<Type>:<code>`), else create it
  for the API key's unit (the commune found from its location);
- refuse a station of another unit (a `Forbidden` error for that entity, the others go on);
- write every reading through `storage.write_readings` in one call (idempotent: the same observedAt and value
  again writes nothing new; a different value at the same time is a correction);
- record the delivery as an `IngestBatch` (kind ngsi_ld) and one audit event, all in one transaction.
"""

import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from ioc.core import audit
from ioc.core.areas import nearest_commune
from ioc.core.models import AuditAction

from .. import storage
from ..models import BatchStatus, DataSource, IngestBatch, Metric, Series, SourceKind, Station
from .entities import MAX_CODE, ParsedEntity, code_from_id, entity_id_for, parse_attributes, parse_time, type_for
from .errors import NgsiError, bad_data, not_found
from .mapping import KIND_TYPES, MetricIndex

log = logging.getLogger("ioc.ngsild")

MAX_ERRORS_KEPT = 200  # per batch, in IngestBatch.errors
COORDINATE_TOLERANCE = 1e-7  # about 1 cm: a device re-sending its position does not rewrite the station


@dataclass
class Outcome:
    created: list = field(default_factory=list)  # entity ids
    updated: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # (entity id, NgsiError)
    ignored: set = field(default_factory=set)
    received: int = 0
    written: int = 0
    batch: IngestBatch | None = None

    @property
    def succeeded(self):
        return self.created + self.updated


class StationRef(NamedTuple):
    """What a batch needs of an existing station, read without building model instances."""

    pk: int
    code: str
    kind: str
    latitude: float
    longitude: float
    name: str
    address: str
    ngsi_id: str | None
    ngsi_type: str
    owner_unit_id: int


_REF_COLUMNS = ", ".join("id" if name == "pk" else name for name in StationRef._fields)


def find_stations(entity_ids, *, refs=False):
    """entity id → Station (or StationRef with `refs`), for the ids that already have one (by ngsi_id, then by
    code for unlinked stations)."""

    def fetch(stations):
        return (StationRef._make(row) for row in stations.values_list(*StationRef._fields)) if refs else stations

    ids = list(dict.fromkeys(entity_ids))
    found = {}
    if refs:  # a batch's thousands of ids: written out, without the ORM's preparation of each value
        with connection.cursor() as cursor:
            for sql, params in storage.in_list(f"SELECT {_REF_COLUMNS} FROM {Station._meta.db_table} "
                                               "WHERE ngsi_id", ids):
                cursor.execute(sql, params)
                for station in map(StationRef._make, cursor.fetchall()):
                    found[station.ngsi_id] = station
    else:
        for start in range(0, len(ids), 5000):
            for station in Station.objects.filter(ngsi_id__in=ids[start:start + 5000]):
                found[station.ngsi_id] = station
    missing = [i for i in ids if i not in found]
    if missing:
        by_code = defaultdict(list)
        for entity_id in missing:
            by_code[code_from_id(entity_id).lower()].append(entity_id)
        candidates = (Station.objects.filter(ngsi_id__isnull=True).annotate(lower_code=Lower("code"))
                      .filter(lower_code__in=list(by_code)))
        for station in fetch(candidates):
            for entity_id in by_code[station.code.lower()]:
                # Only the id this station would show itself (same type and code) names it.
                if entity_id_for(station).lower() == entity_id.lower():
                    found[entity_id] = station
    return found


def find_station(entity_id):
    return find_stations([entity_id]).get(entity_id)


def unit_source(unit):
    """The unit's active NGSI-LD data source, if it declared one (its batches and new stations name it)."""
    return DataSource.objects.filter(owner_unit=unit, kind=SourceKind.NGSI_LD, is_active=True).order_by("pk").first()


def _merge(parsed_entities):
    """One ParsedEntity per id (a batch may name an entity twice: later attributes win, readings add up)."""
    merged = {}
    for index, entity in parsed_entities:
        first = merged.get(entity.id)
        if first is None:
            merged[entity.id] = (index, entity)
            continue
        kept = first[1]
        kept.readings += entity.readings
        kept.ignored += entity.ignored
        kept.location = entity.location or kept.location
        kept.name = entity.name or kept.name
        kept.address = entity.address or kept.address
    return list(merged.values())


def _free_codes(entities):
    """A station code for each entity to create: the code in its id, or that code with a hash of the id when
    another station (or another entity of the batch) holds it already."""
    wanted = {e.id: e.code for e in entities}
    taken = set(Station.objects.annotate(lower_code=Lower("code"))
                .filter(lower_code__in=[c.lower() for c in wanted.values()]).values_list("lower_code", flat=True))
    codes = {}
    for entity_id, code in wanted.items():
        if code.lower() in taken:
            suffix = hashlib.sha1(entity_id.encode()).hexdigest()[:8]
            code = f"{code[:MAX_CODE - 9]}-{suffix}"
        taken.add(code.lower())
        codes[entity_id] = code
    return codes


def _create_station(entity: ParsedEntity, code, unit, source):
    latitude, longitude = entity.location
    station = Station(
        code=code, name=entity.name or f"{entity.type} {entity.code}"[:200], kind=entity.kind,
        latitude=latitude, longitude=longitude, address=entity.address, area=nearest_commune(latitude, longitude),
        owner_unit=unit, source=source, ngsi_id=entity.id, ngsi_type=entity.type,
    )
    with transaction.atomic():
        station.save()
    return station


def _refresh_station(station, entity: ParsedEntity):
    """Apply the entity's name, address and location; save only what changed (each save is audited). Returns
    the station (a model instance once something changed)."""
    changes = {}
    if entity.location is not None:
        latitude, longitude = entity.location
        if (abs(station.latitude - latitude) > COORDINATE_TOLERANCE
                or abs(station.longitude - longitude) > COORDINATE_TOLERANCE):
            changes.update(latitude=latitude, longitude=longitude, area=nearest_commune(latitude, longitude))
    if entity.name and entity.name != station.name:
        changes["name"] = entity.name
    if entity.address and entity.address != station.address:
        changes["address"] = entity.address
    if station.ngsi_id is None:
        changes["ngsi_id"] = entity.id
    if not station.ngsi_type:
        changes["ngsi_type"] = entity.type
    if not changes:
        return station
    if not isinstance(station, Station):
        station = Station.objects.get(pk=station.pk)
    for name, value in changes.items():
        setattr(station, name, value)
    station.save(update_fields=list(changes))
    return station


def _check_station(station, entity: ParsedEntity, unit):
    if station.owner_unit_id != unit.pk:
        raise NgsiError("Forbidden", _("Thực thể “%(id)s” là trạm %(code)s của đơn vị khác; khóa API của "
                                       "%(unit)s không được ghi vào đó.") % {
            "id": entity.id[:120], "code": station.code, "unit": unit.name})
    if type_for(station) != entity.type and KIND_TYPES.get(station.kind) != entity.type:
        raise bad_data(_("Thực thể “%(id)s” đã có kiểu %(old)s, không đổi được sang %(new)s.") % {
            "id": entity.id[:120], "old": type_for(station), "new": entity.type})


def upsert_entities(*, parsed, failed, api_key, create_only=False, content_hash=""):
    """Store checked entities (`parsed`: (index, ParsedEntity)); `failed`: (index, entity id, NgsiError) found
    while checking. With create_only, an entity that exists is an AlreadyExists error."""
    unit = api_key.unit
    outcome = Outcome()
    problems = [(index, entity_id, error) for index, entity_id, error in failed]
    with transaction.atomic():
        source = unit_source(unit)
        entities = _merge(parsed)
        stations = find_stations([e.id for _, e in entities], refs=True)
        to_create = []
        ready = []  # (entity, station)
        for index, entity in entities:
            station = stations.get(entity.id)
            try:
                if station is None:
                    if entity.location is None:
                        raise bad_data(_("Thực thể mới “%(id)s” thiếu “location” (GeoProperty, điểm GeoJSON): "
                                         "cần vị trí để tạo trạm.") % {"id": entity.id[:120]})
                    to_create.append((index, entity))
                    continue
                if create_only:
                    raise NgsiError("AlreadyExists", _("Thực thể “%(id)s” đã có (trạm %(code)s).")
                                    % {"id": entity.id[:120], "code": station.code})
                _check_station(station, entity, unit)
                ready.append((entity, _refresh_station(station, entity)))
                outcome.updated.append(entity.id)
            except NgsiError as error:
                problems.append((index, entity.id, error))
        codes = _free_codes([e for _, e in to_create]) if to_create else {}
        for index, entity in to_create:
            try:
                station = _create_station(entity, codes[entity.id], unit, source)
            except IntegrityError:
                # Created meanwhile by a concurrent request: treat it as existing.
                station = find_station(entity.id)
                if station is None:
                    log.warning("NGSI-LD: could not create station for %s", entity.id)
                    problems.append((index, entity.id, NgsiError(
                        "InternalError", _("Không tạo được trạm cho thực thể “%(id)s”; hãy gửi lại.")
                        % {"id": entity.id[:120]})))
                    continue
                try:
                    if create_only:
                        raise NgsiError("AlreadyExists", _("Thực thể “%(id)s” đã có.") % {"id": entity.id[:120]})
                    _check_station(station, entity, unit)
                except NgsiError as error:
                    problems.append((index, entity.id, error))
                    continue
                ready.append((entity, station))
                outcome.updated.append(entity.id)
                continue
            ready.append((entity, station))
            outcome.created.append(entity.id)
        for entity, _station in ready:
            outcome.ignored.update(entity.ignored)
        problems.sort(key=lambda p: p[0])
        outcome.errors = [(entity_id, error) for _, entity_id, error in problems]
        _write(outcome, ready, api_key=api_key, source=source, content_hash=content_hash,
               problems=problems, operation="create" if create_only else "upsert")
    return outcome


def _write(outcome, ready, *, api_key, source, content_hash, problems, operation, total=None):
    """Readings of every (entity, station) in one storage call, the IngestBatch and its audit event."""
    unit = api_key.unit
    now = timezone.now()
    outcome.received = sum(len(entity.readings) for entity, _station in ready)
    batch = IngestBatch.objects.create(
        kind=SourceKind.NGSI_LD, source=source, unit=unit, api_key=api_key, target="readings",
        content_hash=content_hash, status=BatchStatus.COMMITTED if ready else BatchStatus.REJECTED,
        rows_received=outcome.received, created_at=now,
    )
    written = 0
    if outcome.received:
        codes = {metric for entity, _station in ready for metric, _t, _value in entity.readings}
        metric_ids = dict(Metric.objects.filter(code__in=codes).values_list("code", "pk"))
        series = storage.series_ids_by_keys({(station.pk, metric_ids[metric]) for entity, station in ready
                                             for metric, _t, _value in entity.readings})
        rows = [(series[(station.pk, metric_ids[metric])], t, value)
                for entity, station in ready for metric, t, value in entity.readings]
        written = storage.write_readings(rows, batch=batch).written
    outcome.written = written
    batch.rows_written = written
    batch.errors = [{"row": index + 1, "entity": entity_id, "column": "", "message": error.detail}
                    for index, entity_id, error in problems[:MAX_ERRORS_KEPT]]
    batch.summary = {
        "operation": operation,
        "entities": total if total is not None else len(ready) + len(problems),
        "created": len(outcome.created),
        "updated": len(outcome.updated),
        "failed": len(problems),
        "ignored_attributes": sorted(outcome.ignored)[:50],
    }
    batch.finished_at = timezone.now()
    batch.save(update_fields=["rows_written", "errors", "summary", "finished_at"])
    outcome.batch = batch
    audit.record(AuditAction.CREATE, obj=batch, note=(
        f"NGSI-LD {operation}: {len(ready)} entities stored ({len(outcome.created)} new), {len(problems)} refused, "
        f"{outcome.received} readings received, {written} written"))


def update_attributes(*, entity_id, fragment, api_key, metrics: MetricIndex, content_hash=""):
    """PATCH /entities/{id}/attrs: update the attributes the entity has. Returns (updated, not_updated) with
    not_updated a list of (attribute name, reason)."""
    unit = api_key.unit
    if not isinstance(fragment, dict):
        raise bad_data(_("Nội dung phải là một đối tượng JSON gồm các thuộc tính cần cập nhật."))
    names = [k for k in fragment if k not in ("@context", "id", "type")]
    if not names:
        raise bad_data(_("Không có thuộc tính nào để cập nhật."))
    default_time = None
    observed = fragment.get("dateObserved")
    if isinstance(observed, dict) and observed.get("type") == "Property":
        default_time = parse_time(observed.get("value"), "dateObserved")
    with transaction.atomic():
        station = find_station(entity_id)
        if station is None:
            raise not_found(entity_id)
        station = Station.objects.select_for_update().get(pk=station.pk)
        entity_type = type_for(station)
        entity = ParsedEntity(id=entity_id, type=entity_type, kind=station.kind, code=station.code)
        if station.owner_unit_id != unit.pk:
            raise NgsiError("Forbidden", _("Thực thể “%(id)s” là trạm %(code)s của đơn vị khác; khóa API của "
                                           "%(unit)s không được cập nhật.") % {
                "id": entity_id[:120], "code": station.code, "unit": unit.name})
        readings, found, ignored = parse_attributes(fragment, metrics, default_time=default_time)
        existing = set(Series.objects.filter(station=station).values_list("metric__code", flat=True))
        updated, not_updated = [], []
        for name in ignored:
            not_updated.append((name, _("Thực thể không có thuộc tính đo này.")))
        kept = []
        for metric, t, value in readings:
            if metric in existing:
                kept.append((metric, t, value))
        for name in names:
            metric = metrics.find(name)
            if metric is not None and metric.code in existing:
                updated.append(name)
            elif metric is not None:
                not_updated.append((name, _("Thực thể chưa có thuộc tính này; thêm thuộc tính mới bằng "
                                            "POST /ngsi-ld/v1/entityOperations/upsert.")))
            elif name in ("location", "name", "address"):
                updated.append(name)
        entity.readings = kept
        entity.location = found.get("location")
        entity.name = found.get("name", "")
        entity.address = found.get("address", "")
        _refresh_station(station, entity)
        source = station.source if station.source and station.source.kind == SourceKind.NGSI_LD else unit_source(unit)
        outcome = Outcome(updated=[entity_id])
        _write(outcome, [(entity, station)], api_key=api_key, source=source, content_hash=content_hash,
               problems=[], operation="update_attributes", total=1)
        outcome.batch.summary["not_updated"] = [name for name, _reason in not_updated]
        outcome.batch.save(update_fields=["summary"])
    return updated, not_updated, outcome
