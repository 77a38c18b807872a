#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    if "DEBUG" not in os.environ and "SECRET_KEY" not in os.environ:
        # A checkout with no configuration at all is a developer's: run management commands in development
        # mode. Anything configured (a SECRET_KEY) keeps DEBUG off unless it says otherwise; wsgi/asgi never
        # default to development.
        os.environ["DEBUG"] = "1"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
