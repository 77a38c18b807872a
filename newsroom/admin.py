"""Serves: the admin site, with sign-in attempts throttled (`newsroom.login_throttle`); on users, an "Unlock sign-in"
action for staff who may change them, and account management by editors kept within the newsroom's roles."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.template.response import TemplateResponse
from django.urls import path
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

    def get_urls(self):
        from articles.desk.views import view_on_site  # ahead of the admin's own: it names drafts by their slugs

        shortcut = path("r/<path:content_type_id>/<path:object_id>/", self.admin_view(view_on_site))
        return [shortcut, *super().get_urls()]

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


# The groups an editor may put people in (articles/migrations/0002_roles_and_site.py creates them).
ROLES = ("Writers", "Editors")
# Fields only a superuser sees on a user's form: the rest of the staff cannot give more than a role gives.
SUPERUSER_ONLY_FIELDS = ("is_superuser", "user_permissions")


class RoleLimitedUserAdmin:
    """Mixed into the registered user admin. Editors manage accounts (newsroom migration 0002 gives them add,
    change and view): they tick Staff status and Active and choose Writers or Editors, and nothing more. They
    cannot make a superuser, give permissions of a person's own, change anyone who is a superuser or has more
    than the two roles (their password neither), or delete accounts, even if given the permission (they untick
    Active instead). Superusers keep everything."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in SUPERUSER_ONLY_FIELDS]})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return readonly if request.user.is_superuser else [*readonly, "last_login", "date_joined"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=ROLES)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and self.within_roles(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Only superusers delete accounts (a bulk delete would not ask who is one); editors untick Active.
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    @staticmethod
    def within_roles(request, user) -> bool:
        """Whether `request.user` may change `user`: a superuser may change anyone; other staff, people who are
        not superusers, have no permissions of their own and no group but the roles."""
        if user is None or request.user.is_superuser:
            return True
        return (
            not user.is_superuser
            and not user.user_permissions.exists()
            and not user.groups.exclude(name__in=ROLES).exists()
        )


def extend_user_admin(site: admin.AdminSite) -> None:
    """Give the registered user admin (Django's `UserAdmin` unless a project replaced it) the unlock action and
    the roles' limits."""
    user_model = get_user_model()
    if not site.is_registered(user_model):
        return
    registered = type(site.get_model_admin(user_model))
    site.unregister(user_model)
    actions = [*(registered.actions or []), unlock_sign_in]
    site.register(user_model, type(registered.__name__, (RoleLimitedUserAdmin, registered), {"actions": actions}))
