"""Add the monitoring module's demo data: domains, indicators with five years of figures, sensor stations with a
year of hourly readings, the video-wall layouts. Refused in production; `seed_demo` runs it too."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ioc.monitoring.demo import READING_DAYS, seed_monitoring


class Command(BaseCommand):
    help = "Tạo dữ liệu trình diễn giám sát: chỉ tiêu, số liệu, trạm quan trắc (không dùng khi vận hành thật)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None,
                            help=f"Số ngày số liệu quan trắc hằng giờ đến hiện tại (mặc định {READING_DAYS}).")

    def handle(self, *args, days, **options):
        if settings.PRODUCTION:
            raise CommandError("Không tạo dữ liệu trình diễn khi vận hành thật (IOC_ENV=production).")
        if days is not None and not 1 <= days <= 400:
            raise CommandError("Số ngày số liệu quan trắc phải từ 1 đến 400.")
        seed_monitoring(stdout=self.stdout, reading_days=days)
        self.stdout.write(self.style.SUCCESS("Đã tạo dữ liệu trình diễn giám sát."))
