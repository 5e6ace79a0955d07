"""The moderation queue: pending, approved, spam and trash, with bulk actions."""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from masthead import search as words_search
from masthead.articles.models import Article
from masthead.comments import search
from masthead.comments.models import BlockedTerm, Comment, SpamFilterState
from masthead.comments.privacy import email_digest
from masthead.comments.services import comments_moderate

ACTIONS = [
    ("approve", Comment.Status.APPROVED, _("Approve")),
    ("unapprove", Comment.Status.PENDING, _("Unapprove (back to pending)")),
    ("mark_spam", Comment.Status.SPAM, _("Mark as spam")),
    ("not_spam", Comment.Status.APPROVED, _("Not spam (approve)")),
    ("trash", Comment.Status.TRASH, _("Move to trash")),
    ("restore", Comment.Status.PENDING, _("Restore from trash (to pending)")),
]


def moderation_action(name, status, label):
    def action(modeladmin, request, queryset):
        count = comments_moderate(comments=list(queryset), status=status)
        modeladmin.message_user(
            request,
            ngettext("%(count)d comment changed.", "%(count)d comments changed.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    action.__name__ = name
    return admin.action(description=label)(action)


class ArticleFilter(admin.SimpleListFilter):
    """The queue of one article, reached from a comment's "all on this article".

    Django's related filters list every article that has a comment, each with
    its count: at 100,000 articles a sidebar of tens of thousands of links,
    and a count query with a column per article, more than SQLite allows
    ("too many columns in result set"). This one shows the article chosen.
    """

    title = _("article")
    parameter_name = "article__id__exact"  # the address Django's filter used

    def lookups(self, request, model_admin):
        # Django applies a filter only while it offers a choice: an address
        # naming no article must still show none of the comments.
        chosen = self.value()
        if chosen is None:
            return []
        pk, headline = self.article_id(), None
        if pk is not None:
            found = Article.objects.filter(pk=pk).values_list("headline", flat=True)
            headline = found.first()
        return [(chosen, headline or _("no such article"))]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        pk = self.article_id()
        return queryset.none() if pk is None else queryset.filter(article_id=pk)

    def article_id(self) -> int | None:
        """The id the address names, if it can be one (a 64-bit integer)."""
        chosen = self.value() or ""
        return (
            int(chosen)
            if chosen.isascii() and chosen.isdigit() and len(chosen) < 19
            else None
        )


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = [
        "excerpt",
        "author_name",
        "article_link",
        "status",
        "created_at",
        "checks_flagged",
    ]
    list_filter = ["status", ArticleFilter]
    show_facets = admin.ShowFacets.ALWAYS
    list_select_related = ["article"]
    # Newest first. No date hierarchy: its list of years read every comment
    # through a date function, 2.6-4.5 s a page at a million comments (SQLite).
    ordering = ["-created_at", "-pk"]
    search_fields = ["author_name", "body"]
    search_help_text = _(
        "Search names and text; an email address finds that commenter's comments."
    )
    actions = [moderation_action(*spec) for spec in ACTIONS]
    fields = [
        "in_context",
        "author_name",
        "author_url",
        "body",
        "status",
        "created_at",
        "checks_flagged",
        "spam_score",
    ]
    readonly_fields = ["in_context", "created_at", "checks_flagged", "spam_score"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request):
        return False  # comments come from readers

    def get_search_results(self, request, queryset, search_term):
        """Find the comments holding every word of `search_term`, each in the
        name or the text, through the comments' index of words
        (masthead.comments.search); or an email address's comments.

        Django's own search read every comment with LIKE: at a million
        comments, 0.6–1.0 s a search on SQLite and 1.2–2.3 s on PostgreSQL
        (bench/README.md).
        """
        # The email is never stored in clear: match its keyed hash instead.
        if "@" in search_term:
            return queryset.filter(email_digest=email_digest(search_term)), False
        if not search_term.strip():
            return queryset, False
        found = words_search.words(search_term)
        if not found:  # punctuation alone: no word can match
            return queryset.none(), False
        holding = search.COMMENTS.holding(found, words_search.kept_for(request))
        return queryset.filter(holding), False

    @admin.display(description=_("comment"))
    def excerpt(self, comment):
        return Truncator(comment.body).chars(90)

    @admin.display(description=_("article"), ordering="article__headline")
    def article_link(self, comment):
        return format_html(
            '<a href="{}">{}</a> <a class="queue-of-article" href="?{}={}">{}</a>',
            comment.get_absolute_url(),
            comment.article.headline,
            ArticleFilter.parameter_name,
            comment.article_id,
            _("(all on this article)"),
        )

    @admin.display(description=_("in context"))
    def in_context(self, comment):
        parent = comment.parent
        return format_html(
            '{}: <a href="{}">{}</a>{}',
            _("On"),
            comment.get_absolute_url(),
            comment.article.headline,
            format_html(
                "<br>{} {}: “{}”",
                _("In reply to"),
                parent.author_name,
                Truncator(parent.body).chars(200),
            )
            if parent
            else "",
        )

    def save_model(self, request, obj, form, change):
        if change and "status" in form.changed_data:
            new_status = obj.status
            obj.status = form.initial["status"]
            comments_moderate(comments=[obj], status=new_status)
        super().save_model(request, obj, form, change)


class BlockedTermForm(forms.ModelForm):
    class Meta:
        model = BlockedTerm
        fields = ["kind", "value"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == BlockedTerm.Kind.EMAIL and cleaned.get("value"):
            # Keep the hash only: a blocklist is no place to keep addresses.
            forms.EmailField().clean(cleaned["value"])
            cleaned["value"] = email_digest(cleaned["value"])
            self.instance.value = cleaned["value"]
        return cleaned


@admin.register(BlockedTerm)
class BlockedTermAdmin(admin.ModelAdmin):
    form = BlockedTermForm
    list_display = ["__str__", "kind", "created_at"]
    list_filter = ["kind"]


@admin.register(SpamFilterState)
class SpamFilterStateAdmin(admin.ModelAdmin):
    list_display = ["__str__", "documents", "updated_at"]
    readonly_fields = ["documents", "updated_at"]
    exclude = ["data"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("trained on"))
    def documents(self, state):
        data = state.data or {}
        return _("%(spam)s spam and %(ham)s good comments") % {
            "spam": data.get("spam_docs", 0),
            "ham": data.get("ham_docs", 0),
        }
