"""Serves: where browsers report what the CSP blocked: one compact log line per report, never more than a trickle.

Browsers POST `report-uri` reports; the Reporting API's format (`report-to`) is read too, for when that is used.
Anyone can POST here (browsers send no CSRF token, so it is exempt by design), hence: small bodies only (413),
JSON of the two report formats only (400), control characters and length cut from what is logged, and at most
`LOG_LINES_PER_MINUTE` lines a minute per process (the rest are counted, then summed up in one line).
"""

import json
import logging
import re
import threading
import time

from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

CSP_REPORT_PATH = "/csp-report"  # the CSP's report-uri in newsroom/settings/security.py (a test keeps them equal)
MAX_BODY_BYTES = 16 * 1024  # a real report is well under 2 KB
LOG_LINES_PER_MINUTE = 60
FIELD_LENGTH = 200

logger = logging.getLogger("newsroom.csp")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class _Budget:
    """How many lines may still be logged this minute; what was held back is reported once the minute is over."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute, self.lock = per_minute, threading.Lock()
        self.minute, self.used, self.held_back = 0, 0, 0

    def take(self) -> tuple[bool, int]:
        """(may log now, reports held back in the minute just ended)."""
        with self.lock:
            minute, ended = int(time.monotonic() // 60), 0
            if minute != self.minute:
                self.minute, self.used, ended, self.held_back = minute, 0, self.held_back, 0
            self.used += 1
            if self.used > self.per_minute:
                self.held_back += 1
                return False, ended
            return True, ended


budget = _Budget(LOG_LINES_PER_MINUTE)


def _field(value) -> str:
    return _UNPRINTABLE.sub("?", str(value if value is not None else "-"))[:FIELD_LENGTH] or "-"


def _violations(payload) -> list[dict]:
    """The violations in a `report-uri` body ({"csp-report": {...}}) or a Reporting API one ([{type, body}])."""
    if isinstance(payload, dict) and isinstance(payload.get("csp-report"), dict):
        report = payload["csp-report"]
        return [
            {
                "directive": report.get("effective-directive") or report.get("violated-directive"),
                "blocked": report.get("blocked-uri"),
                "page": report.get("document-uri"),
            }
        ]
    if isinstance(payload, list) and payload and len(payload) <= 20:
        bodies = [r.get("body") for r in payload if isinstance(r, dict) and r.get("type") == "csp-violation"]
        return [
            {"directive": b.get("effectiveDirective"), "blocked": b.get("blockedURL"), "page": b.get("documentURL")}
            for b in bodies
            if isinstance(b, dict)
        ]
    return []


@csrf_exempt
@require_POST
def csp_report(request):
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return HttpResponseBadRequest("Bad Content-Length.")
    if declared > MAX_BODY_BYTES:
        return HttpResponse("Report too large.", status=413)
    body = request.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        return HttpResponse("Report too large.", status=413)
    try:
        violations = _violations(json.loads(body))
    except (ValueError, RecursionError):
        violations = []
    if not violations:
        return HttpResponseBadRequest("Not a CSP report.")
    for violation in violations:
        allowed, held_back = budget.take()
        if held_back:
            logger.warning("CSP reports: %d more held back in the last minute", held_back)
        if allowed:
            logger.warning(
                "CSP blocked %s (directive %s) on %s",
                _field(violation["blocked"]),
                _field(violation["directive"]),
                _field(violation["page"]),
            )
    return HttpResponse(status=204)
