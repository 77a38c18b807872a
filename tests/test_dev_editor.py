import io
import re

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def run(**options) -> str:
    out = io.StringIO()
    call_command("create_dev_editor", stdout=out, **options)
    return out.getvalue()


def test_prints_a_working_editor_login_once(settings, client):
    settings.DEBUG = True
    first = run(port="8123")
    password = re.search(r"password: (\S+)", first).group(1)

    editor = User.objects.get(username="editor")
    assert editor.is_staff and editor.groups.filter(name="Editors").exists()
    assert "http://127.0.0.1:8123/admin/" in first
    assert client.login(username="editor", password=password)
    second = run()
    assert "already exists" in second and password not in second


def test_refuses_outside_development(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=1"):
        run()
    assert not User.objects.exists()
