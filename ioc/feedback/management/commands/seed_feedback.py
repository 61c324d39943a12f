"""Add the feedback module's demo data (categories, routing, templates, a year of reports). Refused in production;
`seed_demo` runs it too."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ioc.core.models import Area
from ioc.feedback.demo import DEFAULT_REPORT_COUNT, seed_feedback


class Command(BaseCommand):
    help = "Tạo dữ liệu trình diễn phản ánh, kiến nghị (không dùng khi vận hành thật)."

    def add_arguments(self, parser):
        parser.add_argument("--reports", type=int, default=DEFAULT_REPORT_COUNT,
                            help=f"Số phản ánh mẫu trong một năm (mặc định {DEFAULT_REPORT_COUNT}).")

    def handle(self, *args, reports, **options):
        if settings.PRODUCTION:
            raise CommandError("Không tạo dữ liệu trình diễn khi vận hành thật (IOC_ENV=production).")
        if reports < 0:
            raise CommandError("Số phản ánh phải từ 0 trở lên.")
        if not Area.objects.communes().exists():
            raise CommandError("Chưa có đơn vị hành chính: chạy `python manage.py seed_demo` trước.")
        created = seed_feedback(stdout=self.stdout, report_count=reports)
        self.stdout.write(self.style.SUCCESS(
            f"Đã tạo {created['categories']} lĩnh vực, {created['routing_rules']} quy tắc chuyển xử lý, "
            f"{created['response_templates']} mẫu trả lời, {created['reports']} phản ánh "
            f"({created['events']} bước xử lý)."))
