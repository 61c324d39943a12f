"""Alert demo data for Bắc Ninh: the rules the IOC runs on the demo stations, and the events the seeded readings
opened, a few of them acknowledged, noted and resolved by the demo staff.

Thresholds follow Vietnamese norms: PM2.5 per QCVN 05:2023/BTNMT (50 µg/m³ for a 24-hour mean; hourly values
above it are watched), VN_AQI bands of Quyết định 1459/QĐ-TCMT (151–200 "xấu", 201–300 "rất xấu"), river alarm
levels (*báo động I/II/III*) of Quyết định 05/2020/QĐ-TTg at the hydrological stations on the Cầu, Thương, Lục
Nam and Đuống rivers, and the heavy-rain intensities used in flood warnings.

Idempotent: rules are created when missing (never overwritten: the IOC may have edited them); evaluation skips
points it has seen; demo handling (acknowledge, notes, resolution) happens once. Stations and metrics come from
the monitoring demo (`ioc.monitoring.demo`); rules whose metric or station is missing are skipped.
"""

import time

from django.contrib.auth import get_user_model
from django.db import transaction

from ioc.core import audit
from ioc.core.models import Unit
from ioc.monitoring.demo.catalogue import RIVER_ALARMS
from ioc.monitoring.models import DataSource, Metric, Series, Station

from .models import AlertEvent, AlertRule, CapCategory, Certainty, Condition, EventNote, EventStatus, NoteKind, Urgency

REPLAY_HOURS = 72  # the recent history turned into live events (people are told)
HISTORY_METRICS = ("water_level", "rainfall")  # a year of floods and storms, replayed quietly as past events
ENVIRONMENT = "so-nong-nghiep-moi-truong"
CONSTRUCTION = "so-xay-dung"

AIR_INSTRUCTION = ("Người cao tuổi, trẻ em, phụ nữ mang thai và người mắc bệnh hô hấp, tim mạch hạn chế ra ngoài, "
                   "nhất là sáng sớm và chiều tối; đeo khẩu trang đạt chuẩn khi ra đường; đóng cửa sổ; không đốt "
                   "rơm rạ, rác thải.")
FLOOD_INSTRUCTION = ("Theo dõi thông báo của chính quyền địa phương; không đi lại, đánh bắt thủy sản trên sông; "
                     "di chuyển người và tài sản ở bãi sông, vùng trũng đến nơi an toàn; kiểm tra đê, kè, cống.")
RAIN_INSTRUCTION = ("Không đi qua ngầm, tràn, vùng ngập sâu; đề phòng lũ quét, sạt lở đất ở vùng núi Sơn Động, "
                    "Lục Ngạn; chằng chống nhà cửa.")
TRAFFIC_INSTRUCTION = "Chọn lộ trình khác, tuân thủ hướng dẫn của lực lượng điều tiết giao thông."


def _rule(name, **fields):
    return {"name": name, **fields}


RIVERS = RIVER_ALARMS  # river alarm levels (m) at each hydrological station: (station code, river, I, II, III)


