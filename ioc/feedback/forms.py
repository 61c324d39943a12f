"""Forms of the citizen side of the feedback module: the public report form, the hotline form, tracking by
code, rating and reopening. Every error is a Vietnamese message at its field."""

import re
import uuid
import warnings

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ioc.accounts.forms import phone_validator
from ioc.core.areas import nearest_commune

from .intake import MAX_PHOTOS
from .models import Category, Priority

MAX_DESCRIPTION = 4000
MIN_DESCRIPTION = 10
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTO_PIXELS = 50_000_000  # a 10 MB file can still decompress to an enormous bitmap
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP")
CODE_RE = re.compile(r"^PA-?(\d{4})-?(\d{1,7})$")


# --- Fields ---------------------------------------------------------------------------------------


def category_choices():
    """Active categories for a select, grouped under their top-level category."""
    categories = list(Category.objects.filter(is_active=True).order_by("order", "name"))
    active_ids = {c.pk for c in categories}
    children = {}
    for category in categories:
        children.setdefault(category.parent_id if category.parent_id in active_ids else None, []).append(category)

    def descendants(node, prefix=""):
        for child in children.get(node.pk, []):
            label = f"{prefix}{child.label}"
            yield child.pk, label
            yield from descendants(child, prefix=f"{label} › ")

    choices = [("", _("— Chọn lĩnh vực —"))]
    for top in children.get(None, []):
        below = list(descendants(top))
        if below:
            choices.append((top.label, [*below, (top.pk, _("%(name)s: vấn đề khác") % {"name": top.label})]))
        else:
            choices.append((top.pk, top.label))
    return choices


def category_hints():
    """What the form needs to suggest a category from the description as it is typed (report-form.js): each active
    category without active sub-categories that has keywords, as {"id", "label", "keywords"}."""
    categories = list(Category.objects.filter(is_active=True).only("id", "name", "name_en", "keywords", "parent_id"))
    parents = {c.parent_id for c in categories}
    return [{"id": c.pk, "label": c.label, "keywords": c.keyword_list()}
            for c in categories if c.pk not in parents and c.keyword_list()]


class CategoryField(forms.ChoiceField):
    """A category chosen from the grouped list; cleans to the Category. `hints` feed the suggestion of a category
    from the description."""

    @property
    def hints(self):
        return category_hints()

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Lĩnh vực"))
        kwargs.setdefault("error_messages", {
            "required": _("Hãy chọn lĩnh vực của phản ánh."),
            "invalid_choice": _("Lĩnh vực đã chọn không còn sử dụng. Hãy chọn lĩnh vực khác."),
        })
        super().__init__(choices=category_choices, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        category = Category.objects.filter(pk=value, is_active=True).first() if str(value).isdigit() else None
        if category is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return category


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to MAX_PHOTOS images (JPEG, PNG or WebP, up to 10 MB each), checked by their content."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"accept": "image/jpeg,image/png,image/webp", "multiple": True})

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if len(files) > MAX_PHOTOS:
            raise ValidationError(_("Chỉ gửi được tối đa %(max)d ảnh; bạn đã chọn %(count)d ảnh.")
                                  % {"max": MAX_PHOTOS, "count": len(files)}, code="too_many")
        errors = []
        for upload in files:
            try:
                check_photo(upload)
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        return files


def check_photo(upload):
    """Refuse an upload that is over 10 MB or is not really a JPEG, PNG or WebP image (whatever its name)."""
    from PIL import Image

    name = upload.name or _("không tên")
    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationError(_("Ảnh “%(name)s” nặng %(size).1f MB, vượt quá giới hạn 10 MB mỗi ảnh.")
                              % {"name": name, "size": upload.size / 1024 / 1024}, code="too_large")
    not_an_image = ValidationError(_("Tệp “%(name)s” không phải là ảnh JPEG, PNG hoặc WebP hợp lệ.") % {"name": name},
                                   code="not_an_image")
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=PHOTO_FORMATS) as image:
                width, height = image.size
                image.verify()
    except Exception as exc:  # Pillow raises many kinds of errors on hostile files
        raise not_an_image from exc
    finally:
        upload.seek(0)
    if width * height > MAX_PHOTO_PIXELS:
        raise ValidationError(_("Ảnh “%(name)s” có kích thước quá lớn (%(w)d × %(h)d điểm ảnh).")
                              % {"name": name, "w": width, "h": height}, code="too_many_pixels")


def normalise_phone(value):
    return re.sub(r"[\s.\-()]", "", value or "")


def coordinate_field():
    return forms.FloatField(required=False, widget=forms.HiddenInput, error_messages={
        "invalid": _("Tọa độ không hợp lệ. Hãy chọn lại vị trí trên bản đồ.")})


# --- Intake ---------------------------------------------------------------------------------------


