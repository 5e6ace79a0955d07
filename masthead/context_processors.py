"""Template context shared by every reader page: site name and menus."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from masthead.memo import per_generation


def site(request):
    """Return the site's name, tagline and menus; menus query only when shown.

    The menus are the same on every page until content changes: they are read
    once per content generation.
    """
    from masthead.articles.models import Section
    from masthead.pages.models import Page

    return {
        "site_name": settings.MASTHEAD_SITE_NAME,
        "site_tagline": settings.MASTHEAD_SITE_TAGLINE,
        "menu_sections": SimpleLazyObject(
            lambda: per_generation(
                "menu:sections", lambda: list(Section.objects.filter(parent=None))
            )
        ),
        "menu_pages": SimpleLazyObject(
            lambda: per_generation("menu:pages", lambda: list(Page.objects.in_menu()))
        ),
    }
