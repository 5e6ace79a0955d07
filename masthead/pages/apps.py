"""The pages app: static pages such as About and Contact."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "masthead.pages"
    verbose_name = _("Static pages")
