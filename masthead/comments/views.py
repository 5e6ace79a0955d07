"""Posting a comment: validate, rate-limit, judge, save, show the result."""

from django.http import HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from masthead.articles.models import Article
from masthead.articles.views import render_article
from masthead.comments.display import pending_token
from masthead.comments.forms import CommentForm
from masthead.comments.models import Comment
from masthead.comments.ratelimit import is_rate_limited
from masthead.comments.services import comment_post
from masthead.comments.spam import Sender


# Article pages are cached for every reader alike, so they cannot carry a
# per-visitor CSRF token. A comment post changes no one's account; a post from
# another site is refused by its Origin header instead (browsers send it).
@csrf_exempt
@require_POST
def comment_create(request, article_id):
    article = get_object_or_404(
        Article.objects.published().select_related("section"), pk=article_id
    )
    origin = request.headers.get("Origin")
    if origin and not url_has_allowed_host_and_scheme(
        origin + "/", allowed_hosts={request.get_host()}
    ):
        return HttpResponseForbidden(_("Comments must be posted from this site."))
    form = CommentForm(request.POST, article=article)
    if not article.is_open_for_comments:
        return show_form(request, article, form, _("Comments are closed."), 403)
    if not form.is_valid():
        return show_form(request, article, form, None, 400)
    sender = Sender.of(request, honeypot=form.cleaned_data["homepage"])
    if is_rate_limited(ip=sender.ip, email=form.cleaned_data["email"]):
        message = _("You are posting too fast. Please wait a minute and try again.")
        return show_refusal(request, article, form, message, 429)
    comment = comment_post(article=article, data=form.cleaned_data, sender=sender)
    if comment.status == Comment.Status.APPROVED:
        return redirect(comment.get_absolute_url())
    token = pending_token(comment)
    return redirect(f"{article.get_absolute_url()}?comment={token}#{comment.anchor}")


def show_refusal(request, article, form, message, status):
    """Show the form as typed with `message`, on a page of its own.

    For refusals a flood makes by the thousand (posting too fast): the
    article page with its whole thread cost a full render each, taken from
    the readers' share of the server.
    """
    context = {"article": article, "form": form, "comment_error": message,
               "is_open": True, "replying_to": None}  # fmt: skip
    return render(request, "comments/refused.html", context, status=status)


def show_form(request, article, form, message, status):
    """Show the article again with the form as typed, its errors and `message`."""
    context = {"comment_form": form, "comment_error": message}
    return render_article(request, article, extra=context, status=status)
