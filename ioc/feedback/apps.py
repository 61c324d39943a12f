from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "ioc.feedback"
    label = "feedback"
    verbose_name = _("Phản ánh, kiến nghị")

    def ready(self):
        from ioc.core import audit

        from . import stats
        from .models import Category, FeedbackSettings, ResponseTemplate, RoutingRule

        for model in (Category, RoutingRule, ResponseTemplate, FeedbackSettings):
            audit.track(model)
        stats.connect_signals()
        from .open311.services import SERVICES
        from .routing import ROUTER

        SERVICES.connect()  # Open311 and intake keep the categories and routing rules per process
        ROUTER.connect()  # a saved report refreshes the cached map data and figures
