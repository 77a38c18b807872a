"""Writes: `manage.py unlock_login NAME…`: lift sign-in locks from the command line, for when no admin can sign in to
use the users' "Unlock sign-in" action (a guesser reached the per-account ceiling on every admin)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from newsroom import login_throttle


class Command(BaseCommand):
    help = "Clear the failed sign-in attempts of these accounts, so they may sign in again at once."

    def add_arguments(self, parser):
        parser.add_argument("usernames", nargs="+", metavar="username")

    def handle(self, *args, usernames, **options):
        user_model = get_user_model()
        known = set(
            user_model._default_manager.filter(**{f"{user_model.USERNAME_FIELD}__in": usernames}).values_list(
                user_model.USERNAME_FIELD, flat=True
            )
        )
        unknown = [name for name in usernames if name not in known]
        if unknown:
            raise CommandError(f"No such user: {', '.join(unknown)} (nothing was unlocked)")
        cleared = login_throttle.unlock(usernames)
        self.stdout.write(f"Sign-in unlocked for {', '.join(usernames)} ({cleared} failed attempts cleared).")
