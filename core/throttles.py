"""The general API rate limit: FinSentry's 100 requests per 60 s, per user or per address.

API clients signed in with a token are counted by user (`THROTTLE_API_USER`), anonymous
ones by client address (`THROTTLE_API_ANON`, with DRF's `NUM_PROXIES` rule for
`X-Forwarded-For`). Over the limit is a 429 with `Retry-After`.

Calls that ride on the session cookie come from this site's own pages (the dashboard
refreshes four figures on every metrics push, up to once a second) and are not counted:
the pages serve the same data without any limit, so counting their scripts would only
break the dashboard of a busy office, not hold anyone back. Rates are read from the settings on each request,
so a changed `DEFAULT_THROTTLE_RATES` applies at once (tests and operators rely on it).

The counters live in the cache (Redis in production). A rate limit protects the service;
it must not take it down, so when the cache cannot be reached the request is let through
and a warning is logged, rather than every API call answering 500.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

logger = logging.getLogger(__name__)

# What the cache backends raise when Redis is unreachable or too slow: redis-py's errors
# (django-redis 7 and Django's own RedisCache let them through), or django-redis's
# ConnectionInterrupted where it wraps them.
CACHE_OUTAGES = (ConnectionInterrupted, RedisConnectionError, RedisTimeoutError)


PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])[a-z]*\s*$")


def parse_rate(rate: str) -> tuple[int, int]:
    """`100/min` as DRF writes it, or `100/60s` as FinSentry does: (requests, seconds)."""
    match = RATE.match(rate)
    if match is None:
        raise ValueError(f"Cannot read the rate {rate!r}; write it as 100/min or 100/60s.")
    count, multiple, unit = match.groups()
    return int(count), int(multiple or 1) * PERIODS[unit]


class _OutageTolerantRateMixin:
    scope: str

    def parse_rate(self, rate: str | None) -> tuple[int | None, int | None]:
        return (None, None) if rate is None else parse_rate(rate)

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)  # type: ignore[return-value]  # rates are text ("100/min")

    def allow_request(self, request: Request, view: Any) -> bool:
        # The rate is read again here, not only at construction, so an unset one disables the limit.
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        try:
            return super().allow_request(request, view)  # type: ignore[misc]
        except CACHE_OUTAGES as error:
            logger.warning("API rate limit skipped: the cache is unreachable (%s)", type(error).__name__)
            return True


class ApiUserThrottle(_OutageTolerantRateMixin, UserRateThrottle):
    """Signed-in API clients, per user; the pages' own calls (session cookie) are not counted."""

    scope = "api_user"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None  # counted by ApiAnonThrottle
        if isinstance(request.successful_authenticator, SessionAuthentication):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class ApiAnonThrottle(_OutageTolerantRateMixin, AnonRateThrottle):
    """Anonymous callers, per client address."""

    scope = "api_anon"
