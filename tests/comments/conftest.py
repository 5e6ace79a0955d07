"""Comment factories."""

import datetime
import itertools

import pytest
from django.utils import timezone

from masthead.comments import privacy
from masthead.comments.models import Comment

serial = itertools.count(1)


@pytest.fixture
def make_comment(db):
    """Return a factory of comments, approved unless told otherwise."""

    def make(article, *, email=None, status=Comment.Status.APPROVED, **fields):
        n = next(serial)
        email = email or f"reader{n}@example.net"
        fields.setdefault("created_at", timezone.now() - datetime.timedelta(minutes=n))
        return Comment.objects.create(
            article=article,
            author_name=fields.pop("author_name", f"Reader {n}"),
            body=fields.pop("body", f"Comment number {n}."),
            email_encrypted=privacy.encrypt_email(email),
            email_digest=privacy.email_digest(email),
            avatar_digest=privacy.avatar_digest(email),
            status=status,
            **fields,
        )

    return make
