"""Signals the comments app sends; higher apps (the page cache) listen."""

from django.dispatch import Signal

# Sent when articles' approved-comment counts were stored again, with
# `article_ids`: their pages and listings changed, though no model signal said so.
comments_counted = Signal()
