"""Assets of the API documentation pages and the site icon, all served from this site.

Redoc's bundle draws its "API docs by Redocly" footer with an <img> from cdn.redoc.ly. The
bundle (from drf-spectacular-sidecar) is served here with that one address pointing at a
local image, so the docs make no off-site request and the `img-src 'self'` policy has
nothing to refuse. The bundle on disk stays untouched: upgrading the sidecar still works.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.templatetags.static import static
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

REDOC_BUNDLE = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
REDOC_CDN_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
REDOC_LOCAL_LOGO = "img/redoc-logo-mini.svg"
FAVICON = "img/favicon.ico"
ONE_DAY = 24 * 60 * 60


@cache
def redoc_bundle_source(logo_url: str) -> tuple[bytes, str]:
    """The Redoc bundle with its logo at `logo_url`, and an ETag of the result; read once."""
    path = finders.find(REDOC_BUNDLE)
    if path is None:
        raise FileNotFoundError(f"{REDOC_BUNDLE} is not in any static folder (is drf-spectacular-sidecar installed?)")
    source = Path(path).read_text(encoding="utf-8").replace(REDOC_CDN_LOGO, logo_url)
    content = source.encode("utf-8")
    return content, f'"{hashlib.sha256(content).hexdigest()[:32]}"'


@require_safe
def redoc_bundle(request: HttpRequest) -> HttpResponse:
    content, etag = redoc_bundle_source(static(REDOC_LOCAL_LOGO))
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(content, content_type="text/javascript; charset=utf-8")
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=ONE_DAY)
    return response


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """`/favicon.ico`, which browsers ask for on pages that name no icon (the admin, the
    API's JSON): a temporary redirect, as the static name carries a content hash."""
    response = HttpResponseRedirect(static(FAVICON))
    patch_cache_control(response, public=True, max_age=ONE_DAY)
    return response
