"""The map's JSON: compact arrays for the whole province, public reports with coordinates only, filtered like the
list, no private field, cached and refreshed as soon as a report is saved."""

import datetime
import gzip
import json

import pytest
from django.core.cache import cache
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils import timezone

from .. import stats
from ..models import Report, Status

PRIVATE = ("Nguyễn Văn Bí Mật", "bimat@example.vn", "0912345678")
URL = "/phan-anh/ban-do.json"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    stats._local.clear()
    yield
    cache.clear()
    stats._local.clear()


@pytest.fixture
def reports(make_report, communes):
    td = communes["tien_du"]

    def make(category="lights", status=Status.RECEIVED, area=None, **extra):
        point = {"latitude": area.latitude, "longitude": area.longitude} if area else {}
        r = make_report(category, reporter_name=PRIVATE[0], reporter_email=PRIVATE[1], reporter_phone=PRIVATE[2],
                        **point)
        Report.objects.filter(pk=r.pk).update(status=status, **extra)
        r.refresh_from_db()
        return r

    made = {
        "open": make("lights", Status.IN_PROGRESS),
        "answered": make("rubbish", Status.ANSWERED, area=td),
        "closed": make("flooding", Status.CLOSED),
        "no_point": make("lights", Status.RECEIVED, latitude=None, longitude=None),
        "security": make("security", Status.IN_PROGRESS),
        "rejected": make("lights", Status.REJECTED),
    }
    made["merged"] = make("lights", Status.IN_PROGRESS, merged_into=made["open"])
    cache.clear()  # the set-up above used update(), which saves nothing through the model
    return made


