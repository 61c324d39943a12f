from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

User = get_user_model()

phone_validator = RegexValidator(
    r"^(\+84|0)\d{9,10}$", _("Số điện thoại gồm 10–11 chữ số, bắt đầu bằng 0 hoặc +84.")
)


class SignInForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Tên đăng nhập hoặc thư điện tử"), max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Mật khẩu"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: sau nhiều lần sai, tài khoản sẽ tạm khóa."),
        "inactive": _("Tài khoản này đã bị vô hiệu hóa."),
    }


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Mã xác thực 6 chữ số"), min_length=6, max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True,
                                      "pattern": "[0-9]*"}),
        error_messages={"required": _("Hãy nhập mã xác thực."),
                        "min_length": _("Mã xác thực gồm 6 chữ số.")},
    )

    def clean_token(self):
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError(_("Mã xác thực chỉ gồm chữ số."))
        return token


class RegistrationForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150,
                                widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("Thư điện tử"), widget=forms.EmailInput(attrs={"autocomplete": "email"}),
                             error_messages={"invalid": _("Địa chỉ thư điện tử không hợp lệ.")})
    phone = forms.CharField(label=_("Số điện thoại (không bắt buộc)"), required=False, max_length=15,
                            validators=[phone_validator], widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}))
    password1 = forms.CharField(label=_("Mật khẩu"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                help_text=_("Ít nhất 10 ký tự, không quá đơn giản."))
    password2 = forms.CharField(label=_("Nhập lại mật khẩu"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    consent = forms.BooleanField(
        label=_("Tôi đồng ý để Trung tâm xử lý thông tin cá nhân của tôi nhằm tiếp nhận và trả lời phản ánh, "
                "theo Nghị định 13/2023/NĐ-CP."),
        error_messages={"required": _("Cần đồng ý xử lý dữ liệu cá nhân để tạo tài khoản.")},
    )

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists() or User.objects.filter(username__iexact=email).exists():
            raise forms.ValidationError(_("Địa chỉ thư điện tử này đã được đăng ký. Hãy đăng nhập hoặc lấy lại mật khẩu."))
        return email

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("Hai mật khẩu không khớp nhau."))
        elif p1:
            candidate = User(username=data.get("email", ""), email=data.get("email", ""),
                             full_name=data.get("full_name", ""))
            try:
                password_validation.validate_password(p1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "email", "phone", "language"]
        labels = {"full_name": _("Họ và tên"), "email": _("Thư điện tử"), "phone": _("Số điện thoại"),
                  "language": _("Ngôn ngữ giao diện")}

    phone = forms.CharField(label=_("Số điện thoại"), required=False, max_length=15, validators=[phone_validator])

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if email and User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Địa chỉ thư điện tử này đã được dùng cho một tài khoản khác."))
        return email
