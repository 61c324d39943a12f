"""Delete the demo accounts (is_demo=True) before the system goes into production."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import ProtectedError

from ioc.feedback.demo.extensions import forget_requests_of


class Command(BaseCommand):
    help = "Xóa mọi tài khoản trình diễn (is_demo) trước khi vận hành thật."

    def handle(self, *args, **options):
        users = get_user_model().objects.filter(is_demo=True)
        usernames = list(users.values_list("username", flat=True))
        try:
            with transaction.atomic():
                # Deadline extensions keep their requester (PROTECT): drop the demo accounts' requests first,
                # each audited; the reports' timelines keep the events.
                extensions = forget_requests_of(users)
                for user in users:  # one by one so that each deletion is audited
                    user.delete()
        except ProtectedError as error:
            blocking = sorted({obj._meta.verbose_name for obj in error.protected_objects})
            raise CommandError(
                "Không xóa được tài khoản trình diễn vì còn dữ liệu gắn với chúng ("
                + ", ".join(str(b) for b in blocking)
                + "). Hãy xóa hoặc chuyển dữ liệu đó cho tài khoản khác rồi chạy lại."
            ) from error
        self.stdout.write(self.style.SUCCESS(f"Đã xóa {len(usernames)} tài khoản trình diễn."))
        if extensions:
            self.stdout.write(f"  Kèm {extensions} đề nghị gia hạn do các tài khoản này gửi.")
        if usernames:
            self.stdout.write("  " + ", ".join(usernames))
