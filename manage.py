#!/usr/bin/env python
"""Django's command-line entry point; it only points Django at the Studio's settings."""

import os
import sys


def main() -> None:
    """Hand the command line over to Django with the Studio's settings module."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
