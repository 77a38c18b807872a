"""With Redis down, the admin sign-in still works and still throttles (its failures are in the database)."""

import pytest
import redis
from django.contrib.auth.models import User
from django.core.cache import cache

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/"
PASSWORD = "right-password-123"


@pytest.fixture(autouse=True)
def redis_down(settings):
    """Django's own Redis backend pointed at a closed port: every cache call raises."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6390/0",
        }
    }
    with pytest.raises(redis.exceptions.ConnectionError):
        cache.get("anything")


@pytest.fixture
def editor(db):
    return User.objects.create_user("eddie", password=PASSWORD, is_staff=True)


def test_an_editor_signs_in(client, editor):
    response = client.post(LOGIN, {"username": "eddie", "password": PASSWORD, "next": "/admin/"})

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.session["_auth_user_id"] == str(editor.pk)


def test_a_wrong_password_is_the_normal_form(client, editor):
    response = client.post(LOGIN, {"username": "eddie", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.content.decode()


def test_guessing_is_still_paused(client, editor, settings):
    for _ in range(settings.NEWSROOM_LOGIN_FAILURES_PER_ACCOUNT_AND_CLIENT):
        assert client.post(LOGIN, {"username": "eddie", "password": "wrong"}).status_code == 200

    response = client.post(LOGIN, {"username": "eddie", "password": PASSWORD})

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