class LocationMixin:
    """A map pin (latitude, longitude) inside the province, or an address, or both."""

    def clean_location(self, data):
        lat, lon, address = data.get("latitude"), data.get("longitude"), (data.get("address") or "").strip()
        if "latitude" in self.errors or "longitude" in self.errors:
            return
        if (lat is None) != (lon is None):
            self.add_error("latitude", _("Vị trí chưa đầy đủ. Hãy chọn lại điểm trên bản đồ."))
        elif lat is not None:
            if not (-90 <= lat <= 90 and -180 <= lon <= 180) or nearest_commune(lat, lon) is None:
                self.add_error("latitude", _("Vị trí đã chọn nằm ngoài địa bàn tỉnh. Hãy chọn một điểm trong tỉnh "
                                             "hoặc nhập địa chỉ."))
        elif not address:
            self.add_error("address", _("Hãy chọn vị trí trên bản đồ hoặc nhập địa chỉ nơi xảy ra sự việc."))


class TokenMixin:
    """A hidden random token per filled-in form: sending it twice returns the same report."""

    def init_token(self):
        if not self.is_bound:
            self.initial.setdefault("submission_token", uuid.uuid4())

    def idempotency_key(self):
        token = self.cleaned_data.get("submission_token")
        return str(token) if token else ""


def posted_token(data):
    """The submission token of raw POST data, or "" when missing or malformed."""
    try:
        return str(uuid.UUID(str(data.get("submission_token", ""))))
    except ValueError:
        return ""


ADDRESS_HELP = _("Số nhà, đường, thôn, xã hoặc phường. Địa chỉ ghi theo đơn vị hành chính cũ (trước 1/7/2025) "
                 "vẫn được tự động chuyển sang xã, phường mới.")
ANONYMOUS_HELP = _("Họ tên và thông tin liên hệ của bạn chỉ cán bộ Trung tâm Giám sát, Điều hành Thông minh được "
                   "xem; cơ quan xử lý và công chúng không thấy (Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân).")


class ReportForm(LocationMixin, TokenMixin, forms.Form):
    """The public report form, for visitors and signed-in citizens (whose contact comes from their account)."""

    category = CategoryField()
    description = forms.CharField(
        label=_("Nội dung phản ánh"), max_length=MAX_DESCRIPTION, min_length=MIN_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 6, "data-counter": MAX_DESCRIPTION}),
        help_text=_("Mô tả sự việc: cái gì, ở đâu, từ khi nào. Tối đa 4.000 ký tự."),
        error_messages={"required": _("Hãy mô tả sự việc bạn muốn phản ánh."),
                        "min_length": _("Nội dung quá ngắn: hãy mô tả cụ thể hơn (ít nhất %(limit_value)d ký tự)."),
                        "max_length": _("Nội dung dài tối đa %(limit_value)d ký tự; hiện có %(show_value)d ký tự.")},
    )
    latitude = coordinate_field()
    longitude = coordinate_field()
    address = forms.CharField(label=_("Địa chỉ"), max_length=255, required=False, help_text=ADDRESS_HELP,
                              widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
                              error_messages={"max_length": _("Địa chỉ dài tối đa %(limit_value)d ký tự.")})
    photos = PhotosField(label=_("Ảnh hiện trường (không bắt buộc)"),
                         help_text=_("Tối đa 5 ảnh JPEG, PNG hoặc WebP, mỗi ảnh không quá 10 MB. Thông tin ẩn trong "
                                     "ảnh (vị trí GPS, thiết bị) được xóa trước khi lưu."))
    reporter_name = forms.CharField(label=_("Họ và tên"), max_length=150, required=False,
                                    widget=forms.TextInput(attrs={"autocomplete": "name"}))
    reporter_email = forms.EmailField(label=_("Thư điện tử"), required=False,
                                      widget=forms.EmailInput(attrs={"autocomplete": "email"}),
                                      error_messages={"invalid": _("Địa chỉ thư điện tử không hợp lệ.")})
    reporter_phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False,
                                     widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel",
                                                                   "inputmode": "tel"}))
    is_anonymous = forms.BooleanField(label=_("Ẩn danh với cơ quan xử lý"), required=False, help_text=ANONYMOUS_HELP)
    consent = forms.BooleanField(
        label=_("Tôi đồng ý để Trung tâm xử lý thông tin cá nhân đã cung cấp nhằm tiếp nhận, trả lời phản ánh này, "
                "theo Nghị định 13/2023/NĐ-CP."), required=False)
    submission_token = forms.UUIDField(required=False, widget=forms.HiddenInput)

    CONTACT_FIELDS = ("reporter_name", "reporter_email", "reporter_phone", "consent")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user if user is not None and user.is_authenticated else None
        if self.user is not None:
            for name in self.CONTACT_FIELDS:
                del self.fields[name]
        self.init_token()

    def clean_reporter_phone(self):
        phone = normalise_phone(self.cleaned_data.get("reporter_phone"))
        if phone:
            phone_validator(phone)
        return phone

    def clean(self):
        data = super().clean()
        self.clean_location(data)
        if self.user is None:
            email, phone = data.get("reporter_email"), data.get("reporter_phone")
            if not email and not phone and not self.has_error("reporter_email") and not self.has_error("reporter_phone"):
                self.add_error("reporter_email", _("Hãy để lại thư điện tử hoặc số điện thoại để Trung tâm báo kết "
                                                   "quả cho bạn (hoặc đăng nhập)."))
            typed = any(str(self.data.get(name) or "").strip() for name in self.CONTACT_FIELDS[:3])
            if typed and not data.get("consent"):
                self.add_error("consent", _("Cần đồng ý xử lý dữ liệu cá nhân để Trung tâm liên hệ lại với bạn."))
        return data

    @property
    def contact_fields(self):
        return [self[name] for name in self.CONTACT_FIELDS if name in self.fields and name != "consent"]


