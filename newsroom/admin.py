"""The admin site, with sign-in attempts throttled (`newsroom.login_throttle`) and an "Unlock sign-in" action
on users for staff who may change them."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy, ngettext

from newsroom import login_throttle


class NewsroomAdminSite(admin.AdminSite):
    site_header = "Newsroom"
    site_title = "Newsroom admin"
    index_title = "Editorial desk"
    index_template = "desk/dashboard.html"

    def index(self, request, extra_context=None):
        from articles.desk.dashboard import dashboard_for  # the newsroom's dashboard (the app loads after the site)

        return super().index(request, {**(extra_context or {}), "dashboard": dashboard_for(user=request.user)})

    def login(self, request, extra_context=None):
        if request.method == "POST" and not login_throttle.admit(request, request.POST.get("username", "")):
            context = {
                **self.each_context(request),
                "title": gettext_lazy("Sign-in paused"),
                "lockout_message": login_throttle.lockout_message(),
            }
            return TemplateResponse(request, "admin/login_locked.html", context, status=429)
        response = super().login(request, extra_context)  # a missing or rejected next=: LOGIN_REDIRECT_URL
        if request.method == "POST" and response.status_code == 302 and request.user.is_authenticated:
            login_throttle.remember_device(response, user=request.user)  # a POST redirects only when signed in
        return response


@admin.action(description=gettext_lazy("Unlock sign-in"), permissions=["change"])
def unlock_sign_in(modeladmin, request, queryset) -> None:
    """For an editor locked out by failed attempts (theirs or a guesser's): they may try again at once."""
    usernames = [user.get_username() for user in queryset]
    cleared = login_throttle.unlock(usernames)
    message = ngettext(
        "Sign-in unlocked for %(names)s (%(cleared)d failed attempt cleared).",
        "Sign-in unlocked for %(names)s (%(cleared)d failed attempts cleared).",
        cleared,
    )
    modeladmin.message_user(request, message % {"names": ", ".join(usernames), "cleared": cleared}, messages.SUCCESS)


def add_sign_in_unlock(site: admin.AdminSite) -> None:
    """Give the registered user admin (Django's `UserAdmin` unless a project replaced it) the unlock action."""
    user_model = get_user_model()
    if not site.is_registered(user_model):
        return
    registered = type(site.get_model_admin(user_model))
    site.unregister(user_model)
    actions = [*(registered.actions or []), unlock_sign_in]
    site.register(user_model, type(registered.__name__, (registered,), {"actions": actions}))
