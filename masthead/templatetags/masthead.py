"""Template filters shared by every theme."""

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def iso_datetime(value):
    """Return `value` in the site's time zone as ISO 8601, to the second."""
    if not value:
        return ""
    return timezone.localtime(value).replace(microsecond=0).isoformat()
