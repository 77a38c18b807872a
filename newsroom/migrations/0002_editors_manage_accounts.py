"""Editors manage the newsroom's accounts: they may add, change and view users (not delete them).

`newsroom.admin` keeps that within the two roles: an editor cannot make anyone a superuser, give a person
permissions of their own, put them in a group other than Writers or Editors, or change a superuser.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ACCOUNT_PERMISSIONS = ["add_user", "change_user", "view_user"]


def editors_manage_accounts(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure the user ones exist now.
    auth = apps.get_app_config("auth")
    auth.models_module = True
    create_permissions(auth, apps=apps, verbosity=0)
    auth.models_module = None
    Group, Permission = apps.get_model("auth", "Group"), apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="auth", codename__in=ACCOUNT_PERMISSIONS)
    Group.objects.get(name="Editors").permissions.add(*permissions)


def editors_do_not_manage_accounts(apps, schema_editor):
    Group, Permission = apps.get_model("auth", "Group"), apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="auth", codename__in=ACCOUNT_PERMISSIONS)
    Group.objects.get(name="Editors").permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0001_sign_in_failures"),
        ("articles", "0002_roles_and_site"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(editors_manage_accounts, editors_do_not_manage_accounts)]
