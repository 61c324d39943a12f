from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UsernameOrEmailBackend(ModelBackend):
    """Sign in with the user name or the e-mail address."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        User = get_user_model()
        try:
            user = User._default_manager.get_by_natural_key(username.strip())
        except (User.DoesNotExist, User.MultipleObjectsReturned):
            User().set_password(password)  # same work as a real check, against timing attacks
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    # Django's admin asks model permissions; in the IOC the administrator role holds them all, so the
    # rule lives with the other role rules (ioc.core.access) rather than in per-user permission rows.
    def has_perm(self, user_obj, perm, obj=None):
        from ioc.core.access import get_access

        if user_obj.is_active and get_access(user_obj).has("core.manage_reference"):
            return True
        return super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj, app_label):
        from ioc.core.access import get_access

        if user_obj.is_active and get_access(user_obj).has("core.manage_reference"):
            return True
        return super().has_module_perms(user_obj, app_label)
