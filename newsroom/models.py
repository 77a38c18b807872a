"""Defines: failed admin sign-ins, one row each, kept for the lockout window (`newsroom.login_throttle`).

In the database rather than the cache so that the throttle holds when Redis is down or restarted, every count
is exact under concurrent requests (rows are inserted, never read-modified-written), and an admin can clear an
account's failures (`newsroom.admin`, `manage.py unlock_login`).
"""

from django.db import models


class SignInFailure(models.Model):
    """One sign-in attempt that did not sign anyone in. Names and addresses are stored as keyed hashes only:
    a password typed into the name field, or a visitor's address, is never kept."""

    account = models.CharField(max_length=32, help_text="Keyed hash of the normalised name tried.")
    client = models.CharField(max_length=32, help_text="Keyed hash of the client's address.")
    attempted_at = models.DateTimeField(db_index=True)  # the window's start, and pruning

    class Meta:
        indexes = [
            models.Index(fields=["account", "attempted_at"], name="signinfailure_account_idx"),
            models.Index(fields=["client", "attempted_at"], name="signinfailure_client_idx"),
        ]

    def __str__(self) -> str:
        return f"Failed sign-in at {self.attempted_at:%Y-%m-%d %H:%M:%S}"
