"""Defines: the project's app configs: the admin site (with its user admin extended) and the `newsroom` app."""

from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class NewsroomAdminConfig(AdminConfig):
    default_site = "newsroom.admin.NewsroomAdminSite"

    def ready(self) -> None:
        super().ready()  # every app's admin module registered: the User admin can gain its action and limits
        from newsroom.admin import extend_user_admin

        extend_user_admin(self.module.site)


class NewsroomConfig(AppConfig):
    """The project's own app: the sign-in failures model (`newsroom.models`), `manage.py unlock_login`, and the
    settings checks (`newsroom.checks`)."""

    name = "newsroom"
    verbose_name = "Admin sign-in"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from newsroom import checks, login_throttle

        login_throttle.connect()
        checks.connect()  # settings that must agree (the view buffer and its look-back, sign-in limits)
