"""Forms of the staff work spaces: one small form per action on a report, the filters of the triage queue
and of the inbox, and the bulk actions. They validate input and say what is wrong at the field; the moves
themselves are made by ioc.feedback.workflow."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ioc.core.models import Area, Unit

from .forms import PhotosField
from .models import UNIT_STATUSES, Category, Channel, Priority, RejectionReason, Report, Status


def _units():
    return Unit.objects.active().order_by("name")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class UnitsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


# --- Actions on one report --------------------------------------------------------------------------


PUBLIC_NOTE_HELP = _("Hiển thị trên dòng thời gian công khai của phản ánh. Không ghi thông tin cá nhân.")


class NoteForm(forms.Form):
    """A move with an optional note (verify, start, close); the note is public, as the move is."""

    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=2000, help_text=PUBLIC_NOTE_HELP,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    """A move that needs a reason (return to the IOC, reopen)."""

    reason = forms.CharField(label=_("Lý do"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=PUBLIC_NOTE_HELP, error_messages={"required": _("Hãy nêu lý do.")})


class PriorityForm(forms.Form):
    """The IOC changes a report's priority (its deadlines follow), with a reason kept in the internal timeline."""

    priority = forms.ChoiceField(label=_("Mức độ"), choices=Priority.choices,
                                 error_messages={"required": _("Hãy chọn mức độ.")})
    reason = forms.CharField(label=_("Lý do"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Ghi chú nội bộ; người dân không thấy."),
                             error_messages={"required": _("Hãy nêu lý do.")})


class RejectForm(forms.Form):
    reason = forms.ChoiceField(label=_("Lý do từ chối"), choices=[("", _("— Chọn lý do —")), *RejectionReason.choices],
                               error_messages={"required": _("Hãy chọn lý do từ chối.")})
    note = forms.CharField(label=_("Giải thích cho người phản ánh"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(forms.Form):
    unit = UnitChoiceField(label=_("Đơn vị chủ trì"), queryset=Unit.objects.none(), empty_label=_("— Chọn đơn vị —"),
                           error_messages={"required": _("Hãy chọn đơn vị chủ trì xử lý."),
                                           "invalid_choice": _("Đơn vị này không còn hoạt động.")})
    cooperating = UnitsChoiceField(label=_("Đơn vị phối hợp"), queryset=Unit.objects.none(), required=False,
                                   widget=forms.SelectMultiple(attrs={"size": 4}))
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=2000, help_text=PUBLIC_NOTE_HELP,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units()
        self.fields["cooperating"].queryset = _units()

    def clean(self):
        data = super().clean()
        unit, cooperating = data.get("unit"), data.get("cooperating") or []
        if unit is not None and unit in cooperating:
            self.add_error("cooperating", _("Đơn vị chủ trì không đồng thời là đơn vị phối hợp."))
        return data


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("Nội dung trả lời"), min_length=10, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 8}),
                           help_text=_("Nội dung này được công bố cùng phản ánh. Không ghi thông tin cá nhân."),
                           error_messages={"required": _("Hãy nhập nội dung trả lời."),
                                           "min_length": _("Nội dung trả lời cần ít nhất %(limit_value)d ký tự.")})
    # The citizen form's photo field: the same checks (type by content, size, count) for answer photos.
    photos = PhotosField(label=_("Ảnh kết quả xử lý"), help_text=_("Tối đa 5 ảnh JPEG, PNG hoặc WebP, mỗi ảnh đến 10 MB."))
    note = forms.CharField(label=_("Ghi chú nội bộ"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class TransferForm(forms.Form):
    unit = UnitChoiceField(label=_("Chuyển sang đơn vị"), queryset=Unit.objects.none(),
                           empty_label=_("— Chọn đơn vị —"),
                           error_messages={"required": _("Hãy chọn đơn vị nhận."),
                                           "invalid_choice": _("Đơn vị này không còn hoạt động.")})
    reason = forms.CharField(label=_("Lý do chuyển"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=PUBLIC_NOTE_HELP, error_messages={"required": _("Hãy nêu lý do chuyển đơn vị.")})

    def __init__(self, *args, report=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = _units()
        if report is not None and report.lead_unit_id:
            units = units.exclude(pk=report.lead_unit_id)
        self.fields["unit"].queryset = units


class ExtensionForm(forms.Form):
    days = forms.IntegerField(label=_("Số ngày làm việc xin gia hạn"), min_value=1, max_value=30,
                              error_messages={"required": _("Hãy nhập số ngày."),
                                              "invalid": _("Hãy nhập một số nguyên."),
                                              "min_value": _("Ít nhất %(limit_value)s ngày."),
                                              "max_value": _("Nhiều nhất %(limit_value)s ngày.")})
    reason = forms.CharField(label=_("Lý do xin gia hạn"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Hãy nêu lý do xin gia hạn.")})


class DecideExtensionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Quyết định"), widget=forms.RadioSelect,
                                 choices=[("approve", _("Đồng ý gia hạn")), ("refuse", _("Không đồng ý"))],
                                 error_messages={"required": _("Hãy chọn đồng ý hoặc không.")})
    note = forms.CharField(label=_("Ý kiến"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refuse" and not (data.get("note") or "").strip():
            self.add_error("note", _("Hãy nêu lý do không đồng ý gia hạn."))
        return data


class InternalNoteForm(forms.Form):
    text = forms.CharField(label=_("Ghi chú nội bộ"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Chỉ cán bộ xem được; không hiển thị cho người dân."),
                           error_messages={"required": _("Ghi chú không được để trống.")})


class MergeForm(forms.Form):
    into = forms.CharField(label=_("Gộp vào phản ánh (mã)"), max_length=20,
                           error_messages={"required": _("Hãy nhập mã phản ánh chính.")})

    def __init__(self, *args, report=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report

    def clean_into(self):
        code = self.cleaned_data["into"].strip().upper()
        main = Report.objects.filter(code=code).first()
        if main is None:
            raise ValidationError(_("Không có phản ánh mã %(code)s."), params={"code": code})
        if self.report is not None and main.pk == self.report.pk:
            raise ValidationError(_("Không thể gộp phản ánh vào chính nó."))
        if main.merged_into_id:
            raise ValidationError(_("Phản ánh %(code)s đã được gộp vào phản ánh khác."), params={"code": code})
        if main.status == Status.REJECTED:
            raise ValidationError(_("Không thể gộp vào phản ánh %(code)s vì phản ánh đó đã bị từ chối."),
                                  params={"code": code})
        return main


# --- Lists -----------------------------------------------------------------------------------------


def _category_field():
    field = forms.ModelChoiceField(label=_("Lĩnh vực"), queryset=Category.objects.filter(is_active=True),
                                   required=False, empty_label=_("Tất cả"))
    field.label_from_instance = lambda category: category.label
    return field


def _commune_field():
    field = forms.ModelChoiceField(label=_("Xã, phường"), queryset=Area.objects.communes().order_by("name"),
                                   required=False, empty_label=_("Tất cả"))
    field.label_from_instance = lambda area: area.name
    return field


def descendants(category):
    """The ids of a category and its sub-categories (the tree is small)."""
    ids, frontier = [category.pk], [category.pk]
    while frontier:
        frontier = list(Category.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids += frontier
    return ids


class TriageFilterForm(forms.Form):
    STATUS_CHOICES = [("", _("Tất cả")), (Status.RECEIVED, Status.RECEIVED.label),
                      (Status.VERIFIED, Status.VERIFIED.label), ("returned", _("Đơn vị trả lại")),
                      (Status.REOPENED, Status.REOPENED.label)]

    status = forms.ChoiceField(label=_("Trạng thái"), choices=STATUS_CHOICES, required=False)
    category = _category_field()
    area = _commune_field()
    channel = forms.ChoiceField(label=_("Kênh"), choices=[("", _("Tất cả")), *Channel.choices], required=False)
    overdue = forms.BooleanField(label=_("Chỉ phản ánh quá hạn"), required=False)

    def filter(self, qs, now):
        data = self.cleaned_data
        if data.get("status") == "returned":
            qs = qs.filter(status=Status.VERIFIED, assigned_at__isnull=False)
        elif data.get("status"):
            qs = qs.filter(status=data["status"])
        if data.get("category"):
            qs = qs.filter(category_id__in=descendants(data["category"]))
        if data.get("area"):
            qs = qs.filter(area=data["area"])
        if data.get("channel"):
            qs = qs.filter(channel=data["channel"])
        if data.get("overdue"):
            qs = qs.overdue(now)
        return qs


class InboxFilterForm(forms.Form):
    SORTS = [("due", _("Hạn trả lời gần nhất")), ("-due", _("Hạn trả lời xa nhất")),
             ("-received", _("Mới tiếp nhận trước"))]

    status = forms.ChoiceField(label=_("Trạng thái"), required=False)
    scope = forms.ChoiceField(label=_("Vai trò của đơn vị"), required=False,
                              choices=[("lead", _("Chủ trì")), ("cooperating", _("Phối hợp"))])
    unit = UnitChoiceField(label=_("Đơn vị"), queryset=Unit.objects.none(), required=False, empty_label=_("Tất cả"))
    category = _category_field()
    area = _commune_field()
    overdue = forms.BooleanField(label=_("Quá hạn"), required=False)
    due_soon = forms.BooleanField(label=_("Đến hạn trong 1 ngày làm việc"), required=False)
    q = forms.CharField(label=_("Tìm theo mã, nội dung"), required=False, max_length=100)
    sort = forms.ChoiceField(label=_("Sắp xếp"), choices=SORTS, required=False)

    def __init__(self, *args, province_wide=False, **kwargs):
        super().__init__(*args, **kwargs)
        statuses = Status.choices if province_wide else [(s.value, s.label) for s in UNIT_STATUSES]
        self.fields["status"].choices = [("", _("Cần xử lý")), ("all", _("Tất cả")), *statuses]
        if province_wide:
            del self.fields["scope"]
            self.fields["unit"].queryset = _units()
        else:
            del self.fields["unit"]



class BulkAssignForm(forms.Form):
    reports = forms.MultipleChoiceField(label=_("Phản ánh"), error_messages={
        "required": _("Hãy chọn ít nhất một phản ánh đã xác minh."),
        "invalid_choice": _("Không có phản ánh mã %(value)s.")})
    unit = UnitChoiceField(label=_("Chuyển cho đơn vị"), queryset=Unit.objects.none(),
                           empty_label=_("— Chọn đơn vị —"),
                           error_messages={"required": _("Hãy chọn đơn vị chủ trì xử lý.")})
    cooperating = UnitsChoiceField(label=_("Đơn vị phối hợp"), queryset=Unit.objects.none(), required=False,
                                   widget=forms.SelectMultiple(attrs={"size": 3}))

    def __init__(self, *args, codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units()
        self.fields["cooperating"].queryset = _units()
        self.fields["reports"].choices = [(c, c) for c in codes]


class BulkStartForm(forms.Form):
    reports = forms.MultipleChoiceField(label=_("Phản ánh"), error_messages={
        "required": _("Hãy chọn ít nhất một phản ánh."),
        "invalid_choice": _("Không có phản ánh mã %(value)s.")})

    def __init__(self, *args, codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reports"].choices = [(c, c) for c in codes]
