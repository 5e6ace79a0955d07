"""`masthead comments export|erase|purge`: a commenter's rights, and expiry."""

import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from masthead.comments.models import Comment
from masthead.comments.services import personal_data_expire
from tests.plans import sqlite_plans


def run(*args):
    out = io.StringIO()
    call_command("comments", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_export_gives_a_commenter_their_own_data_only(make_article, make_comment):
    article = make_article("The article")
    make_comment(article, email="amina@example.net", body="Mine", author_name="Amina")
    make_comment(article, email="lev@example.net", body="Not mine")
    (exported,) = json.loads(run("export", "--email", "Amina@example.net"))
    assert exported["comment"] == "Mine"
    assert exported["email"] == "amina@example.net"
    assert exported["article"] == "The article"
    assert "not stored" in exported["ip_address"]


@pytest.mark.django_db
def test_erase_deletes_their_comments_and_keeps_replies(make_article, make_comment):
    article = make_article()
    mine = make_comment(article, email="amina@example.net")
    reply = make_comment(article, email="lev@example.net", parent=mine)
    assert "Erased 1 comment." in run("erase", "--email", "amina@example.net", "--yes")
    assert list(Comment.objects.all()) == [reply]
    reply.refresh_from_db()
    assert reply.parent is None
    article.refresh_from_db()
    assert article.comment_count == 1


@pytest.mark.django_db
def test_not_an_email_is_a_clear_error():
    with pytest.raises(CommandError, match="not an email address"):
        run("export", "--email", "nobody")


@pytest.mark.django_db
def test_purge_erases_ip_hashes_past_their_days(make_article, make_comment, settings):
    settings.MASTHEAD_COMMENTS_PERSONAL_DATA_DAYS = 30
    article = make_article()
    old = make_comment(
        article,
        created_at=timezone.now() - datetime.timedelta(days=31),
        ip_digest="a" * 64,
        user_agent="Old browser",
    )
    new = make_comment(article, ip_digest="b" * 64, user_agent="New browser")
    assert "of 1 comments" in run("purge")
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.ip_digest, old.user_agent) == ("", "")
    assert (new.ip_digest, new.user_agent) == ("b" * 64, "New browser")


@pytest.mark.django_db
def test_expiry_reads_only_comments_still_holding_personal_data(
    make_article, make_comment
):
    """A post runs the expiry every ten minutes, with the write lock held. Read
    through every comment older than the cutoff, it took 0.5 s at a million
    comments; the partial index holds only the last weeks' comments."""
    make_comment(make_article(), ip_digest="a" * 64)
    plans = sqlite_plans(personal_data_expire)
    (update,) = [plan for sql, plan in plans.items() if sql.startswith("UPDATE")]
    assert update == [
        "SEARCH comments_comment USING INDEX comment_personal_data (created_at<?)"
    ]