def rule_specs():
    specs = [
        _rule("Bụi PM2.5 vượt QCVN 05:2023/BTNMT", metric="pm25", condition=Condition.ABOVE, threshold=50,
              severity="Moderate", escalation_threshold=75, escalation_severity="Severe", unit=ENVIRONMENT,
              resolve_after_minutes=120, is_public=True, cap_event="Ô nhiễm bụi mịn PM2.5",
              cap_category=CapCategory.ENV, cap_urgency=Urgency.EXPECTED, instruction=AIR_INSTRUCTION, radius_km=3,
              description="QCVN 05:2023/BTNMT: PM2.5 trung bình 24 giờ không quá 50 µg/m³. Nâng mức khi vượt 75 µg/m³."),
        _rule("Chỉ số chất lượng không khí (VN_AQI) ở mức xấu", metric="aqi", condition=Condition.ABOVE,
              threshold=150, severity="Moderate", escalation_threshold=200, escalation_severity="Severe",
              unit=ENVIRONMENT, resolve_after_minutes=120, is_public=True, cap_event="Chất lượng không khí xấu",
              cap_category=CapCategory.HEALTH, instruction=AIR_INSTRUCTION, radius_km=3,
              description="Quyết định 1459/QĐ-TCMT: VN_AQI 151–200 xấu, 201–300 rất xấu."),
        _rule("Mưa lớn (cường độ theo giờ)", metric="rainfall", condition=Condition.ABOVE, threshold=30,
              severity="Moderate", escalation_threshold=50, escalation_severity="Severe", unit=ENVIRONMENT,
              resolve_after_minutes=180, is_public=True, cap_event="Mưa lớn", cap_category=CapCategory.MET,
              cap_urgency=Urgency.IMMEDIATE, instruction=RAIN_INSTRUCTION, radius_km=10,
              description="Lượng mưa trên 30 mm trong một giờ; trên 50 mm/giờ nguy cơ lũ quét, sạt lở."),
        _rule("Mực nước dâng nhanh", metric="water_level", condition=Condition.RATE_ABSOLUTE, threshold=0.5,
              window_minutes=180, severity="Minor", unit=ENVIRONMENT, resolve_after_minutes=360,
              description="Mực nước tăng từ 0,5 m trong 3 giờ: chuẩn bị phương án khi lũ lên."),
        _rule("Ùn tắc giao thông (tốc độ dưới 15 km/h)", metric="speed", condition=Condition.BELOW, threshold=15,
              severity="Minor", escalation_threshold=8, escalation_severity="Moderate", unit=CONSTRUCTION,
              resolve_after_minutes=30, is_public=True, cap_event="Ùn tắc giao thông",
              cap_category=CapCategory.TRANSPORT, cap_urgency=Urgency.IMMEDIATE, instruction=TRAFFIC_INSTRUCTION,
              radius_km=1.5, description="Tốc độ trung bình dưới 15 km/h trên quốc lộ; dưới 8 km/h là tắc nghẽn."),
        _rule("Trạm quan trắc không khí mất dữ liệu", metric="aqi", condition=Condition.NO_DATA, window_minutes=60,
              severity="Minor", unit=ENVIRONMENT, resolve_after_minutes=0,
              description="Không nhận được số liệu AQI trong 60 phút: kiểm tra thiết bị, đường truyền."),
        _rule("Hệ thống quan trắc mực nước mất dữ liệu", source="thuy-van", condition=Condition.NO_DATA,
              window_minutes=120, severity="Moderate", unit=ENVIRONMENT, resolve_after_minutes=0,
              description="Nguồn dữ liệu thủy văn im lặng quá 2 giờ trong mùa mưa lũ là sự cố cần xử lý ngay."),
    ]
    for code, river, level_1, level_2, level_3 in RIVERS:
        specs.append(_rule(
            f"Mực nước {river} tại {code} vượt báo động I", metric="water_level", station=code,
            condition=Condition.ABOVE, threshold=level_1, severity="Moderate", escalation_threshold=level_2,
            escalation_severity="Severe", unit=ENVIRONMENT, resolve_after_minutes=360, is_public=True,
            cap_event=f"Lũ trên {river}", cap_category=CapCategory.MET, cap_urgency=Urgency.EXPECTED,
            cap_certainty=Certainty.OBSERVED, instruction=FLOOD_INSTRUCTION, radius_km=5,
            description=f"Báo động I: {level_1:.2f} m; báo động II: {level_2:.2f} m (Quyết định 05/2020/QĐ-TTg)."))
        specs.append(_rule(
            f"Mực nước {river} tại {code} vượt báo động III", metric="water_level", station=code,
            condition=Condition.ABOVE, threshold=level_3, severity="Extreme", unit=ENVIRONMENT,
            resolve_after_minutes=360, is_public=True, cap_event=f"Lũ lớn trên {river}",
            cap_category=CapCategory.MET, cap_urgency=Urgency.IMMEDIATE, instruction=FLOOD_INSTRUCTION,
            radius_km=8, description=f"Báo động III: {level_3:.2f} m."))
    return specs


