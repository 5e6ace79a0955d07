"""The text app: pure text rules (read time, Markdown, sanitizing), no models."""

from django.apps import AppConfig


class TextConfig(AppConfig):
    name = "masthead.text"
    verbose_name = "Text rules"
