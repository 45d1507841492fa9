"""Redink settings: one file, read from the environment.

Defaults make `make run` work on SQLite with no configuration; production sets at least
DEBUG=0, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and REDIS_URL (see .env.example).
"""

from __future__ import annotations

import ipaddress
import os
from email.utils import parseaddr
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

# Four small readers of the environment rather than django-environ: they are shorter than
# configuring it, database addresses already go through dj-database-url, and an empty variable
# (`DEBUG=` in an env file) means "not set, use the default" here, where django-environ would read
# it as a value ("" is False, and fails as a number).


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see .env.example).")
    SECRET_KEY = "demo-only-insecure-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The origin the site is served on: canonical links, the sitemap, JSON-LD and every link in an
# e-mail (redink.core.links.site_url). `rundemo --addr` sets it to its own address.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = os.environ.get("SITE_NAME", "Redink")

INSTALLED_APPS = [
    # Before django.contrib.auth, so its createsuperuser (which verifies the new account's
    # e-mail address for allauth) is the one `manage.py` runs: the first app naming a command wins.
    "redink.accounts",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "corsheaders",
    "ninja",  # the JSON API's Swagger UI files (static/ninja/), served by our own docs page
    "redink.core",
    "redink.catalogue",
    "redink.access",
    "redink.billing",
    "redink.search",
    "redink.related",
    "redink.submissions",
    "redink.marking",
    "redink.privacy",
    "redink.reading",
    "redink.ops",
    "redink.demo",
    "redink.corpus",
    "redink.api",
]

MIDDLEWARE = [
    # First: request ids and latency for everything below, and the health checks and metrics
    # answered before the host check (redink/ops/middleware.py).
    "redink.ops.middleware.RequestMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "redink.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "redink.core.middleware.SharedCacheMiddleware",
    # CORS headers for /api/v1/ only (CORS_URLS_REGEX), before CommonMiddleware as its docs ask,
    # and outside the API's rate limit, so a 429 carries them too.
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Requests per token and per address under /api/ (redink/api/ratelimits.py).
    "redink.api.ratelimits.ApiRateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "redink.core.middleware.MethodNotAllowedPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "redink.urls"
CSRF_FAILURE_VIEW = "redink.core.views.csrf_failure"
WSGI_APPLICATION = "redink.wsgi.application"
ASGI_APPLICATION = "redink.asgi.application"

# An operator's own templates, searched before Redink's: a file there named like one of ours
# (privacy/privacy.html, privacy/terms.html, …) replaces it. See README "Your own pages".
REDINK_TEMPLATES_DIR = os.environ.get("REDINK_TEMPLATES_DIR", "")
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [*([Path(REDINK_TEMPLATES_DIR)] if REDINK_TEMPLATES_DIR else []), BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # `{% url %}` with its answers kept per process (the header and footer's addresses).
            "builtins": ["redink.core.templatetags.kept_urls"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "redink.core.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
# Connections are kept for CONN_MAX_AGE seconds, and each is checked before a request reuses it
# (CONN_HEALTH_CHECKS): after PostgreSQL restarts, a connection it closed is replaced, not failed on.
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 60), conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Kept between requests too: opening the file and running these pragmas for every request
    # cost about a millisecond of a page's time.
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers carry on while one writer writes; IMMEDIATE takes the write lock
        # at BEGIN so two writers queue on the busy timeout instead of failing mid-transaction.
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;PRAGMA busy_timeout=10000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 10,
    }
# A PostgreSQL read replica (streaming replication of DATABASE_URL's database): visitors' essay
# pages, listings and search read from it; signed-in users, every write, and a browser's requests
# for REDINK_REPLICA_PIN_SECONDS after its own last write use the primary (redink/ops/replica.py).
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
REDINK_REPLICA_PIN_SECONDS = env_float("REDINK_REPLICA_PIN_SECONDS", 10.0)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=env_int("CONN_MAX_AGE", 60), conn_health_checks=True
    )
    if DATABASES["replica"]["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must be a replica of DATABASE_URL's database (same engine).")
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # tests read the one test database through it
    DATABASE_ROUTERS = ["redink.ops.routers.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "redink.ops.replica.ReplicaMiddleware",
    )
