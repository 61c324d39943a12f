"""WSGI entry point. In production, refuses to start while a start-up check fails."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ioc.settings")
application = get_wsgi_application()

from ioc.core.checks import production_problems  # noqa: E402

_problems = production_problems()
if _problems:
    raise SystemExit("IOC refuses to start in production:\n  - " + "\n  - ".join(_problems))
