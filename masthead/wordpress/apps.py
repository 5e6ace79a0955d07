"""The wordpress app: `masthead import-wordpress` and old permalinks."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WordpressConfig(AppConfig):
    name = "masthead.wordpress"
    verbose_name = _("WordPress import")
