"""Spam checks, each on its own, and the pipeline that combines them."""

import datetime

import pytest
from django.utils import timezone

from masthead.comments import privacy
from masthead.comments.models import OPENING, BlockedTerm, Comment
from masthead.comments.spam import Sender, Verdict, judge
from masthead.comments.spam.blocklist import blocklist
from masthead.comments.spam.duplicate import duplicate
from masthead.comments.spam.honeypot import honeypot
from masthead.comments.spam.learned import filter_train, learned_filter
from masthead.comments.spam.links import too_many_links
from tests.plans import sqlite_plans, unindexed_reads

READER = Sender(ip="203.0.113.7", user_agent="Firefox")


def unsaved(
    article=None, *, body="A thoughtful reply.", email="r@example.net", **fields
):
    return Comment(
        article=article,
        author_name=fields.pop("author_name", "Reader"),
        body=body,
        email_digest=privacy.email_digest(email),
        **fields,
    )


@pytest.mark.parametrize(
    ("value", "verdict"), [("", None), ("http://spam.example", Verdict.SPAM)]
)
def test_honeypot_catches_what_bots_fill_in(value, verdict):
    assert honeypot(unsaved(), Sender(honeypot=value)) == verdict


@pytest.mark.parametrize(
    ("body", "verdict"),
    [
        ("No links at all.", None),
        ("One source: https://example.org/report", None),
        ("Two: https://a.example and www.b.example", Verdict.HOLD),
        ("http://a.example http://b.example http://c.example", Verdict.HOLD),
    ],
)
def test_comment_with_two_links_or_more_is_held(body, verdict):
    assert too_many_links(unsaved(body=body), READER) == verdict


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "value", "comment", "sender", "verdict"),
    [
        ("word", "Casino", {"body": "Best cAsInO bonus"}, READER, Verdict.SPAM),
        ("word", "casino", {"body": "A fair point."}, READER, None),
        ("word", "casino", {"author_name": "Casino King"}, READER, Verdict.SPAM),
        (
            "email",
            "bad@example.net",
            {"email": "BAD@example.net"},
            READER,
            Verdict.SPAM,
        ),
        ("email", "bad@example.net", {"email": "good@example.net"}, READER, None),
        ("ip_range", "203.0.113.0/24", {}, READER, Verdict.SPAM),
        ("ip_range", "198.51.100.0/24", {}, READER, None),
        ("ip_range", "2001:db8::/32", {}, Sender(ip="2001:db8::1"), Verdict.SPAM),
        ("ip_range", "2001:db8::/32", {}, READER, None),
    ],
)
def test_blocklist_matches_words_emails_and_ip_ranges(
    kind, value, comment, sender, verdict
):
    if kind == "email":
        value = privacy.email_digest(value)
    BlockedTerm.objects.create(kind=kind, value=value)
    assert blocklist(unsaved(**comment), sender) == verdict


@pytest.mark.django_db
def test_same_text_from_the_same_email_on_another_article_is_spam(
    make_article, make_comment
):
    first, second = make_article(), make_article()
    make_comment(first, email="r@example.net", body="Buy now at our shop!")
    assert (
        duplicate(unsaved(second, body="Buy now at our shop!"), READER) == Verdict.SPAM
    )
    assert duplicate(unsaved(second, body="Something new."), READER) is None
    other = unsaved(second, body="Buy now at our shop!", email="x@example.net")
    assert duplicate(other, Sender(ip="198.51.100.1")) is None


LONG = "Buy now at our shop, where every watch is half price until Sunday!"


@pytest.mark.django_db
def test_same_text_from_the_same_address_within_a_week_is_spam(
    make_article, make_comment
):
    first, second = make_article(), make_article()
    address = privacy.ip_digest(READER.ip)
    make_comment(first, body=LONG, ip_digest=address)
    # Another email, the same address: the whole text, not its indexed opening.
    assert duplicate(unsaved(second, body=LONG, email="new@example.net"), READER) == (
        Verdict.SPAM
    )
    alike = LONG.replace("Sunday", "Monday")
    assert alike[:OPENING] == LONG[:OPENING] and alike != LONG
    assert duplicate(unsaved(second, body=alike, email="new@example.net"), READER) is (
        None
    )
    # Nothing from the same sender: the same text from someone else.
    assert duplicate(unsaved(second, body=LONG), Sender(ip="198.51.100.1")) is None
    # A week ago and more.
    Comment.objects.update(created_at=timezone.now() - datetime.timedelta(days=8))
    assert duplicate(unsaved(second, body=LONG), READER) is None


@pytest.mark.django_db
def test_same_text_is_sought_through_each_senders_index(make_article, make_comment):
    article, other = make_article(), make_article()
    address = privacy.ip_digest(READER.ip)
    for n in range(5):
        make_comment(article, body=f"{LONG} {n}", ip_digest=address)
    plans = sqlite_plans(lambda: duplicate(unsaved(other, body=LONG), READER))
    [(sql, plan)] = plans.items()
    assert unindexed_reads(plans, "comments_comment") == []
    # Not the address's comments of the week, whatever they say (comment_by_ip):
    # a flood from one address made each post read every one before it.
    searches = [step for step in plan if "comments_comment" in step]
    assert len(searches) == 2
    assert "comment_by_email_text" in searches[0]
    assert "comment_by_ip_text" in searches[1]
    assert all("<expr>=? AND created_at>?" in step for step in searches)


@pytest.mark.django_db
def test_learned_filter_has_no_opinion_until_trained_enough(settings):
    settings.MASTHEAD_COMMENTS_LEARNED_MINIMUM = 3
    assert learned_filter(unsaved(body="cheap pills online"), READER) is None


@pytest.mark.django_db
def test_learned_filter_learns_from_moderators(settings):
    settings.MASTHEAD_COMMENTS_LEARNED_MINIMUM = 3
    spam = [
        unsaved(body=f"cheap pills casino bonus offer {n} http://pills.example")
        for n in range(5)
    ]
    ham = [
        unsaved(body=f"Thank you for reporting on the court hearing {n}.")
        for n in range(5)
    ]
    filter_train(comments=spam, is_spam=True)
    filter_train(comments=ham, is_spam=False)

    held = unsaved(body="cheap pills and casino bonus http://pills.example")
    assert learned_filter(held, READER) in {Verdict.HOLD, Verdict.SPAM}
    assert held.spam_score > 0.9
    assert (
        learned_filter(unsaved(body="Thank you for the court reporting."), READER)
        is None
    )


def test_strictest_verdict_wins_and_flags_are_named():
    def approve(comment, sender):
        return Verdict.APPROVE

    def hold(comment, sender):
        return Verdict.HOLD

    def silent(comment, sender):
        return None

    def spam(comment, sender):
        return Verdict.SPAM

    assert judge(unsaved(), READER, [approve, silent]).verdict == Verdict.APPROVE
    assert judge(unsaved(), READER, [approve, hold, silent]).flagged == ["hold"]
    result = judge(unsaved(), READER, [spam, hold])
    assert (result.verdict, result.flagged) == (Verdict.SPAM, ["spam", "hold"])
