"""Which country a device is in, from the Device Address permission, for the right helplines.

Asked only on a crisis turn, only when the person granted the permission, with a short
timeout; the answer is used for that reply and never stored (safety.md P1).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection
from urllib.parse import quote, urlsplit

from ask_sdk_model import RequestEnvelope

from skill.settings import ALEXA_API_HOSTS

log = logging.getLogger("steady.country")

LOOKUP_TIMEOUT_SECONDS = 1.0
"""A crisis reply must not wait long: without an answer, the locale decides."""


class CountryLookup:
    """Asks Amazon's Device Address API for the device's country code."""

    def __init__(
        self,
        allowed_hosts: Collection[str] = ALEXA_API_HOSTS,
        timeout: float = LOOKUP_TIMEOUT_SECONDS,
        allow_http: bool = False,
    ) -> None:
        self.allowed_hosts = frozenset(allowed_hosts)
        self.timeout = timeout
        self.allow_http = allow_http

    def country_of(self, envelope: RequestEnvelope) -> str | None:
        """The two-letter country code, or None when it can't be known right now."""
        system = envelope.context.system if envelope.context else None
        user = system.user if system else None
        permissions = user.permissions if user else None
        device = system.device if system else None
        if not (permissions and permissions.consent_token and device and device.device_id):
            return None
        endpoint = str(system.api_endpoint or "") if system else ""
        parts = urlsplit(endpoint)
        scheme_ok = parts.scheme == "https" or (self.allow_http and parts.scheme == "http")
        if not scheme_ok or parts.hostname not in self.allowed_hosts:
            log.warning("device address lookup skipped: unexpected API endpoint")
            return None
        url = (
            f"{endpoint.rstrip('/')}/v1/devices/{quote(device.device_id, safe='')}"
            "/settings/address/countryAndPostalCode"
        )
        token = str(system.api_access_token or "") if system else ""
        import urllib.error  # only when Amazon is asked: not on every cold start
        import urllib.request

        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                data = json.loads(answer.read(4096))
        except (urllib.error.URLError, TimeoutError, ValueError, OSError) as exc:
            log.warning("device address lookup failed: %s", type(exc).__name__)
            return None
        code = data.get("countryCode") if isinstance(data, dict) else None
        return code.upper() if isinstance(code, str) and len(code) == 2 else None
