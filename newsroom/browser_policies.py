"""Headers that tell the browser what our pages may not do, beyond Django's own (CSP, HSTS, nosniff…).

`Permissions-Policy` turns off every powerful feature a news site never uses (camera, microphone, location,
payment, USB…, and ad-tracking cohorts); the embeds' frame hosts keep the three features their players ask for
(`static/editor/embeds.js`). Only features Chromium knows are named: an unknown one is a console warning.
Django 6.1 has no setting for it, so one small middleware adds it to every response.
"""

from django.conf import settings

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


def permissions_policy(frame_hosts: list[str]) -> str:
    allowed = " ".join(["self", *(f'"{host}"' for host in frame_hosts)])
    return ", ".join([*(f"{feature}=()" for feature in DENIED), *(f"{f}=({allowed})" for f in FOR_EMBEDS)])


class BrowserPoliciesMiddleware:
    """Adds `Permissions-Policy` to every response (a view's own header wins)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = permissions_policy(settings.NEWSROOM_EMBED_FRAME_HOSTS)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.policy)
        return response
