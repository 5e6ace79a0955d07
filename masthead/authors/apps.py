"""The authors app: who writes, with or without a login."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuthorsConfig(AppConfig):
    name = "masthead.authors"
    verbose_name = _("Authors")