def seed_rules(stdout=None):
    """Create the demo rules that are missing; skip those whose metric, station, source or unit is missing."""
    metrics = {m.code: m for m in Metric.objects.all()}
    stations = {s.code: s for s in Station.objects.all()}
    sources = {s.code: s for s in DataSource.objects.all()}
    units = {u.code: u for u in Unit.objects.filter(code__in=[ENVIRONMENT, CONSTRUCTION, "ioc"])}
    created, skipped = 0, []
    for spec in rule_specs():
        spec = dict(spec)
        name = spec.pop("name")
        unit = units.get(spec.pop("unit")) or units.get("ioc")
        fields = {}
        for key, table in (("metric", metrics), ("station", stations), ("source", sources)):
            if key in spec:
                found = table.get(spec.pop(key))
                if found is None:
                    unit = None
                fields[key] = found
        if unit is None:
            skipped.append(name)
            continue
        if fields.get("station") is not None:
            name = name.replace(fields["station"].code, fields["station"].name.split(" (")[0])
        if AlertRule.objects.filter(name=name).exists():
            continue
        rule = AlertRule(name=name, responsible_unit=unit, **fields, **spec)
        rule.full_clean()
        rule.save()
        created += 1
    if skipped and stdout is not None:
        stdout.write(f"Bỏ qua {len(skipped)} quy tắc cảnh báo chưa có trạm hoặc đại lượng đo.")
    return created


def _handle_some(events):
    """Demo handling, once: acknowledge some active events with a note, resolve one by hand."""
    User = get_user_model()
    operator = User.objects.filter(username="dieuhanh").first()
    officer = User.objects.filter(username="sxd.canbo").first()
    if operator is None or EventNote.objects.filter(kind=NoteKind.NOTE, author=operator).exists():
        return 0
    from . import services

    active = [e for e in events if e.status != EventStatus.RESOLVED]
    done = 0
    for index, event in enumerate(active[:4]):
        actor = officer if officer and event.responsible_unit.code == CONSTRUCTION else operator
        if index % 2 == 0:
            services.acknowledge(event=event, by=actor,
                                 note="Đã tiếp nhận, đề nghị đơn vị quản lý trạm kiểm tra hiện trường.")
            services.add_note(event=event, by=actor, text="Đã gọi điện cho đơn vị quản lý trạm; thiết bị hoạt động "
                                                         "bình thường, số liệu tin cậy.")
        elif index == 1:
            services.add_note(event=event, by=actor, text="Đang theo dõi thêm một giờ trước khi thông báo xã, phường.")
        else:
            services.resolve(event=event, by=actor, note="Đã phối hợp UBND xã, phường xử lý điểm đốt rơm rạ, rác "
                                                        "thải; chỉ số giảm dần.")
        done += 1
    for event in [e for e in events if e.status == EventStatus.RESOLVED][:2]:
        services.add_note(event=event, by=operator, text="Đã rà soát sau sự kiện: số liệu của trạm hợp lệ, không cần "
                                                       "điều chỉnh ngưỡng cảnh báo.")
        done += 1
    return done


def seed_alerts(stdout=None):
    """Rules, then the events the last days of seeded readings open, then a little demo handling."""
    started = time.monotonic()
    with audit.acting_as(None), transaction.atomic():
        created = seed_rules(stdout)
    metric_ids = AlertRule.objects.active().filter(metric__isnull=False).values_list("metric_id", flat=True)
    series_ids = list(Series.objects.filter(metric_id__in=metric_ids, last_t__isnull=False)
                      .values_list("pk", flat=True))
    from . import services
    from .evaluation import replay, watch

    history = list(Series.objects.filter(pk__in=series_ids, metric__code__in=HISTORY_METRICS)
                   .values_list("pk", "last_t"))
    if history:
        with services.without_notifications(), transaction.atomic():
            replay([pk for pk, _t in history], since_t=max(t for _pk, t in history) - 366 * 86400)
    if series_ids:
        newest = max(Series.objects.filter(pk__in=series_ids).values_list("last_t", flat=True))
        with transaction.atomic():
            replay(series_ids, since_t=newest - REPLAY_HOURS * 3600)
    watch()
    events = list(AlertEvent.objects.select_related("responsible_unit").order_by("-last_triggered_at"))
    with transaction.atomic():
        handled = _handle_some(events)
    if stdout is not None:
        active = sum(1 for e in events if e.status != EventStatus.RESOLVED)
        stdout.write(f"Cảnh báo: {created} quy tắc mới, {len(events)} sự kiện ({active} đang hoạt động, "
                     f"{handled} được xử lý mẫu) trong {time.monotonic() - started:.1f} giây.")
    return {"rules": created, "events": len(events), "handled": handled}
