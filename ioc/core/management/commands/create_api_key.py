"""Issue or revoke an API key for a machine client acting for a unit.

    manage.py create_api_key "Trạm quan trắc Sở TN&MT" --unit so-tai-nguyen-moi-truong
    manage.py create_api_key --revoke 1a2b3c4d

The raw key is printed once, on the last line, so scripts can take it with `tail -n 1`;
only its SHA-256 hash is stored.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from ioc.core import audit
from ioc.core.models import ApiKey, AuditAction, Unit


class Command(BaseCommand):
    help = "Create an API key for a unit (the raw key is printed on the last line), or revoke one by prefix."

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="What the key is for, e.g. the client system's name.")
        parser.add_argument("--unit", help="Code of the unit the key acts for.")
        parser.add_argument("--revoke", metavar="PREFIX", help="Revoke the key with this prefix instead.")

    def handle(self, *args, name=None, unit=None, revoke=None, **options):
        if revoke:
            self._revoke(revoke)
            return
        if not name or not name.strip():
            raise CommandError("Give the key a name: create_api_key NAME --unit CODE")
        if not unit:
            raise CommandError("Name the unit the key acts for: --unit CODE")
        self._create(name.strip(), unit)

    def _create(self, name, unit_code):
        found = Unit.objects.filter(code=unit_code).first()
        if found is None:
            raise CommandError(f"No unit with code {unit_code!r}. See the unit codes in the admin (Đơn vị).")
        if not found.is_active:
            raise CommandError(f"Unit {unit_code!r} is inactive; a key for it would not authenticate.")
        with transaction.atomic():
            key = ApiKey(name=name, unit=found)
            raw = key.set_new_key()
            key.save()
            audit.record(AuditAction.API_KEY, obj=key, note="created")
        self.stdout.write(f"API key {key.key_prefix} for {found.code} ({found.name}) created.")
        self.stdout.write("Store it now: it is not kept and cannot be shown again.")
        self.stdout.write(raw)

    def _revoke(self, prefix):
        if prefix.startswith(ApiKey.PREFIX):
            # Accept the whole key too: ioc_<prefix>_<secret>.
            prefix = prefix[len(ApiKey.PREFIX):].split("_", 1)[0]
        key = ApiKey.objects.filter(key_prefix=prefix).select_related("unit").first()
        if key is None:
            raise CommandError(f"No API key with prefix {prefix!r}.")
        if key.revoked_at is not None:
            raise CommandError(f"API key {prefix} was already revoked at {key.revoked_at:%Y-%m-%d %H:%M}.")
        with transaction.atomic():
            key.revoked_at = timezone.now()
            key.save(update_fields=["revoked_at"])
            audit.record(AuditAction.API_KEY, obj=key, note="revoked")
        self.stdout.write(f"API key {prefix} ({key.name}, {key.unit.code}) revoked.")