# PostgreSQL: parameters bound on the server, and a statement a connection has run 5 times kept
# prepared, so it is not planned again for every request. The essay page's one query took 1.3 ms
# to plan and 0.2 ms to run at 160,000 essays; prepared, the whole round trip takes 0.4 ms.
# A pooler that hands one client's statements to several server connections (PgBouncer in
# transaction mode before 1.21) cannot keep prepared statements: DATABASE_PREPARED_STATEMENTS=0.
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql" and env_bool("DATABASE_PREPARED_STATEMENTS", True):
        _database.setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions, tasks -----------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES: dict[str, dict[str, object]]
if REDIS_URL:
    # Fails open (redink/ops/cache.py): with Redis down, reads miss and writes are dropped, so
    # pages are still served; the short timeouts bound the wait on a Redis that hangs.
    CACHES = {
        "default": {
            "BACKEND": "redink.ops.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "redink"),
            "OPTIONS": {
                "socket_connect_timeout": env_float("REDIS_CONNECT_TIMEOUT", 0.5),
                "socket_timeout": env_float("REDIS_TIMEOUT", 0.5),
            },
        }
    }
    # Sessions are read from Redis and written to both: with Redis down they come from the
    # database, so signed-in users stay signed in.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # The database cache: shared by every process on the one database, so rate limits and the
    # readings' de-duplication count once however many processes serve (never a process's own
    # memory). `make run` creates its table (`createcachetable`).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "redink_cache",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "rq" if REDIS_URL else "database")
