"""Preload the default working calendar and Vietnam's holidays for 2025–2030.

The holidays were generated once by ioc.core.holidays_vn.holidays_for_year and frozen here, so this migration
gives the same rows whatever later happens to the generator. Administrators edit them in the Holiday table.
"""

from datetime import date

from django.db import migrations

CALENDAR_NAME = "Lịch làm việc hành chính"
WEEKDAYS = [0, 1, 2, 3, 4]
PERIODS = [["07:30", "11:30"], ["13:30", "17:00"]]

# (date, name, kind): "holiday" = ngày nghỉ lễ, Tết; "day_off" = nghỉ bù, hoán đổi; "working_day" = làm bù.
HOLIDAYS = [
    ("2025-01-01", "Tết Dương lịch", "holiday"),
    ("2025-01-27", "Tết Nguyên đán (28 tháng Chạp)", "holiday"),
    ("2025-01-28", "Tết Nguyên đán (29 tháng Chạp)", "holiday"),
    ("2025-01-29", "Tết Nguyên đán (mùng 1 tháng Giêng)", "holiday"),
    ("2025-01-30", "Tết Nguyên đán (mùng 2 tháng Giêng)", "holiday"),
    ("2025-01-31", "Tết Nguyên đán (mùng 3 tháng Giêng)", "holiday"),
    ("2025-04-07", "Giỗ Tổ Hùng Vương (10/3 âm lịch)", "holiday"),
    ("2025-04-26", "Làm bù cho ngày nghỉ 02/05/2025", "working_day"),
    ("2025-04-30", "Ngày Giải phóng miền Nam, thống nhất đất nước", "holiday"),
    ("2025-05-01", "Ngày Quốc tế Lao động", "holiday"),
    ("2025-05-02", "Nghỉ hoán đổi (làm bù thứ Bảy 26/04/2025)", "day_off"),
    ("2025-09-01", "Quốc khánh (ngày nghỉ liền kề)", "holiday"),
    ("2025-09-02", "Quốc khánh", "holiday"),
    ("2026-01-01", "Tết Dương lịch", "holiday"),
    ("2026-01-02", "Nghỉ hoán đổi (làm bù thứ Bảy 10/01/2026)", "day_off"),
    ("2026-01-10", "Làm bù cho ngày nghỉ 02/01/2026", "working_day"),
    ("2026-02-16", "Tết Nguyên đán (29 tháng Chạp)", "holiday"),
    ("2026-02-17", "Tết Nguyên đán (mùng 1 tháng Giêng)", "holiday"),
    ("2026-02-18", "Tết Nguyên đán (mùng 2 tháng Giêng)", "holiday"),
    ("2026-02-19", "Tết Nguyên đán (mùng 3 tháng Giêng)", "holiday"),
    ("2026-02-20", "Tết Nguyên đán (mùng 4 tháng Giêng)", "holiday"),
    ("2026-04-26", "Giỗ Tổ Hùng Vương (10/3 âm lịch)", "holiday"),
    ("2026-04-27", "Nghỉ bù Giỗ Tổ Hùng Vương (26/04/2026)", "day_off"),
    ("2026-04-30", "Ngày Giải phóng miền Nam, thống nhất đất nước", "holiday"),
    ("2026-05-01", "Ngày Quốc tế Lao động", "holiday"),
    ("2026-08-22", "Làm bù cho ngày nghỉ 31/08/2026", "working_day"),
    ("2026-08-31", "Nghỉ hoán đổi (làm bù thứ Bảy 22/08/2026)", "day_off"),
    ("2026-09-01", "Quốc khánh (ngày nghỉ liền kề)", "holiday"),
    ("2026-09-02", "Quốc khánh", "holiday"),
    ("2027-01-01", "Tết Dương lịch", "holiday"),
    ("2027-02-05", "Tết Nguyên đán (29 tháng Chạp)", "holiday"),
    ("2027-02-06", "Tết Nguyên đán (mùng 1 tháng Giêng)", "holiday"),
    ("2027-02-07", "Tết Nguyên đán (mùng 2 tháng Giêng)", "holiday"),
    ("2027-02-08", "Tết Nguyên đán (mùng 3 tháng Giêng)", "holiday"),
    ("2027-02-09", "Tết Nguyên đán (mùng 4 tháng Giêng)", "holiday"),
    ("2027-02-10", "Nghỉ bù Tết Nguyên đán (06/02/2027)", "day_off"),
    ("2027-02-11", "Nghỉ bù Tết Nguyên đán (07/02/2027)", "day_off"),
    ("2027-04-16", "Giỗ Tổ Hùng Vương (10/3 âm lịch)", "holiday"),
    ("2027-04-30", "Ngày Giải phóng miền Nam, thống nhất đất nước", "holiday"),
    ("2027-05-01", "Ngày Quốc tế Lao động", "holiday"),
    ("2027-05-03", "Nghỉ bù Ngày Quốc tế Lao động (01/05/2027)", "day_off"),
    ("2027-09-02", "Quốc khánh", "holiday"),
    ("2027-09-03", "Quốc khánh (ngày nghỉ liền kề)", "holiday"),
    ("2028-01-01", "Tết Dương lịch", "holiday"),
    ("2028-01-03", "Nghỉ bù Tết Dương lịch (01/01/2028)", "day_off"),
    ("2028-01-25", "Tết Nguyên đán (29 tháng Chạp)", "holiday"),
    ("2028-01-26", "Tết Nguyên đán (mùng 1 tháng Giêng)", "holiday"),
    ("2028-01-27", "Tết Nguyên đán (mùng 2 tháng Giêng)", "holiday"),
    ("2028-01-28", "Tết Nguyên đán (mùng 3 tháng Giêng)", "holiday"),
    ("2028-01-29", "Tết Nguyên đán (mùng 4 tháng Giêng)", "holiday"),
    ("2028-01-31", "Nghỉ bù Tết Nguyên đán (29/01/2028)", "day_off"),
    ("2028-04-04", "Giỗ Tổ Hùng Vương (10/3 âm lịch)", "holiday"),
    ("2028-04-30", "Ngày Giải phóng miền Nam, thống nhất đất nước", "holiday"),
    ("2028-05-01", "Ngày Quốc tế Lao động", "holiday"),
    ("2028-05-02", "Nghỉ bù Ngày Giải phóng miền Nam, thống nhất đất nước (30/04/2028)", "day_off"),
    ("2028-09-01", "Quốc khánh (ngày nghỉ liền kề)", "holiday"),
    ("2028-09-02", "Quốc khánh", "holiday"),
    ("2028-09-04", "Nghỉ bù Quốc khánh (02/09/2028)", "day_off"),
    ("2029-01-01", "Tết Dương lịch", "holiday"),
    ("2029-02-12", "Tết Nguyên đán (29 tháng Chạp)", "holiday"),
    ("2029-02-13", "Tết Nguyên đán (mùng 1 tháng Giêng)", "holiday"),
    ("2029-02-14", "Tết Nguyên đán (mùng 2 tháng Giêng)", "holiday"),
    ("2029-02-15", "Tết Nguyên đán (mùng 3 tháng Giêng)", "holiday"),
    ("2029-02-16", "Tết Nguyên đán (mùng 4 tháng Giêng)", "holiday"),
    ("2029-04-23", "Giỗ Tổ Hùng Vương (10/3 âm lịch)", "holiday"),
    ("2029-04-30", "Ngày Giải phóng miền Nam, thống nhất đất nước", "holiday"),
    ("2029-05-01", "Ngày Quốc tế Lao động", "holiday"),
    ("2029-09-02", "Quốc khánh", "holiday"),
    ("2029-09-03", "Quốc khánh (ngày nghỉ liền kề)", "holiday"),
    ("2029-09-04", "Nghỉ bù Quốc khánh (02/09/2029)", "day_off"),
    ("2030-01-01", "Tết Dương lịch", "holiday"),
    ("2030-02-01", "Tết Nguyên đán (29 tháng Chạp)", "holiday"),
    ("2030-02-02", "Tết Nguyên đán (mùng 1 tháng Giêng)", "holiday"),
    ("2030-02-03", "Tết Nguyên đán (mùng 2 tháng Giêng)", "holiday"),
    ("2030-02-04", "Tết Nguyên đán (mùng 3 tháng Giêng)", "holiday"),
    ("2030-02-05", "Tết Nguyên đán (mùng 4 tháng Giêng)", "holiday"),
    ("2030-02-06", "Nghỉ bù Tết Nguyên đán (02/02/2030)", "day_off"),
    ("2030-02-07", "Nghỉ bù Tết Nguyên đán (03/02/2030)", "day_off"),
    ("2030-04-12", "Giỗ Tổ Hùng Vương (10/3 âm lịch)", "holiday"),
    ("2030-04-30", "Ngày Giải phóng miền Nam, thống nhất đất nước", "holiday"),
    ("2030-05-01", "Ngày Quốc tế Lao động", "holiday"),
    ("2030-09-02", "Quốc khánh", "holiday"),
    ("2030-09-03", "Quốc khánh (ngày nghỉ liền kề)", "holiday"),
]


def preload(apps, schema_editor):
    WorkingCalendar = apps.get_model("core", "WorkingCalendar")
    Holiday = apps.get_model("core", "Holiday")
    if not WorkingCalendar.objects.filter(is_default=True).exists():
        WorkingCalendar.objects.create(
            name=CALENDAR_NAME, weekdays=WEEKDAYS, periods=PERIODS, is_default=True
        )
    existing = set(Holiday.objects.values_list("date", flat=True))
    # A date an administrator already entered wins over the preloaded one.
    Holiday.objects.bulk_create([
        Holiday(date=date.fromisoformat(day), name=name, kind=kind)
        for day, name, kind in HOLIDAYS
        if date.fromisoformat(day) not in existing
    ])


def unload(apps, schema_editor):
    WorkingCalendar = apps.get_model("core", "WorkingCalendar")
    Holiday = apps.get_model("core", "Holiday")
    for day, name, kind in HOLIDAYS:
        Holiday.objects.filter(date=date.fromisoformat(day), name=name, kind=kind).delete()
    WorkingCalendar.objects.filter(name=CALENDAR_NAME, is_default=True).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only")]
    operations = [migrations.RunPython(preload, unload)]
