"""Fill an empty IOC with Bắc Ninh's areas, agencies and one demo account per role. Refused in production."""

from django.core.management.base import BaseCommand

from ioc.core.demo import seed_demo
from ioc.core.tasks import optimize_database


class Command(BaseCommand):
    help = "Tạo dữ liệu trình diễn: đơn vị hành chính, cơ quan, tài khoản mẫu (không dùng khi vận hành thật)."

    def handle(self, *args, **options):
        summary = seed_demo(stdout=self.stdout)
        optimize_database()  # fresh planner statistics after a bulk load
        areas, units = summary["areas"], summary["units"]
        self.stdout.write(self.style.SUCCESS("Đã tạo dữ liệu trình diễn."))
        self.stdout.write(
            f"  Đơn vị hành chính: {areas['communes']} xã/phường hiện hành; trước 1/7/2025: "
            f"{areas['former_provinces']} tỉnh, {areas['former_districts']} huyện, "
            f"{areas['former_communes']} xã/phường/thị trấn ({areas['with_successor']} đã gắn đơn vị mới)."
        )
        for orphan in areas["without_successor"]:
            self.stdout.write(self.style.WARNING(f"    chưa xác định đơn vị mới: {orphan}"))
        self.stdout.write(
            f"  Cơ quan, đơn vị: {units['units']} ({units['province_units']} cấp tỉnh, "
            f"{units['commune_units']} UBND cấp xã)."
        )
        self.stdout.write(
            f"  Tài khoản trình diễn ({len(summary['accounts'])}), mật khẩu chung: {summary['password']}"
        )
        for account in summary["accounts"]:
            flag = "  [2FA]" if account["totp_secret"] else ""
            self.stdout.write(
                f"    {account['username']:<16} {account['full_name']:<20} {account['role_label']}{flag}"
            )
        secrets = [a for a in summary["accounts"] if a["totp_secret"]]
        if secrets:
            self.stdout.write("  Mã bí mật TOTP (nhập vào ứng dụng xác thực):")
            for account in secrets:
                self.stdout.write(f"    {account['username']:<16} {account['totp_secret']}")
