"""Headers that tell the browser what our pages may not do, beyond Django's own (CSP, HSTS, nosniff…).

`Permissions-Policy` turns off every powerful feature a news site never uses (camera, microphone, location,
payment, USB…, and ad-tracking cohorts); the embeds' frame hosts keep the three features their players ask for
(`static/editor/embeds.js`). `Reporting-Endpoints` names where the browser sends CSP reports (`report-to`).
Django 6.1 has no setting for either, so one small middleware adds both to every response.
"""

from django.conf import settings

from newsroom.csp_reports import CSP_REPORT_PATH, REPORT_GROUP

# Features no page here uses, denied to the page and every frame in it.
DENIED = (
    "accelerometer", "ambient-light-sensor", "autoplay", "bluetooth", "browsing-topics", "camera",
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
    """Adds `Permissions-Policy` and `Reporting-Endpoints` to every response (a view's own header wins)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.headers = {
            "Permissions-Policy": permissions_policy(settings.NEWSROOM_EMBED_FRAME_HOSTS),
            "Reporting-Endpoints": f'{REPORT_GROUP}="{CSP_REPORT_PATH}"',
        }

    def __call__(self, request):
        response = self.get_response(request)
        for name, value in self.headers.items():
            response.headers.setdefault(name, value)
        return response
