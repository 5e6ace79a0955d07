"""Template filters shared by every theme."""

from django import template
from django.utils import timezone

from masthead.text.plaintext import without_controls

register = template.Library()


@register.filter
def iso_datetime(value):
    """Return `value` in the site's time zone as ISO 8601, to the second."""
    if not value:
        return ""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


@register.filter
def xml_text(value):
    """Return `value` without the control characters XML 1.0 cannot hold."""
    return without_controls(str(value))
