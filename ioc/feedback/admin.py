from django.contrib import admin

from .models import Category, FeedbackSettings, ResponseTemplate, RoutingRule


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent", "default_priority", "is_public", "is_active", "acceptance_hours",
                    "answer_days"]
    list_filter = ["is_public", "is_active", "default_priority", "parent"]
    search_fields = ["code", "name", "keywords"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["category", "area", "lead_unit", "is_active"]
    list_filter = ["is_active", "category"]
    raw_id_fields = ["area", "lead_unit"]
    filter_horizontal = ["cooperating_units"]


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "unit"]
    list_filter = ["unit"]
    search_fields = ["title", "body"]


@admin.register(FeedbackSettings)
class FeedbackSettingsAdmin(admin.ModelAdmin):
    list_display = ["reopen_window_days", "reminder_hours_before"]

    def has_add_permission(self, request):
        return not FeedbackSettings.objects.exists()
