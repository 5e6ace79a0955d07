"""`comment_section(article)`: the thread and the "Leave a Reply" form.

The article template calls it by name (masthead.templating), so the articles
app needs no import from comments (imports point up the app list, never down).
"""

from django.conf import settings
from django.core import signing
from markupsafe import Markup

from masthead.comments.avatars import identicon_svg
from masthead.comments.forms import CommentForm
from masthead.comments.models import Comment
from masthead.comments.threads import build_thread
from masthead.templating import inclusion

PENDING_SALT = "masthead.comments.pending"


def pending_token(comment: Comment) -> str:
    """Return the token that lets a commenter see their own held comment."""
    return signing.dumps(comment.pk, salt=PENDING_SALT, compress=True)


def pending_comment(request, article):
    """Return the held comment named by the request's ?comment= token, if valid."""
    token = request.GET.get("comment") if request else None
    if not token:
        return None
    try:
        pk = signing.loads(token, salt=PENDING_SALT, max_age=7 * 24 * 3600)
    except signing.BadSignature:
        return None
    return Comment.objects.filter(
        pk=pk, article=article, status=Comment.Status.PENDING
    ).first()


@inclusion("comments/section.html")
def comment_section(context, article):
    request = context.get("request")
    comments = list(
        article.comments.approved().only(
            "pk",
            "parent_id",
            "author_name",
            "author_url",
            "avatar_digest",
            "body_html",
            "created_at",
            "status",
            "article_id",
        )  # fmt: skip
    )
    own = pending_comment(request, article)
    if own:
        own.is_own_pending = True
        comments.append(own)
    max_depth = settings.MASTHEAD_COMMENTS_MAX_DEPTH
    form = context.get("comment_form")
    reply_to = None
    if form is not None and form.is_bound:
        reply_to = form.data.get("parent")
    elif request is not None:
        reply_to = request.GET.get("replytocom")
    replying_to = next((c for c in comments if str(c.pk) == str(reply_to)), None)
    if form is None:
        initial = {"parent": replying_to.pk} if replying_to else {}
        form = CommentForm(article=article, initial=initial)
    return {
        "article": article,
        "thread": build_thread(comments, max_depth=max_depth),
        "count": len(comments) - bool(own),
        "form": form,
        "replying_to": replying_to,
        "max_depth": max_depth,
        "is_open": article.is_open_for_comments,
        "comment_error": context.get("comment_error"),
    }


def avatar(comment):
    """Return the commenter's locally drawn identicon, as inline SVG."""
    # Safe: the SVG is built from numbers only, never from the commenter's text.
    return Markup(identicon_svg(bytes.fromhex(comment.avatar_digest or "00")))
