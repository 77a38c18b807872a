from django.contrib.admin.apps import AdminConfig


class NewsroomAdminConfig(AdminConfig):
    default_site = "newsroom.admin.NewsroomAdminSite"

    def ready(self) -> None:
        super().ready()
        from newsroom import login_throttle

        login_throttle.connect()
