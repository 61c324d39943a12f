"""Forms of the alerts pages: the rule editor, the event list filters and the event actions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ioc.core.models import Area, AreaLevel, Unit
from ioc.monitoring.models import DataSource, Indicator, Metric, Station

from .models import AlertRule, CapCategory, EventStatus, Severity


class AlertRuleForm(forms.ModelForm):
    class Meta:
        model = AlertRule
        fields = ["name", "description", "metric", "station", "indicator", "area", "source", "condition",
                  "threshold", "window_minutes", "severity", "escalation_threshold", "escalation_severity",
                  "resolve_after_minutes", "responsible_unit", "is_public", "cap_event", "cap_category",
                  "cap_urgency", "cap_certainty", "instruction", "radius_km", "is_active"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "instruction": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "name": {"required": _("Hãy đặt tên cho quy tắc.")},
            "responsible_unit": {"required": _("Hãy chọn đơn vị chịu trách nhiệm xử lý.")},
            "threshold": {"invalid": _("Ngưỡng phải là một số, ví dụ 50 hoặc 12,5.")},
            "escalation_threshold": {"invalid": _("Ngưỡng nâng mức phải là một số.")},
            "window_minutes": {"invalid": _("Số phút phải là số nguyên dương.")},
            "resolve_after_minutes": {"invalid": _("Số phút phải là số nguyên dương."),
                                      "required": _("Hãy nhập số phút trở lại bình thường trước khi tự kết thúc.")},
            "radius_km": {"invalid": _("Bán kính phải là một số (km).")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].queryset = Metric.objects.all()
        self.fields["station"].queryset = Station.objects.filter(is_active=True).order_by("name")
        self.fields["indicator"].queryset = Indicator.objects.active().filter(metric__isnull=True)
        self.fields["area"].queryset = Area.objects.current().filter(
            level__in=(AreaLevel.PROVINCE, AreaLevel.COMMUNE)).order_by("level", "name")
        self.fields["source"].queryset = DataSource.objects.filter(is_active=True)
        self.fields["responsible_unit"].queryset = Unit.objects.filter(is_active=True).order_by("name")
        self.fields["escalation_severity"].choices = [("", _("— Không nâng mức —")), *Severity.choices]
        for name in ("threshold", "escalation_threshold", "radius_km"):
            # Vietnamese writes decimals with a comma: accept both.
            self.fields[name].localize = True
            self.fields[name].widget.is_localized = True


class EventFilterForm(forms.Form):
    TABS = [("active", _("Đang hoạt động")), (EventStatus.OPEN, EventStatus.OPEN.label),
            (EventStatus.ACKNOWLEDGED, EventStatus.ACKNOWLEDGED.label),
            (EventStatus.RESOLVED, EventStatus.RESOLVED.label), ("all", _("Tất cả"))]

    status = forms.ChoiceField(label=_("Trạng thái"), choices=TABS, required=False)
    severity = forms.ChoiceField(label=_("Mức độ nghiêm trọng"), choices=[("", _("Tất cả")), *Severity.choices], required=False)
    category = forms.ChoiceField(label=_("Nhóm sự kiện"), choices=[("", _("Tất cả")), *CapCategory.choices],
                                 required=False)
    unit = forms.ModelChoiceField(label=_("Đơn vị chịu trách nhiệm"), queryset=Unit.objects.none(), required=False,
                                  empty_label=_("Tất cả"))
    area = forms.ModelChoiceField(label=_("Xã, phường"), queryset=Area.objects.none(), required=False,
                                  empty_label=_("Tất cả"))
    q = forms.CharField(label=_("Tìm theo tiêu đề, địa điểm"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(is_active=True, alert_rules__isnull=False).distinct() \
            .order_by("name")
        self.fields["unit"].error_messages["invalid_choice"] = _("Không có đơn vị này trong danh sách.")
        self.fields["area"].queryset = Area.objects.communes().order_by("name")
        self.fields["area"].error_messages["invalid_choice"] = _("Không có xã, phường này trong danh sách.")
        self.fields["severity"].error_messages["invalid_choice"] = _("Mức độ không hợp lệ.")
        self.fields["status"].error_messages["invalid_choice"] = _("Trạng thái không hợp lệ.")
        self.fields["category"].error_messages["invalid_choice"] = _("Nhóm sự kiện không hợp lệ.")


class AcknowledgeForm(forms.Form):
    note = forms.CharField(label=_("Ghi chú (không bắt buộc)"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ResolveForm(forms.Form):
    note = forms.CharField(label=_("Kết quả xử lý"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("Hãy ghi kết quả xử lý trước khi kết thúc sự kiện."),
                                           "max_length": _("Kết quả xử lý không quá 2.000 ký tự.")})


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Ghi chú nội bộ"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("Hãy nhập nội dung ghi chú."),
                                           "max_length": _("Ghi chú không quá 2.000 ký tự.")})
