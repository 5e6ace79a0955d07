"""The articles app: articles, sections, tags and the pages that list them."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "masthead.articles"
    verbose_name = _("Articles")
