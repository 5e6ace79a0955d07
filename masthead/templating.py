"""The Jinja2 environment of the reader pages: every filter and helper they use.

Reader pages are rendered with Jinja2 rather than Django's template language
because a page is rendered on every cache miss and for every file
publish-files writes: Jinja2 compiles a template to Python once, and the
article page with 50 comments renders many times faster (bench/README.md).
The newsroom admin keeps Django's templates.

A helper that prints a block of markup from its own template (the comment
section, the SEO metadata) is an `inclusion`: a function that returns the
context, and the template it fills, both overridable by a theme.
"""

from collections.abc import Callable
from datetime import datetime, tzinfo
from functools import lru_cache, wraps

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import get_urlconf, reverse
from django.utils import timezone, translation
from django.utils.dates import MONTHS
from django.utils.text import Truncator
from jinja2 import Environment, pass_context
from markupsafe import Markup

from masthead.scriptprefix import script_prefix
from masthead.text.plaintext import without_controls

# The formats reader pages print a moment in, by name: %-formats of a
# mapping (day, month, year, hour, minute), the month by its name. Measured
# against str.format with the same fields, 2.4 µs against 4.3 µs a date.
DATE_STYLES = {
    # 27 November 2026
    "date": "%(day)d %(month)s %(year)d",
    # 27 November 2026, 08:30
    "minute": "%(day)d %(month)s %(year)d, %(hour)02d:%(minute)02d",
    # 27 November 2026 at 08:30: a comment's date
    "said": "%(day)d %(month)s %(year)d at %(hour)02d:%(minute)02d",
}


def site_zone() -> tzinfo:
    """Return the newsroom's time zone (MASTHEAD_TIME_ZONE), which pages print in.

    Reader pages are the same for every reader (they are cached and written
    to files), so they use the site's zone and language, never a reader's.
    Django's `localtime()` looks the current zone up on each call, through a
    context-aware local that costs microseconds: the comment thread printed
    two dates per comment, and the lookups took a fifth of the render.
    """
    return timezone.get_default_timezone()


@lru_cache(maxsize=16)
def month_names(language: str) -> tuple[str, ...]:
    """Return the months' names in `language`, January first at index 1."""
    with translation.override(language):
        return ("", *(str(MONTHS[number]) for number in range(1, 13)))


def iso_datetime(value: datetime | None) -> str:
    """Return `value` in the site's time zone as ISO 8601, to the second."""
    if not value:
        return ""
    return value.astimezone(site_zone()).isoformat(timespec="seconds")


def date_text(value: datetime | None, style: str = "date") -> str:
    """Return `value` in the site's time zone as readers read it (DATE_STYLES).

    Django's `date` filter parses its format on every call; the article page
    prints a date per comment, so the few formats used are written out here.
    """
    if not value:
        return ""
    local = value.astimezone(site_zone())
    return _written(local, DATE_STYLES[style], month_names(settings.LANGUAGE_CODE))


def dates_writer(style: str) -> Callable[[datetime], tuple[str, str]]:
    """Return a function of a moment giving its `iso_datetime` and its
    `date_text` in `style`, the zone and the month names found once.

    For a loop over many moments (a thread's comments), where looking them
    up (the language through Django's settings object) was a third of a call.
    """
    zone, months = site_zone(), month_names(settings.LANGUAGE_CODE)
    form = DATE_STYLES[style]

    def write(value: datetime) -> tuple[str, str]:
        local = value.astimezone(zone)
        return local.isoformat(timespec="seconds"), _written(local, form, months)

    return write


def _written(local: datetime, form: str, months: tuple[str, ...]) -> str:
    """Return the moment `local` (already in the site's zone) in the style `form`."""
    return form % {
        "day": local.day,
        "month": months[local.month],
        "year": local.year,
        "hour": local.hour,
        "minute": local.minute,
    }


def plural(count: int, suffix: str = "s") -> str:
    """Return `suffix` unless `count` is one: "comment" + plural(n)."""
    return "" if count == 1 else suffix


def truncate_text(value: str, length: int) -> str:
    """Return `value` cut to `length` characters, an ellipsis included."""
    return Truncator(value).chars(length)


def xml_text(value) -> str:
    """Return `value` without the control characters XML 1.0 cannot hold."""
    return without_controls(str(value))


@lru_cache(maxsize=256)
def static_url(path: str) -> str:
    """Return a static file's address, looked up once per process.

    The manifest of hashed names is fixed while a process runs; each lookup
    cost 25 µs (five on every page). Cleared when settings change (tests).
    """
    return static(path)


@receiver(setting_changed)
def _forget_remembered_urls(*, setting, **kwargs):
    if setting in ("STATIC_URL", "STORAGES", "STATIC_ROOT"):
        static_url.cache_clear()
    if setting == "ROOT_URLCONF":
        _reversed.cache_clear()


def url(name: str, *args, **kwargs) -> str:
    """Return the address of the view `name`, as Django's reverse() does.

    Remembered per process for plain (int or str) arguments: reverse() took
    86 µs a call, and every page asks for the home page's address, the
    article page for its comment form's too.
    """
    values = (*args, *kwargs.values())
    if not all(value.__class__ in (int, str) for value in values):
        return reverse(name, args=args or None, kwargs=kwargs or None)
    return _reversed(name, args, tuple(kwargs.items()), script_prefix(), get_urlconf())


@lru_cache(maxsize=1024)
def _reversed(name: str, args: tuple, kwargs: tuple, prefix: str, urlconf) -> str:
    # `prefix` is in the key only: reverse() reads the script prefix itself.
    return reverse(name, urlconf, args=args or None, kwargs=dict(kwargs) or None)


def inclusion(template_name: str) -> Callable:
    """Make `function(context, …) -> dict` print `template_name` filled with it.

    The function gets the calling template's context first (request, the
    page's own variables), as Django's `takes_context` inclusion tags did.
    """

    def decorate(function: Callable) -> Callable:
        @pass_context
        @wraps(function)
        def include(context, *args, **kwargs):
            values = function(context, *args, **kwargs)
            template = context.environment.get_template(template_name)
            return Markup(template.render(context.get_all() | values))

        return include

    return decorate


def environment(**options) -> Environment:
    """Return the environment Django's Jinja2 backend renders reader pages with."""
    # Imported here: the apps' modules import models, which need the app
    # registry, and Django builds the environment while setting up.
    from masthead.comments.display import comment_fields, comment_section
    from masthead.seo.meta import article_meta, author_meta, home_meta

    env = Environment(**options)
    env.globals.update(
        static=static_url,
        url=url,
        now=timezone.localtime,
        language_code=settings.LANGUAGE_CODE,
        comment_section=comment_section,
        comment_fields=comment_fields,
        article_meta=article_meta,
        author_meta=author_meta,
        home_meta=home_meta,
    )
    env.filters.update(
        iso_datetime=iso_datetime,
        date_text=date_text,
        plural=plural,
        truncate_text=truncate_text,
        xml_text=xml_text,
    )
    return env
