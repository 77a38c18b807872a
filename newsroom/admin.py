"""The admin site, with sign-in attempts throttled per client and per account (`newsroom.login_throttle`)."""

from django.contrib import admin
from django.template.response import TemplateResponse

from newsroom.login_throttle import is_locked_out, lockout_message


class NewsroomAdminSite(admin.AdminSite):
    site_header = "Newsroom"
    site_title = "Newsroom admin"
    index_title = "Editorial desk"
    index_template = "desk/dashboard.html"

    def index(self, request, extra_context=None):
        from articles.desk.dashboard import dashboard_for  # the newsroom's dashboard (the app loads after the site)

        return super().index(request, {**(extra_context or {}), "dashboard": dashboard_for(user=request.user)})

    def login(self, request, extra_context=None):
        if request.method == "POST" and is_locked_out(request, request.POST.get("username", "")):
            context = {**self.each_context(request), "title": "Sign-in paused", "lockout_message": lockout_message()}
            return TemplateResponse(request, "admin/login_locked.html", context, status=429)
        return super().login(request, extra_context)
