"""The comments app: "Leave a Reply", moderation, spam checks, commenter privacy."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "masthead.comments"
    verbose_name = _("Comments")
