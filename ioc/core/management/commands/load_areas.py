"""Load a province's current and former administrative units from the offline vietnamadminunits data."""

from django.core.management.base import BaseCommand, CommandError

from ioc.core.areas import DEFAULT_PROVINCE_CODE, load_province


class Command(BaseCommand):
    help = "Nạp đơn vị hành chính (hiện hành và trước 1/7/2025) của một tỉnh từ dữ liệu ngoại tuyến."

    def add_arguments(self, parser):
        parser.add_argument("--province", default=DEFAULT_PROVINCE_CODE,
                            help="Mã tỉnh theo danh mục từ 1/7/2025 (mặc định: 24, Bắc Ninh).")

    def handle(self, *args, province, **options):
        try:
            counts = load_province(province)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(
            f"Đã nạp: {counts['communes']} xã/phường hiện hành; {counts['former_provinces']} tỉnh, "
            f"{counts['former_districts']} huyện, {counts['former_communes']} xã/phường/thị trấn "
            "trước 1/7/2025 "
            f"(tạo mới {counts['created']}, cập nhật {counts['updated']})."
        ))
        self.stdout.write(
            f"Đơn vị cũ đã gắn đơn vị mới: {counts['with_successor']}/{counts['former_communes']}."
        )
        for orphan in counts["without_successor"]:
            self.stdout.write(self.style.WARNING(f"  chưa xác định đơn vị mới: {orphan}"))