_TASK_BACKENDS = {
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    # RQ, but a task that cannot reach Redis is kept in the database and queued later (redink/ops/retries.py).
    "rq": {"BACKEND": "redink.ops.retries.RQBackend", "QUEUES": ["default"]},
    "immediate": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {sorted(_TASK_BACKENDS)}")
TASKS = {"default": _TASK_BACKENDS[TASKS_BACKEND]}
if TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
# Retries of failed tasks (redink/ops/retries.py): runs in all, and the backoff's base and cap.
REDINK_TASK_RETRY_ATTEMPTS = env_int("REDINK_TASK_RETRY_ATTEMPTS", 5)
REDINK_TASK_RETRY_BASE_SECONDS = env_float("REDINK_TASK_RETRY_BASE_SECONDS", 30.0)
REDINK_TASK_RETRY_MAX_SECONDS = env_float("REDINK_TASK_RETRY_MAX_SECONDS", 1800.0)

# --- Accounts -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# New passwords are hashed with Argon2; a password stored by an older hasher still works and is
# re-hashed with Argon2 when its owner next logs in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_ADAPTER = "redink.accounts.adapter.AccountAdapter"
# allauth's forms with the site's labels (redink/accounts/forms.py).
ACCOUNT_FORMS = {
    name: f"redink.accounts.forms.{form}"
    for name, form in {
        "login": "LoginForm",
        "signup": "SignupForm",
        "reset_password": "ResetPasswordForm",
        "reset_password_from_key": "ResetPasswordKeyForm",
        "change_password": "ChangePasswordForm",
        "set_password": "SetPasswordForm",
        "add_email": "AddEmailForm",
        "reauthenticate": "ReauthenticateForm",
    }.items()
}

# --- E-mail ---------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address the contact page (/contact/) gives people to write to: by default the address
# part of DEFAULT_FROM_EMAIL.
# The terms of use in force: a new version is recorded when a user accepts it (redink.privacy).
REDINK_TERMS_VERSION = os.environ.get("REDINK_TERMS_VERSION", "2026-12")
REDINK_CONTACT_EMAIL = os.environ.get("REDINK_CONTACT_EMAIL") or parseaddr(DEFAULT_FROM_EMAIL)[1] or DEFAULT_FROM_EMAIL
# Who runs this site, as the privacy notice and terms of use name them (the data controller),
# and their postal address (optional; shown on those pages when set).
REDINK_OPERATOR_NAME = os.environ.get("REDINK_OPERATOR_NAME") or SITE_NAME
REDINK_OPERATOR_ADDRESS = os.environ.get("REDINK_OPERATOR_ADDRESS", "")
REDINK_DATA_EXPORT_DAYS = env_int("REDINK_DATA_EXPORT_DAYS", 7)  # how long an "Export my data" link works

# --- Static and media -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Production serves hashed, compressed files collected by `collectstatic`; the demo and the
# test suite serve them straight from static/.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = DEBUG

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

# --- Security (production mode) -------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG and env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# No script of ours reads the CSRF cookie (forms and fetches send the token from the page's
# own hidden field), so page scripts need not see it either.
CSRF_COOKIE_HTTPONLY = True
# Sent on links from other sites (so a reader arriving from a search engine is still logged
# in) but never on their forms or background requests.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_SSL_REDIRECT = not DEBUG and env_bool("SECURE_SSL_REDIRECT", False)
# Asks browsers to put this domain on their built-in HSTS preload list: only once every
# subdomain serves HTTPS, and only by the operator's choice (off by default).
SECURE_HSTS_PRELOAD = not DEBUG and env_bool("SECURE_HSTS_PRELOAD", False)
# `check --deploy` then warns of nothing in the documented deployment; each silence holds only
# while its setting is off.
SILENCED_SYSTEM_CHECKS = [
    # The documented nginx front (docs/deploy.md) redirects http to https before Django sees it.
    *(["security.W008"] if not SECURE_SSL_REDIRECT else []),
    # Joining the browsers' preload list is the operator's decision, and slow to undo.
    *(["security.W021"] if not SECURE_HSTS_PRELOAD else []),
]
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"

# --- Redink ---------------------------------------------------------------------------
# Free previews: the share of an essay's words a visitor may read, and a hard cap.
REDINK_PREVIEW_RATIO = env_float("REDINK_PREVIEW_RATIO", 0.30)
REDINK_PREVIEW_MAX_WORDS = env_int("REDINK_PREVIEW_MAX_WORDS", 800)
# "lead" (the opening) or "extracts" (beginning, middle and end); essays may override.
REDINK_PREVIEW_STYLE = os.environ.get("REDINK_PREVIEW_STYLE", "lead")
# How long a shared cache (nginx, a CDN) may keep an anonymous page, in seconds.
REDINK_SHARED_CACHE_SECONDS = env_int("REDINK_SHARED_CACHE_SECONDS", 300)
# nginx's page cache on this machine (its proxy_cache_path, levels and proxy_cache_key, as in
# deploy/nginx.conf): when set, publishing, editing or withdrawing an essay deletes its cached
# pages at once (redink.ops.purge). Unset, they change within REDINK_SHARED_CACHE_SECONDS.
REDINK_NGINX_CACHE_DIR = os.environ.get("REDINK_NGINX_CACHE_DIR", "")
REDINK_NGINX_CACHE_LEVELS = os.environ.get("REDINK_NGINX_CACHE_LEVELS", "1:2")
REDINK_NGINX_CACHE_KEY = os.environ.get("REDINK_NGINX_CACHE_KEY", "$scheme$request_uri")
REDINK_PAGE_SIZE = env_int("REDINK_PAGE_SIZE", 20)
# One reading per visitor per essay in this window, counted by the uncached beacon.
REDINK_READ_DEDUP_SECONDS = env_int("REDINK_READ_DEDUP_SECONDS", 1800)
# Related essays: a level's term statistics are retaken (its lists rebuilt) once this share
# of its essays has been published, edited or withdrawn since they were last taken.
REDINK_RELATED_REBUILD_AFTER = env_float("REDINK_RELATED_REBUILD_AFTER", 0.1)

# --- Operations: health, metrics, logs (redink/ops) ---------------------------------------
# Logs: "json" (one object a line, with the request's id; the default in production) or "plain"
# (the demo's default).
LOG_FORMAT = os.environ.get("LOG_FORMAT") or ("plain" if DEBUG else "json")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured("LOG_FORMAT must be json or plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "redink.ops.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "redink.ops.logs.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
# /readyz is not ready once the oldest queued task has waited longer than this (workers down or
# overwhelmed); each of its checks of Redis gives up after REDINK_READY_TIMEOUT_SECONDS.
REDINK_READY_MAX_QUEUE_AGE_SECONDS = env_int("REDINK_READY_MAX_QUEUE_AGE_SECONDS", 600)
REDINK_READY_TIMEOUT_SECONDS = env_float("REDINK_READY_TIMEOUT_SECONDS", 1.0)
# /metrics answers clients in these networks (CIDRs, the client's address as the rate limits see
# it, TRUSTED_PROXY_COUNT honoured) or sending "Authorization: Bearer <REDINK_METRICS_TOKEN>".
REDINK_METRICS_NETWORKS = env_list("REDINK_METRICS_NETWORKS", ["127.0.0.0/8", "::1/128"])
for _cidr in REDINK_METRICS_NETWORKS:
    try:
        ipaddress.ip_network(_cidr, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"REDINK_METRICS_NETWORKS: {_cidr!r} is not a network (e.g. 10.0.0.0/8)") from None
REDINK_METRICS_TOKEN = os.environ.get("REDINK_METRICS_TOKEN", "")

# --- Submissions: uploads, originality checks, moderation, takedowns -----------------------
# A file over this size is refused while it arrives and nothing of it is stored (bytes;
# nginx's client_max_body_size should allow a little more, for the form's other fields).
REDINK_UPLOAD_MAX_BYTES = env_int("REDINK_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "redink.submissions.uploadlimit.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# An upload's text is extracted in a child process, killed after this many seconds (a file
# built to be slow is then kept for a moderator as "could not be processed in time").
REDINK_EXTRACT_TIMEOUT_SECONDS = env_int("REDINK_EXTRACT_TIMEOUT_SECONDS", 30)
# Markup nested deeper than this (HTML elements, DOCX and ODT XML) is refused before parsing:
# parsers slow down with the square of the depth, and no essay nests more than a few dozen deep.
REDINK_EXTRACT_MAX_DEPTH = env_int("REDINK_EXTRACT_MAX_DEPTH", 200)
# An essay's text must have this many words, at least and at most.
REDINK_ESSAY_MIN_WORDS = env_int("REDINK_ESSAY_MIN_WORDS", 250)
REDINK_ESSAY_MAX_WORDS = env_int("REDINK_ESSAY_MAX_WORDS", 20000)
# Zip bombs: a .docx or .odt may hold at most this many files and unpack to at most this much.
REDINK_ZIP_MAX_MEMBERS = env_int("REDINK_ZIP_MAX_MEMBERS", 1000)
REDINK_ZIP_MAX_UNCOMPRESSED_BYTES = env_int("REDINK_ZIP_MAX_UNCOMPRESSED_BYTES", 100 * 1024 * 1024)
REDINK_PDF_MAX_PAGES = env_int("REDINK_PDF_MAX_PAGES", 300)
# Originality: a Jaccard similarity at or over this refuses an upload as a copy; a containment
# at or over this (either way), or one shared passage of this many words, flags a partial copy.
REDINK_COPY_JACCARD = env_float("REDINK_COPY_JACCARD", 0.9)
REDINK_PARTIAL_COPY_CONTAINMENT = env_float("REDINK_PARTIAL_COPY_CONTAINMENT", 0.3)
REDINK_PARTIAL_COPY_PASSAGE_WORDS = env_int("REDINK_PARTIAL_COPY_PASSAGE_WORDS", 40)
# Membership days earned by each published contribution.
REDINK_CONTRIBUTION_DAYS = env_int("REDINK_CONTRIBUTION_DAYS", 30)
# "Check my essay": checks a user may run per hour.
REDINK_CHECKS_PER_HOUR = env_int("REDINK_CHECKS_PER_HOUR", 20)
# Uploaded files are private (never under MEDIA_ROOT, which nginx serves to anyone).
REDINK_SUBMISSION_FILES_DIR = Path(os.environ.get("REDINK_SUBMISSION_FILES_DIR", BASE_DIR / "private-media"))

# --- Memberships and payments; account security (redink.billing, redink.accounts) -------------
# Stripe takes payments once STRIPE_SECRET_KEY is set (sk_test_… to try it, sk_live_… for real).
# Without it, the clearly labelled test-mode checkout runs instead, but only in demo mode
# (DEBUG) or when REDINK_ALLOW_TEST_CHECKOUT=1 says so: it makes anyone a member for free.
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
REDINK_ALLOW_TEST_CHECKOUT = env_bool("REDINK_ALLOW_TEST_CHECKOUT", False)
# Days a member keeps reading after a renewal payment fails, while Stripe retries the card.
REDINK_PAYMENT_GRACE_DAYS = env_int("REDINK_PAYMENT_GRACE_DAYS", 3)

# Accounts (django-allauth): a new e-mail address is verified before it replaces the old one,
# security-relevant changes are notified, and links in e-mails use SITE_URL's scheme.
# Sign-up asks the year of birth and refuses anyone who may be younger than this (redink.accounts.ages).
REDINK_MINIMUM_AGE = env_int("REDINK_MINIMUM_AGE", 13)
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https:") else "http"
# How many proxies of our own in front of Django append to X-Forwarded-For (1 behind the
# documented nginx). Every rate limit, the reading beacon, takedowns and logins take the
# client's address from it (redink.core.clients.client_ip).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# Whether a request came over https, as our own proxy says: only when there is one. Without a
# proxy, X-Forwarded-Proto is whatever the client wrote, and trusting it would let a plain-http
# request pass for a secure one.
if TRUSTED_PROXY_COUNT > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Sign-up, login and password reset never say whether an address has an account: a taken
# address at sign-up gets the usual "check your inbox" page and its owner an e-mail saying
# someone tried; a reset for an unknown address e-mails that address to say it has no account,
# so either way one e-mail goes out (redink/accounts/tests/test_enumeration.py).
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True
# allauth's own rate limits are off: Redink's one mechanism (redink.core.ratelimit) limits
# logins, sign-ups and password resets instead. The cool-down between two verification e-mails
# to one address stays allauth's.
ACCOUNT_RATE_LIMITS = {
    "change_password": None,
    "change_phone": None,
    "manage_email": None,
    "reset_password": None,
    "reauthenticate": None,
    "reset_password_from_key": None,
    "signup": None,
    "login": None,
    "request_login_code": None,
    "login_failed": None,
    "verify_phone": None,
}

# --- Rate limits (redink.core.ratelimit), per client address unless they say otherwise ------
# Searches and title suggestions a minute (suggestions come as a person types).
REDINK_SEARCHES_PER_MINUTE = env_int("REDINK_SEARCHES_PER_MINUTE", 60)
REDINK_SUGGESTIONS_PER_MINUTE = env_int("REDINK_SUGGESTIONS_PER_MINUTE", 180)
# Logins: after this many failures for one account from one address in the window, that
# account is paused from that address only; an address with this many failures in the window
# (for any accounts) is paused as a whole. The per-address figure is generous because a
# school's pupils share one address. A correct password from an address under both limits
# always logs in, and a completed password reset lifts the account's pauses.
REDINK_LOGIN_FAILURES_PER_ACCOUNT = env_int("REDINK_LOGIN_FAILURES_PER_ACCOUNT", 5)
REDINK_LOGIN_FAILURES_PER_ADDRESS = env_int("REDINK_LOGIN_FAILURES_PER_ADDRESS", 100)
REDINK_LOGIN_WINDOW_SECONDS = env_int("REDINK_LOGIN_WINDOW_SECONDS", 15 * 60)
# Sign-ups and password-reset e-mails an hour from one address, and reset e-mails an hour to one address.
REDINK_SIGNUPS_PER_HOUR = env_int("REDINK_SIGNUPS_PER_HOUR", 30)
REDINK_PASSWORD_RESETS_PER_HOUR = env_int("REDINK_PASSWORD_RESETS_PER_HOUR", 30)
REDINK_PASSWORD_RESETS_PER_EMAIL_PER_HOUR = env_int("REDINK_PASSWORD_RESETS_PER_EMAIL_PER_HOUR", 5)
# Takedown reports an hour from one address, and acknowledgement e-mails a day to one
# recipient address (past it a request is still filed, without an acknowledgement).
REDINK_TAKEDOWNS_PER_HOUR = env_int("REDINK_TAKEDOWNS_PER_HOUR", 10)
REDINK_TAKEDOWN_ACKS_PER_EMAIL_PER_DAY = env_int("REDINK_TAKEDOWN_ACKS_PER_EMAIL_PER_DAY", 3)
# Reading beacons a minute from one address; past it they are ignored (not counted).
REDINK_BEACON_PER_MINUTE = env_int("REDINK_BEACON_PER_MINUTE", 30)
# Uploads (files or pasted text) per user; staff are exempt.
REDINK_UPLOADS_PER_HOUR = env_int("REDINK_UPLOADS_PER_HOUR", 10)
REDINK_UPLOADS_PER_DAY = env_int("REDINK_UPLOADS_PER_DAY", 30)
# Teacher application forms one user may send a day (each may carry an evidence file).
REDINK_TEACHER_APPLICATIONS_PER_DAY = env_int("REDINK_TEACHER_APPLICATIONS_PER_DAY", 10)
# Reviews a teacher may save (drafts and publishing count alike) and margin comments they may
# add, an hour; past either, what they wrote is kept on the page and nothing is stored.
REDINK_REVIEWS_PER_HOUR = env_int("REDINK_REVIEWS_PER_HOUR", 30)
REDINK_COMMENTS_PER_HOUR = env_int("REDINK_COMMENTS_PER_HOUR", 120)
# The JSON API (/api/v1/): requests a minute per personal access token, and per client address
# for everyone else (visitors, the site's session, and tokens that are not valid). API search
# also counts against REDINK_SEARCHES_PER_MINUTE, like the search page.
REDINK_API_REQUESTS_PER_MINUTE_PER_TOKEN = env_int("REDINK_API_REQUESTS_PER_MINUTE_PER_TOKEN", 120)
REDINK_API_REQUESTS_PER_MINUTE_PER_ADDRESS = env_int("REDINK_API_REQUESTS_PER_MINUTE_PER_ADDRESS", 60)

# --- CORS for the JSON API (django-cors-headers) --------------------------------------------
# Origins (scheme://host[:port], comma-separated) whose web pages may call /api/v1/ from a
# browser; none by default. Never with credentials: without Access-Control-Allow-Credentials a
# browser lets no other site's page read an answer made with the user's session cookie, so such
# pages call the API as a visitor, or with a token of their own.
CORS_ALLOWED_ORIGINS = env_list("REDINK_API_CORS_ORIGINS", [])
CORS_URLS_REGEX = r"^/api/v1/.*$"
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ("GET", "POST", "PATCH", "DELETE", "OPTIONS")
CORS_ALLOW_HEADERS = ("authorization", "content-type")
CORS_EXPOSE_HEADERS = ("etag", "last-modified", "retry-after")

# Content-Security-Policy (django-csp): scripts, styles, frames and form targets from this site
# only. The pages that hand over to Stripe add Stripe's origins (redink/billing/csp.py). No
# nonces: anonymous pages stay identical for every visitor, so shared caches can keep them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
