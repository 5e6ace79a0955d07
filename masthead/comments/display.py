"""`comment_section(article)`: the thread and the "Leave a Reply" form.

The article template calls it by name (masthead.templating), so the articles
app needs no import from comments (imports point up the app list, never down).
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from django.conf import settings
from django.core import signing
from django.utils.translation import get_language
from jinja2 import pass_context
from markupsafe import Markup

from masthead.comments.avatars import identicon_svg
from masthead.comments.forms import CommentForm
from masthead.comments.models import Comment, comment_anchor
from masthead.comments.threads import build_thread
from masthead.prepared import Prepared
from masthead.templating import inclusion, iso_and_text

PENDING_SALT = "masthead.comments.pending"


@dataclass(slots=True)
class ShownComment:
    """What the thread prints of a comment, read as values rather than models.

    Building 50 Comment instances took twice as long as reading the values.
    What the template prints that is derived (the anchor, the dates, the
    avatar) is worked out here, once, in plain Python.
    """

    FIELDS: ClassVar = ("pk", "parent_id", "author_name", "author_url",
                        "avatar_digest", "body_html", "created_at")  # fmt: skip
    pk: int
    parent_id: int | None
    author_name: str
    author_url: str
    avatar_digest: str
    body_html: str
    created_at: datetime
    is_own_pending: bool = False
    anchor: str = field(init=False)
    iso_created: str = field(init=False)
    said_created: str = field(init=False)
    avatar: Markup = field(init=False)

    def __post_init__(self):
        self.anchor = comment_anchor(self.pk)
        self.iso_created, self.said_created = iso_and_text(self.created_at, "said")
        self.avatar = avatar(self)


APPROVED_OF = Prepared(
    lambda article: (
        Comment.objects.approved()
        .filter(article_id=article)
        .values_list(*ShownComment.FIELDS)
    ),
    article=int,
)


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
    comments = [ShownComment(*row) for row in APPROVED_OF(article=article.pk)]
    own = pending_comment(request, article)
    if own:
        fields = (getattr(own, name) for name in ShownComment.FIELDS)
        comments.append(ShownComment(*fields, is_own_pending=True))
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


# A blank form's fields, printed: the same on every article page (they depend
# on the length limit and the language only), so printed once per process.
_blank_fields: dict[tuple[int, str], Markup] = {}


@pass_context
def comment_fields(context, form: CommentForm) -> Markup:
    """Print the form's fields (comments/form_fields.html) with what was typed."""
    if form.is_bound or form.initial:
        return _fields(context, form)
    key = (settings.MASTHEAD_COMMENTS_MAX_LENGTH, get_language())
    if key not in _blank_fields:
        _blank_fields[key] = _fields(context, form)
    return _blank_fields[key]


def _fields(context, form: CommentForm) -> Markup:
    template = context.environment.get_template("comments/form_fields.html")
    return Markup(template.render({"form": form}))


def avatar(comment):
    """Return the commenter's locally drawn identicon, as inline SVG."""
    # Safe: the SVG is built from numbers only, never from the commenter's text.
    return Markup(identicon_svg(bytes.fromhex(comment.avatar_digest or "00")))
