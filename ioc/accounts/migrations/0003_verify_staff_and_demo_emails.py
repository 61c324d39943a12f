"""Addresses that need no confirmation link: staff accounts (administrators created them and entered their
addresses) and the demo accounts count as verified from the day they joined. Citizens confirm theirs."""

from django.db import migrations
from django.db.models import Exists, OuterRef, Q


def mark_verified(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Membership = apps.get_model("core", "Membership")
    staff = Exists(Membership.objects.filter(user_id=OuterRef("pk")))
    for user in (User.objects.filter(email_verified_at__isnull=True).exclude(email="")
                 .filter(Q(is_staff=True) | Q(is_superuser=True) | Q(is_demo=True) | staff)):
        user.email_verified_at = user.date_joined
        user.save(update_fields=["email_verified_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_email_verified_at"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(mark_verified, migrations.RunPython.noop)]