def get(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def test_shape_is_compact_arrays(client, reports, categories):
    data = get(client)
    assert set(data) == {"points", "categories", "statuses"}
    assert [s["code"] for s in data["statuses"]] == ["open", "answered", "closed"]
    assert [s["name"] for s in data["statuses"]] == ["Đang xử lý", "Đã trả lời", "Đã đóng"]
    cat_codes = [c["code"] for c in data["categories"]]
    assert "an-ninh" not in cat_codes
    by_code = {p[4]: p for p in data["points"]}
    open_point = by_code[reports["open"].code]
    assert isinstance(open_point, list) and len(open_point) == 5
    assert open_point[:2] == [round(reports["open"].latitude, 5), round(reports["open"].longitude, 5)]
    assert data["statuses"][open_point[2]]["code"] == "open"
    assert data["categories"][open_point[3]]["code"] == "den-chieu-sang"
    assert data["statuses"][by_code[reports["answered"].code][2]]["code"] == "answered"
    assert data["categories"][by_code[reports["answered"].code][3]]["code"] == "rac-thai"
    assert data["statuses"][by_code[reports["closed"].code][2]]["code"] == "closed"


def test_category_names_in_the_visitors_language(client, reports, settings):
    assert "Đèn chiếu sáng hỏng" in {c["name"] for c in get(client)["categories"]}
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    names = {c["name"] for c in get(client)["categories"]}
    assert "Broken street light" in names and "Đèn chiếu sáng hỏng" not in names

def test_only_public_reports_with_coordinates(client, reports):
    found = {p[4] for p in get(client)["points"]}
    assert found == {reports[k].code for k in ("open", "answered", "closed")}


def test_no_private_field(client, reports):
    body = client.get(URL).content.decode()
    for value in PRIVATE:
        assert value not in body
    for key in ("reporter", "email", "phone", "description"):
        assert key not in body


def test_filtered_like_the_list(client, reports):
    assert {p[4] for p in get(client, status="answered")["points"]} == {reports["answered"].code}
    assert {p[4] for p in get(client, commune="09325")["points"]} == {reports["answered"].code}
    assert {p[4] for p in get(client, category="do-thi")["points"]} == {reports["open"].code}


def test_the_last_twelve_months_unless_a_period_is_chosen(client, make_report):
    old = make_report("lights", received_at=timezone.now() - datetime.timedelta(days=400))
    recent = make_report("lights")
    assert {p[4] for p in get(client)["points"]} == {recent.code}
    assert {p[4] for p in get(client, date_from="2000-01-01")["points"]} == {old.code, recent.code}


def test_bad_filters_answer_400_with_field_messages(client, reports):
    response = client.get(URL, {"date_from": "2026-05-01", "date_to": "2026-04-01", "status": "gone"})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "phải cùng ngày hoặc sau" in errors["date_to"][0]
    assert "Lựa chọn không hợp lệ" in errors["status"][0]


def test_compact_enough_for_a_province(client, make_report):
    for _ in range(50):
        make_report("lights")
    body = client.get(URL).content
    # Fifty points in arrays: well under 60 bytes a point (objects with keys would be twice as much).
    assert len(body) < 50 * 60 + 1000


def test_gzip_when_the_browser_accepts_it(client, reports):
    response = client.get(URL, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert json.loads(gzip.decompress(response.content))["points"]


def test_signals_are_connected_at_start_up():
    uids = {receiver[0][0] for receiver in post_save.receivers}
    assert "feedback-stats-Report-save" in uids


def test_cache_is_refreshed_when_a_report_is_saved(client, reports, make_report, django_assert_max_num_queries):
    first = get(client)["points"]
    with django_assert_max_num_queries(0):
        assert get(client)["points"] == first  # served from the cache
    new = make_report("rubbish")
    # A stale copy queues a rebuild; tasks run at once in tests, so the request already sees the new report.
    assert new.code in {p[4] for p in get(client)["points"]}
    new.status = Status.REJECTED
    new.save()
    # Within the minute after a rebuild, visitors get the last copy: nobody waits for a rebuild...
    with django_assert_max_num_queries(0):
        assert new.code in {p[4] for p in get(client)["points"]}
    # ...and once the minute is over, the next visit rebuilds it.
    cache.delete_many([key for key in _rebuild_locks()])
    assert new.code not in {p[4] for p in get(client)["points"]}


def _rebuild_locks():
    from django.utils.translation import get_language

    return [f"{stats._map_key(stats.Filters(date_from=d), lang)}:rebuilding"
            for d in (timezone.localdate() - datetime.timedelta(days=365),)
            for lang in ("vi", "en", get_language() or "")]


def test_a_visitor_never_waits_for_a_rebuild_once_a_copy_exists(client, reports, make_report,
                                                                 django_assert_max_num_queries, monkeypatch):
    from .. import tasks

    get(client)
    queued = []
    monkeypatch.setattr(tasks, "rebuild_map", lambda filters, language: queued.append((filters, language)))
    make_report("rubbish")
    with django_assert_max_num_queries(0):
        get(client)  # the last copy, no query
    assert len(queued) == 1 and "date_from" in queued[0][0]
    get(client)
    assert len(queued) == 1  # at most one rebuild a minute


def test_the_background_rebuild_builds_the_same_payload(reports):
    filters = stats.Filters(date_from=timezone.localdate() - datetime.timedelta(days=30))
    tasks_filters = stats.Filters.from_dict(filters.as_dict())
    assert tasks_filters == filters
    assert stats.build_map_entry(tasks_filters).raw == stats.build_map_payload(filters)


def test_a_bounded_number_of_queries(client, make_report, django_assert_max_num_queries):
    for _ in range(30):
        make_report("lights")
    cache.clear()
    with django_assert_max_num_queries(3):
        assert len(get(client)["points"]) == 30


def test_payload_built_straight_from_the_queryset(reports):
    payload = json.loads(stats.build_map_payload(stats.Filters()))
    assert len(payload["points"]) == 3


def test_map_data_url_is_named():
    assert reverse("feedback:map_data") == URL


def test_a_pending_rebuild_does_not_reread_the_shared_copy_on_every_visit(client, reports, make_report,
                                                                          monkeypatch):
    from .. import tasks

    get(client)
    monkeypatch.setattr(tasks, "rebuild_map", lambda filters, language: None)  # no worker picks it up
    make_report("rubbish")
    reads = []
    real_get = cache.get
    monkeypatch.setattr(cache, "get", lambda key, *a, **kw: (reads.append(key), real_get(key, *a, **kw))[1])
    for _ in range(5):
        get(client)
    map_reads = [key for key in reads if key.startswith("feedback:map:") and not key.endswith(":rebuilding")]
    assert len(map_reads) <= 2  # once after the change (and at most once more if a 5-second slot turned)
