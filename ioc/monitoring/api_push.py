"""The push API (*API đẩy dữ liệu*): agencies' systems send readings and observations in batches.

`POST /api/v1/monitoring/readings` and `POST /api/v1/monitoring/observations`, with an API key (the key's unit
writes to its own stations and indicators only). Up to IOC_PUSH_MAX_ROWS rows per request, all or nothing:
one bad row and nothing is written, the answer lists every bad row. The body is read with the standard JSON
parser and validated in tight loops (`ingest.ReadingValidator`), not through a schema per row: 50,000 readings
must go through in about a second.
"""

import json

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Router

from ioc.api import api_require, problem
from ioc.core.models import ApiKey

from . import ingest
from .models import SourceKind

router = Router(tags=["monitoring"])

READING_EXAMPLE = {
    "source": "quan-trac-khong-khi",
    "readings": [
        {"station": "KK-BN-01", "metric": "pm25", "time": "2025-03-15T08:00:00+07:00", "value": 35.2},
        {"station": "KK-BN-01", "metric": "pm10", "time": "2025-03-15T08:00:00+07:00", "value": 61},
    ],
}
OBSERVATION_EXAMPLE = {
    "source": "so-y-te-bao-cao",
    "observations": [
        {"indicator": "cong-suat-giuong-benh", "area": "07210", "period": "2025-03", "value": 87.5,
         "quality": "official", "note": ""},
    ],
}

ROW_ERRORS = ("Mỗi lỗi có `row` (thứ tự dòng trong lô, bắt đầu từ 1), `column` (tên trường) và `message`. "
              "Lô được ghi trọn vẹn hoặc không ghi gì. Gửi lại cùng tiêu đề `Idempotency-Key` trả về kết quả của "
              "lần gửi đầu, không ghi hai lần.")


def _body_doc(example, description):
    return {"requestBody": {"required": True, "description": description,
                            "content": {"application/json": {"schema": {"type": "object"}, "example": example}}}}


def _json(body, status=200, **headers):
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type="application/json")
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


class BadRequest(Exception):
    def __init__(self, detail, status=400):
        super().__init__(detail)
        self.detail = detail
        self.status = status


def _read_body(request):
    try:
        raw = request.body
    except RequestDataTooBig:
        raise BadRequest(_("Yêu cầu quá lớn."), 413) from None
    if not raw:
        raise BadRequest(_("Thân yêu cầu trống; hãy gửi một đối tượng JSON."))
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(_("Thân yêu cầu không phải JSON hợp lệ (%(error)s).") % {"error": str(exc)[:200]}) from None
    if not isinstance(body, dict):
        raise BadRequest(_("Thân yêu cầu phải là một đối tượng JSON."))
    return body


def _delivery(request, access, body):
    auth = request.auth
    api_key = auth if isinstance(auth, ApiKey) else None
    delivery = ingest.Delivery(
        access=access, kind=SourceKind.PUSH,
        unit=api_key.unit if api_key else ingest.default_unit(access),
        user=None if api_key else auth, api_key=api_key,
    )
    try:
        delivery.source = ingest.resolve_source(delivery, body.get("source"))
    except ingest.SourceError as exc:
        if exc.forbidden:
            raise PermissionDenied(str(exc)) from None
        raise BadRequest(str(exc), 422) from None
    return delivery


def _idempotency_key(request, body):
    try:
        return ingest.clean_idempotency_key(request.headers.get("Idempotency-Key") or body.get("idempotency_key")
                                            or "")
    except ValueError as exc:
        raise BadRequest(str(exc)) from None


def _too_many(n):
    limit = ingest.max_rows()
    if n > limit:
        raise BadRequest(_("Lô có %(n)s dòng, vượt giới hạn %(limit)s dòng mỗi yêu cầu; hãy chia thành nhiều lô.")
                         % {"n": n, "limit": limit}, 413)


class RowShape:
    """Structural problems found while unpacking rows (a row that is neither an object nor an array)."""

    def __init__(self):
        self.errors = []


def _reading_columns(body):
    """(stations, metrics, times, values, row_numbers or None, shape errors) from any accepted layout:
    {"readings": [{station, metric, time, value}, …]}, {"readings": [[station, metric, time, value], …]}, or
    columnar {"columns": {"station": […] or "code", "metric": […] or "code", "time": […], "value": […]}}."""
    if "columns" in body:
        columns = body["columns"]
        if not isinstance(columns, dict):
            raise BadRequest(_("“columns” phải là đối tượng gồm các mảng station, metric, time, value."))
        times, values = columns.get("time"), columns.get("value")
        if not isinstance(times, list) or not isinstance(values, list) or len(times) != len(values):
            raise BadRequest(_("“columns.time” và “columns.value” phải là hai mảng dài bằng nhau."))
        n = len(times)
        _too_many(n)
        unpacked = []
        for name in ("station", "metric"):
            column = columns.get(name)
            if isinstance(column, str):
                column = [column] * n
            if not isinstance(column, list) or len(column) != n:
                raise BadRequest(_("“columns.%(name)s” phải là một mã hoặc một mảng dài bằng “columns.time”.")
                                 % {"name": name})
            unpacked.append(column)
        return unpacked[0], unpacked[1], times, values, None, []
    items = body.get("readings")
    if not isinstance(items, list):
        raise BadRequest(_("Thiếu mảng “readings” (hoặc “columns”)."))
    _too_many(len(items))
    if not items:
        raise BadRequest(_("Mảng “readings” trống."))
    try:
        if type(items[0]) is dict:
            get = dict.get
            return ([get(r, "station") for r in items], [get(r, "metric") for r in items],
                    [get(r, "time") for r in items], [get(r, "value") for r in items], None, [])
        return ([r[0] for r in items], [r[1] for r in items], [r[2] for r in items], [r[3] for r in items], None,
                [] if all(type(r) is list and len(r) == 4 for r in items) else _shape_errors(items))
    except (TypeError, IndexError, KeyError):
        pass
    # Mixed or malformed rows: the slow path, row by row.
    stations, metrics, times, values, rows, shape = [], [], [], [], [], []
    for i, r in enumerate(items, start=1):
        if isinstance(r, dict):
            record = (r.get("station"), r.get("metric"), r.get("time"), r.get("value"))
        elif isinstance(r, list) and len(r) == 4:
            record = tuple(r)
        else:
            shape.append(ingest.row_error(i, "", _("Mỗi dòng phải là đối tượng {station, metric, time, value} "
                                                   "hoặc mảng [station, metric, time, value].")))
            continue
        stations.append(record[0])
        metrics.append(record[1])
        times.append(record[2])
        values.append(record[3])
        rows.append(i)
    return stations, metrics, times, values, rows, shape