class HotlineForm(LocationMixin, TokenMixin, forms.Form):
    """An operator records a phone call to 1022 as a report on the caller's behalf."""

    caller_name = forms.CharField(label=_("Họ tên người gọi"), max_length=150, required=False)
    caller_phone = forms.CharField(label=_("Số điện thoại người gọi"), max_length=20, required=False,
                                   widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
                                   help_text=_("Để báo lại kết quả cho người gọi."))
    caller_email = forms.EmailField(label=_("Thư điện tử người gọi (nếu có)"), required=False,
                                    error_messages={"invalid": _("Địa chỉ thư điện tử không hợp lệ.")})
    is_anonymous = forms.BooleanField(label=_("Người gọi đề nghị ẩn danh với cơ quan xử lý"), required=False)
    category = CategoryField()
    priority = forms.ChoiceField(label=_("Mức độ"), required=False,
                                 choices=[("", _("Theo lĩnh vực (mặc định)")), *Priority.choices],
                                 error_messages={"invalid_choice": _("Mức độ không hợp lệ.")})
    description = forms.CharField(
        label=_("Nội dung cuộc gọi"), max_length=MAX_DESCRIPTION, min_length=MIN_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 6, "data-counter": MAX_DESCRIPTION}),
        error_messages={"required": _("Hãy ghi nội dung người gọi phản ánh."),
                        "min_length": _("Nội dung quá ngắn: hãy ghi cụ thể hơn (ít nhất %(limit_value)d ký tự)."),
                        "max_length": _("Nội dung dài tối đa %(limit_value)d ký tự; hiện có %(show_value)d ký tự.")},
    )
    address = forms.CharField(label=_("Địa chỉ nơi xảy ra sự việc"), max_length=255, required=False,
                              help_text=ADDRESS_HELP,
                              error_messages={"max_length": _("Địa chỉ dài tối đa %(limit_value)d ký tự.")})
    latitude = coordinate_field()
    longitude = coordinate_field()
    submission_token = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_token()

    def clean_caller_phone(self):
        phone = normalise_phone(self.cleaned_data.get("caller_phone"))
        if phone:
            phone_validator(phone)
        return phone

    def clean(self):
        data = super().clean()
        self.clean_location(data)
        return data


# --- Tracking, rating, reopening ------------------------------------------------------------------


class LookupForm(forms.Form):
    code = forms.CharField(label=_("Mã phản ánh"), max_length=40,
                           help_text=_("Ví dụ: PA-2026-000123 (không phân biệt chữ hoa, chữ thường)."),
                           widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off",
                                                         "spellcheck": "false"}),
                           error_messages={"required": _("Hãy nhập mã phản ánh.")})

    def clean_code(self):
        text = re.sub(r"\s+", "", self.cleaned_data["code"]).upper().replace("–", "-").replace("—", "-")
        match = CODE_RE.match(text)
        if not match:
            raise ValidationError(_("Mã phản ánh có dạng PA-2026-000123. Hãy kiểm tra lại."))
        return f"PA-{match.group(1)}-{int(match.group(2)):06d}"


STAR_LABELS = [
    (1, _("1 sao – Rất không hài lòng")),
    (2, _("2 sao – Không hài lòng")),
    (3, _("3 sao – Bình thường")),
    (4, _("4 sao – Hài lòng")),
    (5, _("5 sao – Rất hài lòng")),
]


class RatingForm(forms.Form):
    stars = forms.TypedChoiceField(label=_("Mức độ hài lòng với kết quả xử lý"), choices=STAR_LABELS, coerce=int,
                                   widget=forms.RadioSelect,
                                   error_messages={"required": _("Hãy chọn từ 1 đến 5 sao."),
                                                   "invalid_choice": _("Hãy chọn từ 1 đến 5 sao.")})
    comment = forms.CharField(label=_("Ý kiến của bạn (không bắt buộc)"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              error_messages={"max_length": _("Ý kiến dài tối đa %(limit_value)d ký tự.")})


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Vì sao bạn chưa hài lòng?"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("Hãy cho biết vì sao chưa hài lòng với kết quả xử lý."),
                                             "max_length": _("Lý do dài tối đa %(limit_value)d ký tự.")})
