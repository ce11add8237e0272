"""Settings for Billing, driven only by environment variables (12-factor).

Every value has an embedded default that lets `make run` serve the whole app on one
machine with no services: SQLite, an in-memory channel layer, eager Celery, local
files and console e-mail. Setting `DATABASE_URL`, `REDIS_URL`, `STORAGE=s3` and the
rest moves the same code to the production shape.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VERSION = "0.1.0"

env = environ.Env()
# A local .env is convenient in development; the environment always wins over it.
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(env_file, overwrite=False)

# Off unless turned on: a deploy that forgets DEBUG gets the production behaviour (and must
# set SECRET_KEY). `make run`, `make stack` and the test settings turn it on explicitly.
DEBUG: bool = env.bool("DEBUG", default=False)

INSECURE_DEFAULT_SECRET_KEY = "insecure-development-key-change-me"  # noqa: S105 (a sentinel, refused below)
SECRET_KEY: str = env.str("SECRET_KEY", default=INSECURE_DEFAULT_SECRET_KEY)
if not DEBUG and (SECRET_KEY == INSECURE_DEFAULT_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off "
        "(DEBUG is off unless set; use DEBUG=true for development)."
    )

ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "corsheaders",
    "django_filters",
    "django_prometheus",
    "django_htmx",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "axes",
    "csp",
    "core",  # shared infrastructure: errors, pagination, sockets, health, ensure_database
    "accounts",
    "companies",
    "invoices",
    "files",
    "dashboard",
    "outbox",
    "demo",  # seed_demo: above the domain apps, imported by none
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Before CommonMiddleware: `/api/v1/invoices` is served, not redirected, as `/api/v1/invoices/`.
    "core.slashes.OptionalTrailingSlashMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.unavailable.DependencyUnavailableMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # Last, so it sees the login views' answers and swaps a lockout in for them.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "billing.urls"
WSGI_APPLICATION = "billing.wsgi.application"
ASGI_APPLICATION = "billing.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process, eager tasks and tests share the file.
    # IMMEDIATE: a transaction takes the write lock when it begins, so concurrent requests
    # queue for it (within the timeout) instead of failing with "database is locked" when
    # a read snapshot turns stale before its first write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    )
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Bounded waits: a stopped or unreachable server fails a request within the connect
    # timeout (a 503, see core/unavailable.py) instead of hanging it, and no statement
    # runs longer than the statement timeout. Settings of the URL's own `options` are kept.
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    _pg_options.setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5))
    _pg_options["options"] = " ".join(
        part
        for part in (
            _pg_options.get("options", ""),
            f"-c statement_timeout={env.int('DATABASE_STATEMENT_TIMEOUT_MS', default=30000)}",
        )
        if part
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, channel layer, Celery broker -------------------------------------
REDIS_URL: str | None = env.str("REDIS_URL", default=None) or None

# Bounded waits: a stopped or paused Redis costs a request seconds, never a hang.
REDIS_CONNECT_TIMEOUT: float = env.float("REDIS_CONNECT_TIMEOUT", default=2.0)
REDIS_SOCKET_TIMEOUT: float = env.float("REDIS_SOCKET_TIMEOUT", default=5.0)
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="billing"),
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": REDIS_CONNECT_TIMEOUT,
                "SOCKET_TIMEOUT": REDIS_SOCKET_TIMEOUT,
                # The cache holds throttle counters only: with Redis down they count
                # nothing (logged) rather than turn every request into a 500.
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py's defaults (5 s socket timeout, 100 connections per pool) break
                # channels_redis: its 5 s blocking pop races the socket timeout and kills
                # an idle socket's consumer every 5 s, and a burst of connecting or closing
                # sockets needs a connection each for group_add/group_discard at once.
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": env.float("CHANNEL_LAYER_SOCKET_TIMEOUT", default=15.0),
                        "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
                        "socket_keepalive": True,
                        "max_connections": env.int("CHANNEL_LAYER_MAX_CONNECTIONS", default=2000),
                    }
                ],
                "prefix": env.str("CHANNEL_LAYER_PREFIX", default="billing"),
                "capacity": 1500,
                "expiry": 30,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Eager tasks still take a producer from the broker's connection pool (Celery's
# apply_async), which logs "No hostname was supplied" for a bare `memory://`: name one.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://localhost/")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or "cache+memory://")
# Without a broker, tasks run in-process; with one, a worker runs them.
CELERY_TASK_ALWAYS_EAGER: bool = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# A worker that dies mid-task (OOM, SIGKILL) hands the task back instead of losing it.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# The longest a task may run; the broker hands an unacknowledged task to another worker
# only after the visibility timeout, which must therefore outlast the longest task.
CELERY_TASK_TIME_LIMIT: int = env.int("CELERY_TASK_TIME_LIMIT", default=600)
CELERY_TASK_SOFT_TIME_LIMIT: int = CELERY_TASK_TIME_LIMIT - 30
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 60),
    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
}
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_CONNECT_TIMEOUT
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_CONNECT_TIMEOUT
CELERY_REDIS_SOCKET_TIMEOUT = REDIS_SOCKET_TIMEOUT
# Publishing happens after a commit, inside a request: fail fast when the broker is down
# (the outbox sweep delivers what was not queued) instead of retrying for 19 s.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "mark-overdue-invoices": {
        "task": "invoices.tasks.invoices_mark_overdue_task",
        "schedule": env.float("MARK_OVERDUE_INTERVAL_SECONDS", default=3600.0),
    },
    "outbox-deliver-due": {
        "task": "outbox.tasks.outbox_deliver_due_task",
        "schedule": env.float("OUTBOX_SWEEP_SECONDS", default=30.0),
    },
}

# --- Outbox: side effects that survive outages (see outbox/services.py) -----------------
OUTBOX_HANDLERS: dict[str, str] = {
    "invoice.sent_email": "invoices.notifications.invoice_sent_email_deliver",
}
# After the commit that wrote a message: hand it to a Celery worker (the sweep covers failures).
OUTBOX_RELAY: str = "outbox.relay.relay_message"
OUTBOX_MAX_ATTEMPTS: int = env.int("OUTBOX_MAX_ATTEMPTS", default=12)
OUTBOX_RETRY_BASE_SECONDS: float = env.float("OUTBOX_RETRY_BASE_SECONDS", default=30.0)
OUTBOX_RETRY_MAX_SECONDS: float = env.float("OUTBOX_RETRY_MAX_SECONDS", default=3600.0)
OUTBOX_SWEEP_BATCH: int = env.int("OUTBOX_SWEEP_BATCH", default=100)

# --- Auth -----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# Axes first: a locked-out client or account is refused before any password is checked,
# at every door that calls authenticate() (API, login page, admin, browsable API).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "accounts.backends.UsernameOrEmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
EMAIL_VERIFICATION_MAX_AGE = timedelta(days=env.int("EMAIL_VERIFICATION_DAYS", default=3))
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60 * 24)

# --- Login lockout (django-axes, see accounts/lockout.py) -----------------------------
# Counted in the database, so an outage of Redis neither unlocks nor breaks login.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT: int = env.int("LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
# Two independent locks: one per client address, one per account.
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "accounts.lockout.lockout_username"
AXES_CLIENT_IP_CALLABLE = "core.client_address.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_VERBOSE = False

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media files -------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
FILE_MAX_BYTES: int = env.int("FILE_MAX_BYTES", default=10 * 1024 * 1024)
# Hosts that `POST /api/v1/invoices/upload/` may fetch a `blob_url` from (https only, public
# addresses only). Empty: every blob_url is refused.
UPLOAD_BLOB_ALLOWED_HOSTS: list[str] = env.list("UPLOAD_BLOB_ALLOWED_HOSTS", default=[])
UPLOAD_BLOB_TIMEOUT_SECONDS: float = env.float("UPLOAD_BLOB_TIMEOUT_SECONDS", default=10.0)
# The Celery queue uploaded documents are read on (OCR is heavy: it can get workers of its own).
DOCUMENT_PROCESSING_QUEUE: str = env.str("DOCUMENT_PROCESSING_QUEUE", default="celery")
# Who hears of committed file changes (see files/events.py): the pipeline's task queue.
FILE_EVENT_SUBSCRIBERS: list[str] = ["files.tasks.documents_queued_enqueue"]
# Reading uploaded documents (files.extraction): which extractor, and the limits that keep a
# hostile file from exhausting a worker.
DOCUMENT_EXTRACTOR: str = env.str("DOCUMENT_EXTRACTOR", default="files.extraction.local.LocalExtractor")
EXTRACTION_MAX_PAGES: int = env.int("EXTRACTION_MAX_PAGES", default=20)
EXTRACTION_MAX_PIXELS: int = env.int("EXTRACTION_MAX_PIXELS", default=40_000_000)
EXTRACTION_OCR_TIMEOUT: float = env.float("EXTRACTION_OCR_TIMEOUT", default=60.0)

STORAGE_BACKEND: str = env.str("STORAGE", default="local")
if STORAGE_BACKEND == "s3":
    AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME")
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default=None)
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default=None)
    AWS_ACCESS_KEY_ID = env.str("AWS_ACCESS_KEY_ID", default=None)
    AWS_SECRET_ACCESS_KEY = env.str("AWS_SECRET_ACCESS_KEY", default=None)
    AWS_QUERYSTRING_AUTH = True
    AWS_QUERYSTRING_EXPIRE = env.int("AWS_QUERYSTRING_EXPIRE", default=300)
    AWS_DEFAULT_ACL = None
    AWS_S3_FILE_OVERWRITE = False
    DEFAULT_FILE_STORAGE_BACKEND = "storages.backends.s3.S3Storage"
elif STORAGE_BACKEND == "local":
    DEFAULT_FILE_STORAGE_BACKEND = "django.core.files.storage.FileSystemStorage"
else:
    raise ImproperlyConfigured("STORAGE must be 'local' or 's3'.")

STORAGES = {
    "default": {"BACKEND": DEFAULT_FILE_STORAGE_BACKEND},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_STORAGE_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- E-mail ---------------------------------------------------------------------------
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    # Django's console backend, with one line per attachment instead of its base64.
    EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="core.mail.ConsoleEmailBackend")
    EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / "sent_emails"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Billing <billing@localhost>")
SITE_URL: str = env.str("SITE_URL", default="http://127.0.0.1:8000")

# --- Domain events: who hears about invoice changes (see invoices/events.py) -----------
# Inside the change's transaction: what they write commits or rolls back with the change.
INVOICE_EVENT_TRANSACTION_SUBSCRIBERS: list[str] = ["invoices.notifications.invoice_sent_email_enqueue"]
# After the commit: live updates.
INVOICE_EVENT_SUBSCRIBERS: list[str] = ["invoices.live.publish_invoice_message"]

# --- Pages: the parts of the invoice page that apps above invoices contribute -----------
INVOICE_PAGE_SECTIONS: list[str] = ["files.views.invoice_attachments_section"]

# --- Money ----------------------------------------------------------------------------
DEFAULT_CURRENCY: str = env.str("DEFAULT_CURRENCY", default="USD")

# --- DRF and JWT ----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.BearerJWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Nesting over 64 levels and bodies over DATA_UPLOAD_MAX_MEMORY_SIZE are 4xx; JSON
    # numbers are parsed to Decimal from their text (seed 000 sends money as numbers).
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.exceptions.exception_handler",
    # The general API limit (FinSentry: 100 requests per 60 s per user or address).
    "DEFAULT_THROTTLE_CLASSES": ["core.throttles.ApiUserThrottle", "core.throttles.ApiAnonThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "api_user": env.str("THROTTLE_API_USER", default="100/min"),
        "api_anon": env.str("THROTTLE_API_ANON", default="100/min"),
        "login_ip": env.str("THROTTLE_LOGIN_IP", default="20/min"),
        "login_username": env.str("THROTTLE_LOGIN_USERNAME", default="5/min"),
        "auth_anon": env.str("THROTTLE_AUTH_ANON", default="30/min"),
        "verification_resend": env.str("THROTTLE_VERIFICATION_RESEND", default="3/hour"),
    },
    "COERCE_DECIMAL_TO_STRING": True,
    # How many proxies sit in front of the app; throttles trust X-Forwarded-For only that far.
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": env.str("JWT_SIGNING_KEY", default=SECRET_KEY),
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_CLAIM": "user_id",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Billing API",
    "DESCRIPTION": "Invoices, approvals, payments, documents and live updates.",
    "VERSION": VERSION,
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "invoices.models.InvoiceStatus",  # the invoice status keeps its name
        "ProcessingStatusEnum": "files.models.ProcessingStatus",
        "BatchStatusEnum": ["queued", "running", "completed", "failed"],
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.openapi.document_rate_limit",
        "core.openapi.document_links",
    ],
}

# --- CORS, CSRF and security headers ----------------------------------------------
CORS_ALLOWED_ORIGINS: list[str] = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_HEADERS = (
    "accept",
    "authorization",
    "content-type",
    "if-match",
    "idempotency-key",
    "x-csrftoken",
    "x-requested-with",
)
CORS_EXPOSE_HEADERS = ["ETag"]
# WebSocket connections riding on the session cookie must come from one of these.
WEBSOCKET_ALLOWED_ORIGINS: list[str] = env.list("WEBSOCKET_ALLOWED_ORIGINS", default=[])

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the pages' small JS reads it for fetch() calls
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_REDIRECT_EXEMPT = [r"^health"]

# Content-Security-Policy (django-csp): scripts and styles from this origin only; the few
# inline ones (the API docs' boot script) carry the per-response nonce. The docs pages
# relax styles for themselves (see billing/urls.py): their bundles inject style tags.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Logging: never tokens or secrets ----------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact": {"()": "core.logging.RedactSecretsFilter"},
        "client_error_without_traceback": {"()": "core.logging.ClientErrorWithoutTracebackFilter"},
    },
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own DEBUG console handler printed each warning a second time, unredacted:
        # everything under `django` goes through the root's redacting handler only.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # "Not Found: /path" and "Forbidden: /path", a line each, without a traceback.
        "django.request": {"filters": ["client_error_without_traceback"]},
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # uvicorn logs HTTP requests on uvicorn.access and WebSocket handshakes (their URLs
        # included) on uvicorn.error: both go through the redacting handler. The same
        # shape is in billing/uvicorn_logging.json, which the web processes start with.
        "uvicorn": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "uvicorn.error": {"level": "INFO", "propagate": True},
        "uvicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
