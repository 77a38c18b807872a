"""Serves: headers that tell the browser what our pages may not do, beyond Django's own (CSP, HSTS, nosniff…), sized to
the page.

`Permissions-Policy` turns off every powerful feature a news site never uses (camera, microphone, location,
payment, USB…, and ad-tracking cohorts). A page that shows embeds (an article with a video, a post, a chart)
also lets their frames' hosts — those of its own embeds, no others — have the three features a player asks for
(`static/editor/embeds.js`), and its CSP's `frame-src` names the same hosts (`allow_frames`); a page without
embeds sends neither list: it frames nothing, and no frame needs a feature delegated. Only features Chromium
knows are named: an unknown one is a console warning. Django 6.1 has no setting for the Permissions-Policy, so
one small middleware adds it to every response that has none of its own.
"""

from collections.abc import Sequence

from django.conf import settings
from django.middleware.csp import get_nonce
from django.utils.csp import CSP, build_policy

# Features no page here uses, denied to the page and every frame in it.
DENIED = (
    "accelerometer", "autoplay", "browsing-topics", "camera",
    "display-capture", "geolocation", "gyroscope", "hid", "identity-credentials-get", "idle-detection",
    "interest-cohort", "local-fonts", "magnetometer", "microphone", "midi", "otp-credentials", "payment",
    "publickey-credentials-create", "publickey-credentials-get", "screen-wake-lock", "serial",
    "storage-access", "usb", "window-management", "xr-spatial-tracking",
)  # fmt: skip
# What an embedded player's frame asks for (`frame.allow` in static/editor/embeds.js): ours and the embed hosts'.
FOR_EMBEDS = ("encrypted-media", "fullscreen", "picture-in-picture")


def permissions_policy(frame_origins: Sequence[str] = ()) -> str:
    """Every feature in `DENIED` denied; with frame origins, the players' features allowed to them (and us)."""
    denied = [f"{feature}=()" for feature in DENIED]
    if not frame_origins:
        return ", ".join(denied)
    allowed = " ".join(["self", *(f'"{origin}"' for origin in frame_origins)])
    return ", ".join([*denied, *(f"{feature}=({allowed})" for feature in FOR_EMBEDS)])


def allow_frames(request, response, frame_origins: Sequence[str]):
    """A page showing embeds: its CSP frames their origins and its Permissions-Policy delegates the players'
    features to them — never an origin outside `NEWSROOM_EMBED_FRAME_HOSTS`. Without embeds, nothing changes."""
    origins = [origin for origin in frame_origins if origin in settings.NEWSROOM_EMBED_FRAME_HOSTS]
    if origins:
        config = {**settings.SECURE_CSP, "frame-src": origins}
        # A header already set is left alone by Django's CSP middleware (its documented way for a view's own).
        response.headers[str(CSP.HEADER_ENFORCE)] = build_policy(config, get_nonce(request))
        response.headers["Permissions-Policy"] = permissions_policy(origins)
    return response


class BrowserPoliciesMiddleware:
    """Adds `Permissions-Policy` to every response (a view's own header wins)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = permissions_policy()

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.policy)
        return response
