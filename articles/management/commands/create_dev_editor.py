"""Writes: `manage.py create_dev_editor`: a development-only editor account, its password printed once."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Development only: create an 'editor' account in the Editors group and print its password once."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="editor")
        parser.add_argument("--port", default="8000", help="The port `make run` serves on, for the printed link.")

    def handle(self, *args, username: str, port: str, **options):
        if not settings.DEBUG:
            raise CommandError("create_dev_editor is for development (DEBUG=1). Use createsuperuser in production.")
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(
                f"Editor account '{username}' already exists (password printed when it was created; "
                f"reset it with: python manage.py changepassword {username})."
            )
            return
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(username=username, password=password, is_staff=True, first_name="Demo")
        user.last_name = "Editor"
        user.save(update_fields=["last_name"])
        user.groups.add(Group.objects.get(name="Editors"))
        self.stdout.write(self.style.SUCCESS("Editor account created — shown only this once:"))
        self.stdout.write(f"  username: {username}\n  password: {password}\n  log in at http://127.0.0.1:{port}/admin/")
