"""Kindred's one settings file: every knob is an environment variable with a safe default.

Each setting is documented in the README's settings table; tests/test_settings.py fails
when one is missing there. Read values only through the helpers below, which fail loudly
on a value they cannot understand instead of guessing.
"""

import importlib.util
import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from kindred.engine.schedule import ScheduleError, schedule_parse

BASE_DIR = Path(__file__).resolve().parent.parent
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    if raw.strip().lower() in _TRUE:
        return True
    if raw.strip().lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def installation_secret_key(var_dir: Path) -> str:
    """A random key made once for this installation and kept in `var_dir/secret_key` (owner-only).

    Used when DEBUG is on and SECRET_KEY is unset, so no two installations share a key that
    could forge their password-reset or e-mail links (a key written in the source would).
    """
    from django.core.management.utils import get_random_secret_key

    path = var_dir / "secret_key"
    var_dir.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text().strip()
        if len(key) < 50:
            raise ImproperlyConfigured(f"{path} holds no usable key; delete it to make a new one.") from None
        return key
    with os.fdopen(descriptor, "w") as stream:
        stream.write(get_random_secret_key() + "\n")
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", False)
VAR_DIR = Path(env_str("KINDRED_VAR_DIR", str(BASE_DIR / "var")))
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = installation_secret_key(VAR_DIR)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_NAME = env_str("SITE_NAME", "Kindred")

# Persistent connections by default: opening a PostgreSQL connection per request took the p95 of a
# 200-visitor load from 50 ms to 280 ms (issue #26). The health check re-opens a connection that
# died (a database restart) at the start of the next request instead of failing it.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'kindred.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 600),
        conn_health_checks=env_bool("DATABASE_CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env_bool("DATABASE_JIT", False):
    # PostgreSQL's JIT compiles a query whose *estimated* cost passes jit_above_cost: a web page's
    # query that runs in 1 ms but is over-estimated (a subquery of the person's networks read as
    # thousands of networks) spent 1.9 s compiling. The national load test's home page spent 1.7 s
    # of its 1.8 s there (issue #26, docs/deploying.md). Off for Kindred's own connections.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the background worker write while pages read; the busy timeout waits
    # for the other writer instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    # django.contrib.admin, with Kindred's admin site (kindred/core/admin_site.py).
    "kindred.core.admin_site.KindredAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    # Form widgets render through TEMPLATES, so core/overrides can mend the admin's widgets.
    "django.forms",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "kindred.core",
    "kindred.accounts",
    "kindred.audit",
    "kindred.schools",
    "kindred.evidence",
    "kindred.events",
    "kindred.library",
    "kindred.offers",
    "kindred.impact",
    "kindred.networks",
    "kindred.frameworks",
    "kindred.plans",
    "kindred.voice",
    "kindred.board",
    "kindred.brokering",
    # Pages that compose several apps (home, a school's page, the good-practice finder).
    "kindred.pages",
    # The HTTP API (/api/v1/) and its tokens, beside pages: reads through every app's selectors.
    "kindred.api",
    # The top layer: puts every app together (the national generator).
    "kindred.demo",
]

MIDDLEWARE = [
    # /health/ and /ready/ answer first: probes come by IP address over plain HTTP (core/health.py).
    "kindred.core.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Compresses HTML with gzip; Django pads each response with random bytes against BREACH
    # and masks the CSRF token per response (docs/performance.md says why this is safe).
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Drops bidirectional-override characters from what people submit (kindred/core/bidi.py).
    "kindred.core.bidi.BidiControlsMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in person's saved language wins over the cookie and the browser's.
    "kindred.accounts.middleware.UserLanguageMiddleware",
    # Numbers in Eastern Arabic digits on pages whose language EASTERN_ARABIC_DIGITS lists.
    "kindred.core.numerals.EasternDigitsMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "kindred.accounts.two_factor.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # A full disk while storing an upload: a 507 page saying nothing was saved (core/storage.py).
    "kindred.core.storage.StorageFullMiddleware",
    # Last, as django-axes asks: it turns a lock-out into the "too many attempts" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kindred.urls"
# A form refused by the CSRF check gets the site's own page, in the person's language.
CSRF_FAILURE_VIEW = "kindred.core.views.csrf_failure"
WSGI_APPLICATION = "kindred.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Overrides of third-party templates (the admin's, django-otp's) for accessibility.
        "DIRS": [BASE_DIR / "kindred" / "core" / "overrides"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kindred.core.context_processors.site",
                "kindred.accounts.context_processors.leader",
                "kindred.board.context_processors.unread",
            ],
        },
    }
]

FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

AUTH_USER_MODEL = "accounts.User"
# django-axes counts failed sign-ins before the ordinary backend checks the password.
AUTHENTICATION_BACKENDS = [
    "kindred.accounts.backends.SignInThrottleBackend",
    # E-mail and password (refused for all but the break-glass administrator with LOCAL_PASSWORDS off).
    "kindred.accounts.backends.PasswordBackend",
    # Records sign-ins through the identity provider (OpenID Connect) in the session; checks nothing.
    "kindred.accounts.backends.IdentityProviderBackend",
]
PASSWORD_HASHERS = [
    # Argon2id at OWASP's minimum (m = 19 MiB, t = 2, p = 1): ~19 ms of CPU and ~19 MiB a sign-in,
    # against ~0.2-0.33 s and 100 MiB at Django's defaults (kindred/accounts/hashers.py says why).
    # Hashes made with Django's defaults still verify and are re-hashed at the next sign-in.
    "kindred.accounts.hashers.KindredArgon2PasswordHasher",
    # Older hashes still verify, and are upgraded to Argon2 at the next sign-in.
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: each is named in itself in the language switch. LocaleMiddleware picks the language
# from the person's saved choice (accounts.middleware), else the language cookie, else the
# browser's Accept-Language, else LANGUAGE_CODE. Catalogues: kindred/locale (docs/translating.md).
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "en")
LANGUAGES = [("en", "English"), ("cy", "Cymraeg"), ("ar", "العربية")]
LOCALE_PATHS = [BASE_DIR / "kindred" / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Numbers, dates and separators per language (kindred/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["kindred.formats"]
# Languages whose numbers are written with Eastern Arabic digits (٠١٢٣…) rather than 0123. Unset
# (None): the country profile's `eastern_arabic_digits` decides (Egypt: Arabic); set, even empty,
# it overrides the profile for this installation.
EASTERN_ARABIC_DIGITS: list[str] | None = (
    env_list("EASTERN_ARABIC_DIGITS", []) if "EASTERN_ARABIC_DIGITS" in os.environ else None
)
# The country profile (kindred/countries/<COUNTRY>.yaml): its words for the registry's levels,
# phases, school types, school year, coordinate bounds and measure labels.
COUNTRY = env_str("COUNTRY", "eng")
# Several countries in one installation (docs/countries.md): the codes of the other profiles whose
# schools this installation holds (an exam board's communities in many countries, a ministry with
# devolved nations). COUNTRY stays the default: a school or region that names no country is in it.
# Unset, the installation has one country and behaves as it always did.
COUNTRIES = env_list("COUNTRIES", [])
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    # Django's file system storage, which removes a half-written file when the disk is full
    # (core/storage.py: a 507 page, nothing half-stored).
    "default": {"BACKEND": "kindred.core.storage.UploadStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Files served at the site's root by whitenoise, before sessions and the database: the installable
# web app's service worker, whose scope is the folder it is served from (kindred/core/webapp.py).
WHITENOISE_ROOT = BASE_DIR / "kindred" / "core" / "webroot"
MEDIA_ROOT = VAR_DIR / "media"
# Uploaded import files can be large (a national census is tens of megabytes).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 100 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Imports: the largest file an administrator may upload, and how long a failed import's upload is
# kept (for looking into it; a successful one's is deleted when its job ends). A school located
# outside the country profile's bounds (kindred/countries/<COUNTRY>.yaml) is refused on import.
IMPORT_UPLOAD_MAX_MB = env_int("IMPORT_UPLOAD_MAX_MB", 500)
IMPORT_FAILED_UPLOAD_DAYS = env_int("IMPORT_FAILED_UPLOAD_DAYS", 7)
# /ready/ fails when the uploads folder has less free space than this (core/health.py).
READY_MIN_FREE_DISK_MB = env_int("READY_MIN_FREE_DISK_MB", 500)

# `kindred serve` (core/management/commands/serve.py): where it listens and how many worker
# processes it starts (0: from the cores, 2 x cores + 1).
SERVE_BIND = env_str("SERVE_BIND", "127.0.0.1:8000")
SERVE_WORKERS = env_int("SERVE_WORKERS", 0)

# Background work: the database-backed queue by default; "redis" for larger installations.
TASKS_BACKEND = env_str("TASKS_BACKEND", "database")
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
if TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND == "redis":
    # The Redis queue is an extra, not in every install (pyproject.toml, requirements/redis.txt).
    if importlib.util.find_spec("django_tasks_rq") is None:
        raise ImproperlyConfigured(
            "TASKS_BACKEND=redis needs the `redis` extra, which is not installed: "
            "pip install --require-hashes --no-deps -r requirements/redis.txt (or pip install 'kindred[redis]')."
        )
    INSTALLED_APPS += ["django_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
elif TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be database, redis or immediate, not {TASKS_BACKEND!r}.")

# Accounts: sign-in throttling, invitations, two-factor sign-in.
# Sign-in throttling (kindred/accounts/throttle.py, docs/accounts.md): a progressive delay per
# e-mail address after LOGIN_FAILURE_LIMIT failures; a lock-out per client IP address after
# LOGIN_IP_FAILURE_LIMIT failures (django-axes); browsers that signed in before are exempt.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_IP_FAILURE_LIMIT = env_int("LOGIN_IP_FAILURE_LIMIT", 50)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
# How many reverse proxies in front of Kindred append to X-Forwarded-For (0: none, the client
# connects directly). The client IP is the address the nearest trusted proxy saw.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_FAILURE_LIMIT = LOGIN_IP_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
# A success must not reset the address's count: an attacker with an account of their own
# would sign in between guesses.
AXES_RESET_ON_SUCCESS = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_CLIENT_IP_CALLABLE = "kindred.accounts.throttle.client_ip"
AXES_WHITELIST_CALLABLE = "kindred.accounts.throttle.is_trusted_device"
# The sign-in form calls the e-mail field "username", as Django's AuthenticationForm does.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "kindred.accounts.throttle.sign_in_username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
INVITATION_DAYS = env_int("INVITATION_DAYS", 14)
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_HOURS", 24) * 3600
# Password-reset e-mails sent per hour, at most, to one address and for one client IP address.
PASSWORD_RESET_LIMIT_PER_ADDRESS = env_int("PASSWORD_RESET_LIMIT_PER_ADDRESS", 3)
PASSWORD_RESET_LIMIT_PER_IP = env_int("PASSWORD_RESET_LIMIT_PER_IP", 20)
EMAIL_VERIFICATION_DAYS = 7
# When on, site administrators and system leaders must use TOTP two-factor sign-in.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", False)
OTP_TOTP_ISSUER = SITE_NAME
# Two-factor secrets stay with their owner: the admin never shows a device's key or QR code (the
# device's config and QR-code pages answer 403 even to site administrators).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 730)
# Sign-in with the organisation's identity provider through OpenID Connect (kindred/accounts/oidc.py,
# docs/deploying.md "Signing in with the organisation's accounts"). Off while OIDC_ISSUER is empty.
# The provider's endpoints and keys come from its discovery document, OIDC_ISSUER/.well-known/...
OIDC_ISSUER = env_str("OIDC_ISSUER", "").strip().rstrip("/")
OIDC_CLIENT_ID = env_str("OIDC_CLIENT_ID", "")
OIDC_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET", "")
# The button says "Sign in with <OIDC_PROVIDER_NAME>" ("... your organisation's account" if empty).
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "")
OIDC_SCOPES = env_str("OIDC_SCOPES", "openid email profile")
# Whether a first sign-in with an address no account has makes an account (roles are still granted
# inside Kindred), and whether the provider must say it verified the address (email_verified).
OIDC_CREATE_ACCOUNTS = env_bool("OIDC_CREATE_ACCOUNTS", True)
OIDC_REQUIRE_EMAIL_VERIFIED = env_bool("OIDC_REQUIRE_EMAIL_VERIFIED", True)
OIDC_TIMEOUT_SECONDS = env_int("OIDC_TIMEOUT_SECONDS", 10)
# Kindred's own passwords: LOCAL_PASSWORDS=false refuses them for everyone but BREAK_GLASS_ADMIN (an
# e-mail address), who can still sign in with a password when the identity provider is down.
LOCAL_PASSWORDS = env_bool("LOCAL_PASSWORDS", True)
BREAK_GLASS_ADMIN = env_str("BREAK_GLASS_ADMIN", "").strip()
if OIDC_ISSUER:
    if not (OIDC_CLIENT_ID and OIDC_CLIENT_SECRET):
        raise ImproperlyConfigured("OIDC_ISSUER is set: set OIDC_CLIENT_ID and OIDC_CLIENT_SECRET too.")
    if not OIDC_ISSUER.startswith("https://") and not DEBUG:
        raise ImproperlyConfigured(f"OIDC_ISSUER must be an https:// address, not {OIDC_ISSUER!r}.")
    if "openid" not in OIDC_SCOPES.split():
        raise ImproperlyConfigured(f"OIDC_SCOPES must include openid, not {OIDC_SCOPES!r}.")
if not LOCAL_PASSWORDS:
    if not OIDC_ISSUER:
        raise ImproperlyConfigured("LOCAL_PASSWORDS=false needs OIDC_ISSUER: nobody else could sign in.")
    if "@" not in BREAK_GLASS_ADMIN:
        raise ImproperlyConfigured(
            "LOCAL_PASSWORDS=false needs BREAK_GLASS_ADMIN, the e-mail address of the administrator who "
            "may still sign in with a password when the identity provider is down."
        )
# Who sees other schools' support categories: "covered" (a school's own staff, the system
# leaders of its area and site admins) or "signed_in" (everyone signed in). docs/accounts.md.
SUPPORT_CATEGORIES_VISIBLE_TO = env_str("SUPPORT_CATEGORIES_VISIBLE_TO", "covered")
if SUPPORT_CATEGORIES_VISIBLE_TO not in {"covered", "signed_in"}:
    raise ImproperlyConfigured(
        f"SUPPORT_CATEGORIES_VISIBLE_TO must be covered or signed_in, not {SUPPORT_CATEGORIES_VISIBLE_TO!r}."
    )
# django-axes' records of failed sign-ins (address tried, IP, browser) are deleted by
# `kindred audit_prune` after this many days. Successful sign-ins are in the audit log only.
SIGN_IN_RECORD_DAYS = env_int("SIGN_IN_RECORD_DAYS", 30)
AXES_DISABLE_ACCESS_LOG = True

# Brokering and network formation (weights documented in kindred/engine/brokering.py's Weights).
BROKERING_WEIGHTS = env_str("BROKERING_WEIGHTS", "")
# Brokering beyond a region's border: regions with a school this close to one of the region's are its neighbours.
BROKERING_NEIGHBOUR_KM = env_int("BROKERING_NEIGHBOUR_KM", 25)

# Impact: what an hour of a school's staff costs, by their role at the school (docs/impact.md, "Costs"),
# in COST_CURRENCY, the currency every amount is entered and shown in.
COST_CURRENCY = env_str("COST_CURRENCY", "GBP").strip()
_STAFF_ROLES = {"leader", "teacher", "exams_officer", "administrator"}


def staff_hour_costs(raw: str) -> dict[str, float]:
    costs = {"leader": 50.0, "teacher": 35.0, "exams_officer": 22.0, "administrator": 20.0}
    for item in filter(None, (part.strip() for part in raw.split(","))):
        role, _sep, value = item.partition("=")
        try:
            number = float(value)
        except ValueError:
            number = -1.0
        if role.strip() not in _STAFF_ROLES or not 0 <= number < 10_000:
            raise ImproperlyConfigured(
                f"STAFF_HOUR_COSTS must look like leader=50,teacher=35 (roles: {', '.join(sorted(_STAFF_ROLES))}; "
                f"an amount from 0), not {raw!r}."
            )
        costs[role.strip()] = number
    return costs


STAFF_HOUR_COSTS = staff_hour_costs(env_str("STAFF_HOUR_COSTS", ""))
# A supporter's default capacity: one school per started BROKERING_PUPILS_PER_PARTNER pupils, between
# BROKERING_CAPACITY_MIN and BROKERING_CAPACITY_MAX (docs/brokering.md); a school may set its own.
BROKERING_PUPILS_PER_PARTNER = env_int("BROKERING_PUPILS_PER_PARTNER", 200)
BROKERING_CAPACITY_MIN = env_int("BROKERING_CAPACITY_MIN", 1)
BROKERING_CAPACITY_MAX = env_int("BROKERING_CAPACITY_MAX", 3)
if not 0 <= BROKERING_CAPACITY_MIN <= BROKERING_CAPACITY_MAX:
    raise ImproperlyConfigured("BROKERING_CAPACITY_MIN and _MAX must satisfy 0 <= MIN <= MAX.")
# Formation's "contrasting localities" rule (docs/brokering.md): every network of a web formation run
# has a school from the least and one from the most deprived third, by this context measure.
FORMATION_CONTRASTING_DEPRIVATION = env_bool("FORMATION_CONTRASTING_DEPRIVATION", False)
FORMATION_DEPRIVATION_MEASURE = env_str("FORMATION_DEPRIVATION_MEASURE", "fsm_pct")
TRAVEL_DETOUR_PERCENT = env_int("TRAVEL_DETOUR_PERCENT", 130)
TRAVEL_SPEED_KMH = env_int("TRAVEL_SPEED_KMH", 40)

# Security headers and cookies. HTTPS is assumed when DEBUG is off; behind a proxy that
# terminates TLS, set BEHIND_TLS_PROXY=true so Django trusts its X-Forwarded-Proto header.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content Security Policy (django-csp 4): everything from our own origin, nothing inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "kindred@localhost")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# With EMAIL_BACKEND=kindred.core.mail.OneFileEmailBackend (the demo): the file every e-mail is appended to.
EMAIL_FILE = env_str("EMAIL_FILE", "")
# The address people reach Kindred at, for links in e-mails sent outside a request (digests).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# Replies by e-mail (docs/board.md, "Replying by e-mail"): the domain of the reply addresses
# (reply+<token>@REPLY_DOMAIN) put on e-mails about posts; its mail must reach `kindred mail-in`
# (docs/deploying.md, "Replies by e-mail"). Empty: e-mails carry no reply address.
REPLY_DOMAIN = env_str("REPLY_DOMAIN", "").strip().lower()
if REPLY_DOMAIN and not re.fullmatch(r"[a-z0-9]([a-z0-9.-]*[a-z0-9])?", REPLY_DOMAIN):
    raise ImproperlyConfigured(
        f"REPLY_DOMAIN must be a domain name such as reply.example.org, not {REPLY_DOMAIN!r}."
    )
# Web push notifications (docs/board.md, "Push notifications"; docs/deploying.md, "Web push"): the
# installation's VAPID private key (RFC 8292), base64url of the 32-byte P-256 secret, as written by
# `kindred vapid_keys`; empty: no push, e-mail only. The subject push services may contact about
# it (mailto: or https:). The push services Kindred sends to: a browser's subscription naming any
# other address is refused, so nobody can make the server post to a host of their choosing.
VAPID_PRIVATE_KEY = env_str("VAPID_PRIVATE_KEY", "").strip()
if VAPID_PRIVATE_KEY and not re.fullmatch(r"[A-Za-z0-9_-]{43}=?", VAPID_PRIVATE_KEY):
    raise ImproperlyConfigured(
        "VAPID_PRIVATE_KEY must be the base64url text of a 32-byte key, as `kindred vapid_keys` writes it."
    )
VAPID_SUBJECT = env_str("VAPID_SUBJECT", "").strip()
if VAPID_SUBJECT and not re.match(r"(mailto:\S+@\S+|https://\S+)$", VAPID_SUBJECT):
    raise ImproperlyConfigured(
        f"VAPID_SUBJECT must be mailto:someone@example.org or an https:// address, not {VAPID_SUBJECT!r}."
    )
PUSH_SERVICES = env_list(
    "PUSH_SERVICES",
    [
        "https://fcm.googleapis.com",
        "https://updates.push.services.mozilla.com",
        "https://web.push.apple.com",
        "https://*.notify.windows.com",
    ],
)
for _service in PUSH_SERVICES:
    if not re.fullmatch(r"https?://(\*\.)?[A-Za-z0-9.-]+(:[0-9]+)?", _service):
        raise ImproperlyConfigured(
            f"PUSH_SERVICES: {_service!r} is not an address such as https://push.example.org or "
            "https://*.example.org."
        )
# Messageboard: the largest attachment, and the hour (in TIME_ZONE) the worker sends digests.
BOARD_ATTACHMENT_MAX_BYTES = env_int("BOARD_ATTACHMENT_MAX_KB", 10 * 1024) * 1024
DIGEST_HOUR = env_int("DIGEST_HOUR", 7)
# Scheduled jobs, run by the worker when `kindred scheduler` queues them (docs/deploying.md,
# "Scheduled jobs"): "HH:MM" every day (TIME_ZONE), ":MM" every hour at that minute, or "off".
SCHEDULE = {
    "digest": env_str("SCHEDULE_DIGEST", f"{DIGEST_HOUR:02d}:00"),
    "event_reminders": env_str("SCHEDULE_EVENT_REMINDERS", ":00"),
    "audit_prune": env_str("SCHEDULE_AUDIT_PRUNE", "03:00"),
    "uploads_clean": env_str("SCHEDULE_UPLOADS_CLEAN", "03:30"),
    "recompute": env_str("SCHEDULE_RECOMPUTE", "off"),
}
for _job, _text in SCHEDULE.items():
    try:
        SCHEDULE[_job] = str(schedule_parse(_text))
    except ScheduleError as _error:
        raise ImproperlyConfigured(f"SCHEDULE_{_job.upper()}: {_error}") from None
# Per-person limits on writing (docs/accounts.md, "Hardening, round two"); 0 turns one off.
BOARD_POSTS_PER_MINUTE = env_int("BOARD_POSTS_PER_MINUTE", 10)
BOARD_POSTS_PER_HOUR = env_int("BOARD_POSTS_PER_HOUR", 120)
BOARD_THREADS_PER_HOUR = env_int("BOARD_THREADS_PER_HOUR", 10)
BOARD_MENTIONS_PER_POST = env_int("BOARD_MENTIONS_PER_POST", 20)
JOIN_REQUESTS_PER_DAY = env_int("JOIN_REQUESTS_PER_DAY", 20)
# Groups from below (docs/networks.md, "Informal groups"): the kinds of network any member of
# staff may start as an informal group (empty: none), and how many open ones one person may have
# started at a time (0: no limit).
INFORMAL_GROUP_KINDS = env_list("INFORMAL_GROUP_KINDS", ["subject", "exams_officers", "community"])
INFORMAL_GROUPS_PER_PERSON = env_int("INFORMAL_GROUPS_PER_PERSON", 3)
_unknown_group_kinds = set(INFORMAL_GROUP_KINDS) - {"community", "cluster", "subject", "exams_officers"}
if _unknown_group_kinds:
    raise ImproperlyConfigured(
        f"INFORMAL_GROUP_KINDS: {', '.join(sorted(_unknown_group_kinds))} cannot be started as informal "
        "groups (choose from community, cluster, subject, exams_officers; a partnership is between schools)."
    )
# The HTTP API (docs/api.md): requests one token may make in a minute (429 past it; 0: no limit),
# and the longest a token may last.
API_REQUESTS_PER_MINUTE = env_int("API_REQUESTS_PER_MINUTE", 120)
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 366)
if API_TOKEN_MAX_DAYS < 1:
    raise ImproperlyConfigured(f"API_TOKEN_MAX_DAYS must be at least 1, not {API_TOKEN_MAX_DAYS}.")
# Sent (and set-aside) e-mails in the outbox hold addresses, names and post excerpts: each
# `kindred digest` run deletes those older than this many days (docs/privacy.md).
OUTBOX_RETENTION_DAYS = env_int("OUTBOX_RETENTION_DAYS", 30)
if OUTBOX_RETENTION_DAYS < 1:
    raise ImproperlyConfigured(f"OUTBOX_RETENTION_DAYS must be at least 1, not {OUTBOX_RETENTION_DAYS}.")

# Bulk provisioning (`kindred import people`): whether the accounts it creates are queued for a
# welcome e-mail (off when people sign in through the organisation's identity provider), and how
# many welcome e-mails `kindred welcome` sends in any hour.
PEOPLE_IMPORT_WELCOME = env_bool("PEOPLE_IMPORT_WELCOME", True)
WELCOME_EMAILS_PER_HOUR = env_int("WELCOME_EMAILS_PER_HOUR", 5000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Events: how many days of past events a calendar feed still carries.
EVENTS_FEED_PAST_DAYS = env_int("EVENTS_FEED_PAST_DAYS", 90)

# Library: the largest file one may share, in megabytes.
LIBRARY_MAX_UPLOAD_MB = env_int("LIBRARY_MAX_UPLOAD_MB", 20)
