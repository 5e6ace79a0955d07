"""The seo app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeoConfig(AppConfig):
    name = "masthead.seo"
    verbose_name = _("Search presence")
