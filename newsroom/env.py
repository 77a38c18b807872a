"""Reads: settings from environment variables: one way for every setting (newsroom/settings/)."""

import os


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def env_float(name: str, default: float) -> float:
    return float(os.environ.get(name) or default)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def mailer_from_env(*, debug: bool) -> dict:
    """Django's MAILERS entry: the console in development, SMTP from EMAIL_* with DEBUG off; EMAIL_BACKEND
    picks another backend either way."""
    backend = os.environ.get("EMAIL_BACKEND") or (
        "django.core.mail.backends.console.EmailBackend" if debug else "django.core.mail.backends.smtp.EmailBackend"
    )
    smtp = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", default=False),
    }
    return {"BACKEND": backend, "OPTIONS": smtp if backend.endswith(".smtp.EmailBackend") else {}}
