"""The learned filter: naive Bayes trained by this newsroom's moderators only.

Nothing leaves the server: the word counts live in one database row, updated
when a moderator marks a comment spam or not spam.
"""

from django.conf import settings
from django.db import transaction

from masthead.comments.models import SpamFilterState
from masthead.comments.spam import Verdict
from masthead.comments.spam.bayes import MAX_TOKENS, BayesModel


def comment_text(comment) -> str:
    return f"{comment.author_name}\n{comment.author_url}\n{comment.body}"


def load_model() -> BayesModel:
    state = SpamFilterState.objects.first()
    return BayesModel.from_dict(state.data) if state and state.data else BayesModel()


def learned_filter(comment, sender):
    """Return SPAM or HOLD by the learned probability, once trained on enough.

    Until moderators have judged MASTHEAD_COMMENTS_LEARNED_MINIMUM comments of
    each kind, the filter has no opinion: a guess from a handful would be noise.
    """
    model = load_model()
    minimum = settings.MASTHEAD_COMMENTS_LEARNED_MINIMUM
    if model.spam_docs < minimum or model.ham_docs < minimum:
        return None
    comment.spam_score = probability = model.spam_probability(comment_text(comment))
    if probability >= 0.99:
        return Verdict.SPAM
    if probability >= 0.9:
        return Verdict.HOLD
    return None


@transaction.atomic
def filter_train(*, comments, is_spam: bool, untrain: bool = False) -> None:
    """Teach the filter that `comments` are spam (or not); `untrain` takes it back."""
    state = SpamFilterState.objects.select_for_update().first() or SpamFilterState()
    model = BayesModel.from_dict(state.data) if state.data else BayesModel()
    for comment in comments:
        if untrain:
            model.untrain(comment_text(comment), is_spam=is_spam)
        else:
            model.train(comment_text(comment), is_spam=is_spam)
    model.prune(MAX_TOKENS)
    state.data = model.to_dict()
    state.save()
