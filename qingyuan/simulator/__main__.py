"""``python -m qingyuan.simulator [options]``: the same as ``manage.py simulate``."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingyuan.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("simulate", *sys.argv[1:])
