"""Start-up checks: production refuses to run with demo accounts or an insecure setting."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError


def production_problems():
    """Messages saying what to set, one per problem; empty when the production set-up is sound."""
    if not settings.PRODUCTION:
        return []
    problems = []
    if settings.DEBUG:
        problems.append("IOC_DEBUG is on: unset it (IOC_DEBUG=0) in production.")
    if not settings.DATABASE_URL:
        problems.append("DATABASE_URL is not set: production runs on PostgreSQL (postgresql://user@host/db).")
    if not settings.HTTPS:
        problems.append("IOC_HTTPS=0: production must serve over HTTPS (set IOC_HTTPS=1 behind TLS).")
    if set(settings.ALLOWED_HOSTS) <= {"127.0.0.1", "localhost", "[::1]", "testserver"}:
        problems.append("ALLOWED_HOSTS names only local addresses: set ALLOWED_HOSTS=ioc.example.gov.vn.")
    if len(settings.SECRET_KEY) < 50:
        problems.append("SECRET_KEY is shorter than 50 characters: set a long random SECRET_KEY.")
    if not settings.IOC_REQUIRE_2FA_FOR_STAFF:
        problems.append("IOC_REQUIRE_2FA=0: staff must use two-factor sign-in in production.")
    try:
        from django.contrib.auth import get_user_model

        if get_user_model().objects.filter(is_demo=True).exists():
            problems.append(
                "Demo accounts exist: remove them with `python manage.py remove_demo_accounts` before production."
            )
    except DatabaseError:
        pass  # not migrated yet: migrate reports it
    return problems


@register(Tags.security, deploy=True)
def check_production(app_configs=None, **kwargs):
    return [Error(message, id="ioc.E001") for message in production_problems()]
