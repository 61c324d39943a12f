from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Channel, NotificationPreference

OPTIONAL_CHANNELS = [Channel.EMAIL, Channel.SMS, Channel.ZALO]


class NotificationPreferencesForm(forms.Form):
    """Which outside channels a user wants; the in-app inbox always receives everything."""

    email = forms.BooleanField(label=_("Nhận thông báo qua thư điện tử"), required=False)
    sms = forms.BooleanField(label=_("Nhận thông báo qua tin nhắn SMS"), required=False)
    zalo = forms.BooleanField(label=_("Nhận thông báo qua Zalo OA"), required=False)

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        from .notifications import channel_enabled

        for channel in OPTIONAL_CHANNELS:
            self.fields[channel.value].initial = channel_enabled(user, channel)
        if not user.phone:
            for name in ("sms", "zalo"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Cần khai báo số điện thoại trong tài khoản.")
        if not user.email:
            self.fields["email"].disabled = True
            self.fields["email"].help_text = _("Cần khai báo địa chỉ thư điện tử trong tài khoản.")

    def save(self):
        for channel in OPTIONAL_CHANNELS:
            if self.fields[channel.value].disabled:
                continue
            NotificationPreference.objects.update_or_create(
                user=self.user, channel=channel, topic="",
                defaults={"enabled": self.cleaned_data[channel.value]},
            )