def _shape_errors(items):
    return [ingest.row_error(i, "", _("Mỗi dòng phải là mảng đúng 4 phần tử [station, metric, time, value]."))
            for i, r in enumerate(items, start=1) if not (type(r) is list and len(r) == 4)]


def _answer(request, outcome, *, replayed=False):
    body = outcome.as_dict()
    headers = {"Idempotent_Replayed": "true"} if replayed else {}
    if outcome.committed:
        return _json(body, 200, **headers)
    status = 403 if outcome.forbidden else 422
    title = _("Không có quyền ghi một số dòng") if outcome.forbidden else _("Dữ liệu không hợp lệ")
    detail = (_("%(n)s dòng có lỗi; không dòng nào được ghi. Sửa các dòng trong “errors” rồi gửi lại cả lô.")
              % {"n": body["errors_total"]})
    # "status" in a problem document is the HTTP status: the batch's own status goes as "batch_status".
    extra = {("batch_status" if k == "status" else k): v for k, v in body.items() if k != "replayed"}
    response = problem(request, status, title, detail, **extra)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _push(request, target):
    access = api_require(request, "monitoring.ingest")
    try:
        body = _read_body(request)
        key = _idempotency_key(request, body)
        delivery = _delivery(request, access, body)
        replay = ingest.find_replay(delivery, key)
        if replay is not None:
            return _answer(request, ingest.Outcome(replay, replayed=True), replayed=True)
        if target == ingest.READINGS:
            stations, metrics, times, values, rows, shape = _reading_columns(body)
            validator = ingest.ReadingValidator(delivery)
            validated = validator.validate(stations, metrics, times, values, rows)
            validated.received += len(shape)
        else:
            items = body.get("observations")
            if not isinstance(items, list):
                raise BadRequest(_("Thiếu mảng “observations”."))
            _too_many(len(items))
            if not items:
                raise BadRequest(_("Mảng “observations” trống."))
            shape = [ingest.row_error(i, "", _("Mỗi dòng phải là đối tượng {indicator, area, period, value, "
                                               "quality, note} hoặc mảng theo thứ tự đó."))
                     for i, r in enumerate(items, start=1) if not isinstance(r, (dict, list))]
            validator = ingest.ObservationValidator(delivery)
            validated = validator.validate(ingest.observation_rows(items))
        for error in shape:
            validated.add(error["row"], error["column"], error["message"])
        if not validated.ok:
            validated.errors.sort(key=lambda e: (e["row"] or 0))
            return _answer(request, ingest.reject(delivery, validated, idempotency_key=key))
        outcome = ingest.commit(delivery, validated, validator=validator, idempotency_key=key)
        return _answer(request, outcome, replayed=outcome.replayed)
    except BadRequest as exc:
        title = _("Lô quá lớn") if exc.status == 413 else (
            _("Dữ liệu không hợp lệ") if exc.status == 422 else _("Yêu cầu không hợp lệ"))
        return problem(request, exc.status, title, exc.detail)


@router.post("/readings", summary="Gửi lô giá trị đo của trạm quan trắc",
             description="Tối đa IOC_PUSH_MAX_ROWS (mặc định 50.000) dòng mỗi yêu cầu; dạng "
                         "`readings: [{station, metric, time, value}]`, `readings: [[station, metric, time, value]]` "
                         "hoặc dạng cột `columns: {station, metric, time, value}`. `time` theo ISO 8601 (không ghi "
                         "múi giờ là giờ Việt Nam) hoặc số giây epoch. " + ROW_ERRORS,
             openapi_extra=_body_doc(READING_EXAMPLE, "Lô giá trị đo"))
def push_readings(request):
    return _push(request, ingest.READINGS)


@router.post("/observations", summary="Gửi lô số liệu chỉ tiêu theo kỳ",
             description="Mỗi dòng: `indicator` (mã chỉ tiêu), `area` (mã hoặc tên tỉnh, xã, phường; mã, tên cũ "
                         "trước sáp nhập được quy về xã, phường hiện nay), `period` (2025, 2025-Q1, 2025-03, "
                         "2025-03-15 theo tần suất của chỉ tiêu), `value`, `quality` và `note` (không bắt buộc). "
                         + ROW_ERRORS,
             openapi_extra=_body_doc(OBSERVATION_EXAMPLE, "Lô số liệu chỉ tiêu"))
def push_observations(request):
    return _push(request, ingest.OBSERVATIONS)


