"""Masthead's settings, read from the environment with safe defaults.

Every value an operator may change comes from an environment variable; the README
lists them. Nothing here needs editing for a deployment: the embedded default is
SQLite under ``var/`` and a secret key generated there on first run.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    """Return the boolean value of environment variable `name`."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}: expected true or false, got {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    """Return environment variable `name` split on commas, blanks dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item]


VAR_DIR = Path(os.environ.get("MASTHEAD_VAR_DIR", "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def secret_key() -> str:
    """Return SECRET_KEY, or the key kept under var/, made on first run."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(50)
        # O_EXCL: two processes starting at once must not write two keys.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_text().strip()
        with os.fdopen(fd, "w") as file:
            file.write(key)
        return key


SECRET_KEY = secret_key()
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "masthead",
    "masthead.text",
    "masthead.authors",
    "masthead.articles",
    "masthead.pages",
    "masthead.comments",
    "masthead.feeds",
    "masthead.seo",
    "masthead.wordpress",
    "masthead.pagecache",
    "masthead.publishing",
    "django.contrib.sitemaps",
    "masthead.demo",
]

MIDDLEWARE = [
    "masthead.scriptprefix.ScriptPrefixMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "masthead.pagecache.middleware.CachePolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "masthead.wordpress.middleware.WordPressRedirectMiddleware",
    "masthead.pagecache.middleware.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "masthead.urls"
WSGI_APPLICATION = "masthead.wsgi.application"

# A newsroom re-themes the site from one folder: templates there win over ours,
# and its css/site.css replaces ours (see the README, "Theming").
THEME_DIR = os.environ.get("MASTHEAD_THEME_DIR")
TEMPLATES = [
    # Reader pages, feeds' alternates, sitemaps, robots.txt: Jinja2, from each
    # app's jinja2/ folder (masthead.templating says why).
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [Path(THEME_DIR) / "templates"] if THEME_DIR else [],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "masthead.templating.environment",
            "context_processors": ["masthead.context_processors.site"],
        },
    },
    # The newsroom admin.
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def database() -> dict:
    """Return the default database from DATABASE_URL, or SQLite under var/."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        url = f"sqlite:///{VAR_DIR / 'masthead.sqlite3'}"
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers go on while a writer commits; IMMEDIATE takes the
        # write lock at BEGIN, so concurrent writers wait instead of failing,
        # and masthead.sqlite queues them for it (no polling).
        config["ENGINE"] = "masthead.sqlite"
        # Each thread keeps its connection: opening one and running the PRAGMAs
        # below cost about 3 ms of every uncached page.
        config["CONN_MAX_AGE"] = None
        config["CONN_HEALTH_CHECKS"] = False
        config["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                " PRAGMA busy_timeout=5000;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
    return config


DATABASES = {"default": database()}


# publish-files also writes a brotli copy of each page (FILE.br): only worth it
# when the web server sends them (nginx with the brotli_static module).
MASTHEAD_FILES_BROTLI = env_bool("MASTHEAD_FILES_BROTLI")

# Caches: in this process's memory by default; Redis, shared by every app
# server, when REDIS_URL is set. "pages" holds rendered public pages.
REDIS_URL = os.environ.get("REDIS_URL", "")
MASTHEAD_PAGE_CACHE = env_bool("MASTHEAD_PAGE_CACHE", default=True)
MASTHEAD_PAGE_CACHE_SHARED = bool(REDIS_URL)
# Pages each server process keeps in its own memory (MB), before Redis if any.
MASTHEAD_PAGE_CACHE_LOCAL_MB = int(os.environ.get("MASTHEAD_PAGE_CACHE_LOCAL_MB", "64"))
# The longest a stored page lives, whatever else happens (seconds).
MASTHEAD_PAGE_CACHE_SECONDS = int(
    os.environ.get("MASTHEAD_PAGE_CACHE_SECONDS", "86400")
)
if REDIS_URL:
    CACHES = {
        name: {
            # Django's, going on without Redis when it fails (readers' pages
            # are made again rather than refused).
            "BACKEND": "masthead.pagecache.backends.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"masthead:{name}",
        }
        for name in ("default", "pages")
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        # Unused without Redis: pages live in each process (masthead.pagecache).
        "pages": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
# What a CDN may do with public pages: keep them MASTHEAD_CDN_MAX_AGE seconds,
# serve them stale while it fetches a fresh copy, and when Masthead is down.
MASTHEAD_CDN_MAX_AGE = int(os.environ.get("MASTHEAD_CDN_MAX_AGE", "60"))
MASTHEAD_CDN_STALE_SECONDS = int(os.environ.get("MASTHEAD_CDN_STALE_SECONDS", "600"))
MASTHEAD_CDN_STALE_IF_ERROR_SECONDS = int(
    os.environ.get("MASTHEAD_CDN_STALE_IF_ERROR_SECONDS", "86400")
)
# A request body longer than this is refused (413) before it is read, by
# `masthead serve`; nginx's client_max_body_size does the same in front of it.
MASTHEAD_MAX_REQUEST_BYTES = (
    int(os.environ.get("MASTHEAD_MAX_REQUEST_MB", "32")) * 2**20
)
# All the bodies a `masthead serve` worker holds at once (read, or waiting for
# their thread): past this, a request gets 503 and Retry-After.
MASTHEAD_MAX_BUFFERED_BYTES = (
    int(os.environ.get("MASTHEAD_MAX_BUFFERED_MB", "128")) * 2**20
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]
]

LANGUAGE_CODE = os.environ.get("MASTHEAD_LANGUAGE", "en")
TIME_ZONE = os.environ.get("MASTHEAD_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [Path(THEME_DIR) / "static"] if THEME_DIR else []
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Asset URLs carry a content hash, so browsers may keep them for a year.
WHITENOISE_MAX_AGE = 365 * 24 * 3600

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Readers' pages (not the admin) load nothing from another site: the policy
# makes the browser hold them to it, a video's player excepted, which
# static/masthead/js/embed.js loads only on the reader's click. Its
# frame-ancestors says what X-Frame-Options says, so they do not send both.
# deploy/nginx.conf carries the same default for the pages it serves as files.
MASTHEAD_CONTENT_SECURITY_POLICY_DEFAULT = (
    "default-src 'self'; frame-src https://www.youtube-nocookie.com"
    " https://player.vimeo.com; object-src 'none'; base-uri 'self';"
    " form-action 'self'; frame-ancestors 'none'"
)
MASTHEAD_CONTENT_SECURITY_POLICY = os.environ.get(
    "MASTHEAD_CONTENT_SECURITY_POLICY", MASTHEAD_CONTENT_SECURITY_POLICY_DEFAULT
)
# Production is served over TLS: cookies travel only over HTTPS and browsers are
# told to stay on HTTPS. MASTHEAD_SECURE=false is for plain-HTTP local use
# (`make demo` sets it).
SECURE = env_bool("MASTHEAD_SECURE", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_HSTS_SECONDS = int(
    os.environ.get("MASTHEAD_HSTS_SECONDS", 365 * 24 * 3600 if SECURE else 0)
)
# The TLS proxy in front (deploy/) answers plain HTTP with a redirect; doing it
# here too would loop when the proxy's header is not trusted, so it is opt-in.
SECURE_SSL_REDIRECT = env_bool("MASTHEAD_SSL_REDIRECT")
# Whether every subdomain is on HTTPS, and whether to ask browsers to preload
# HSTS, only the operator knows: both are opt-in, so their checks are quiet.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("MASTHEAD_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("MASTHEAD_HSTS_PRELOAD")
SILENCED_SYSTEM_CHECKS = [
    check
    for check, is_set in [
        ("security.W008", SECURE_SSL_REDIRECT),
        ("security.W005", SECURE_HSTS_INCLUDE_SUBDOMAINS),
        ("security.W021", SECURE_HSTS_PRELOAD),
    ]
    if not is_set
]
if env_bool("MASTHEAD_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Masthead's own settings (MASTHEAD_<APP>_<NAME>); the README documents each.
MASTHEAD_SITE_NAME = os.environ.get("MASTHEAD_SITE_NAME", "Masthead")
MASTHEAD_SITE_TAGLINE = os.environ.get(
    "MASTHEAD_SITE_TAGLINE", "Independent reporting, published with Masthead"
)
MASTHEAD_TEXT_WORDS_PER_MINUTE = int(
    os.environ.get("MASTHEAD_TEXT_WORDS_PER_MINUTE", "200")
)
MASTHEAD_TEXT_CJK_CHARACTERS_PER_MINUTE = int(
    os.environ.get("MASTHEAD_TEXT_CJK_CHARACTERS_PER_MINUTE", "500")
)
MASTHEAD_ARTICLES_PER_PAGE = int(os.environ.get("MASTHEAD_ARTICLES_PER_PAGE", "10"))
MASTHEAD_ARTICLES_LATEST_COUNT = 5
# The site's public address, for links in emails, feeds and sitemaps.
MASTHEAD_SITE_URL = os.environ.get("MASTHEAD_SITE_URL", "http://127.0.0.1:8000")

# Comments (see README, "Comments").
MASTHEAD_COMMENTS_KEY = os.environ.get("MASTHEAD_COMMENTS_KEY")
# "all": every comment waits for a moderator; "known": commenters with an
# approved comment are approved at once (WordPress's default); "none": every
# comment the spam checks pass is approved.
MASTHEAD_COMMENTS_MODERATION = os.environ.get("MASTHEAD_COMMENTS_MODERATION", "all")
MASTHEAD_COMMENTS_MAX_DEPTH = int(os.environ.get("MASTHEAD_COMMENTS_MAX_DEPTH", "3"))
MASTHEAD_COMMENTS_MAX_LENGTH = 5000
MASTHEAD_COMMENTS_MAX_LINKS = 2
MASTHEAD_COMMENTS_CLOSE_AFTER_DAYS = int(
    os.environ.get("MASTHEAD_COMMENTS_CLOSE_AFTER_DAYS", "0")
)
MASTHEAD_COMMENTS_PERSONAL_DATA_DAYS = int(
    os.environ.get("MASTHEAD_COMMENTS_PERSONAL_DATA_DAYS", "30")
)


def env_rate_limits(name: str, default: str) -> list[tuple[int, int]]:
    """Return "5/60,30/3600" (5 per minute, 30 per hour) as pairs; "off": none."""
    value = os.environ.get(name, default).strip()
    if value.lower() == "off":
        return []
    try:
        return [
            (int(count), int(seconds))
            for count, seconds in (pair.split("/") for pair in value.split(","))
        ]
    except ValueError:
        raise ImproperlyConfigured(
            f"{name}: expected COUNT/SECONDS pairs such as 5/60,30/3600 or off,"
            f" got {value!r}"
        ) from None


MASTHEAD_COMMENTS_RATE_LIMITS = {
    "ip": env_rate_limits("MASTHEAD_COMMENTS_RATE_LIMIT_IP", "5/60,30/3600"),
    "email": env_rate_limits("MASTHEAD_COMMENTS_RATE_LIMIT_EMAIL", "3/60,20/3600"),
}
MASTHEAD_COMMENTS_LEARNED_MINIMUM = 20
MASTHEAD_COMMENTS_MODERATOR_EMAILS = env_list("MASTHEAD_COMMENTS_MODERATOR_EMAILS")
# At most this many "new comment" emails in any window (COUNT/SECONDS pairs, or
# off): during a flood of comments, the rest wait in the queue without a mail.
MASTHEAD_COMMENTS_NOTIFY_LIMITS = env_rate_limits(
    "MASTHEAD_COMMENTS_NOTIFY_LIMIT", "10/600"
)

# Feeds: how many items, and whether they carry the whole article or only its
# standfirst.
MASTHEAD_FEEDS_ITEMS = int(os.environ.get("MASTHEAD_FEEDS_ITEMS", "20"))
MASTHEAD_FEEDS_FULL_CONTENT = env_bool("MASTHEAD_FEEDS_FULL_CONTENT", default=True)

# Search engines and social cards: the logo in structured data (a URL or a path
# on this site), the outlet's own profiles, and its handle on X/Twitter.
MASTHEAD_SITE_LOGO = os.environ.get("MASTHEAD_SITE_LOGO", "")
MASTHEAD_SOCIAL_LINKS = env_list("MASTHEAD_SOCIAL_LINKS")
MASTHEAD_TWITTER_HANDLE = os.environ.get("MASTHEAD_TWITTER_HANDLE", "")
