"""The moderation queue in the admin, and what moderators' decisions teach."""

import lxml.html
import pytest

from masthead.comments.models import BlockedTerm, Comment, SpamFilterState
from masthead.comments.privacy import email_digest

URL = "/admin/comments/comment/"


@pytest.fixture
def moderator(client, admin_user):
    client.force_login(admin_user)
    return client


def act(client, action, comments):
    return client.post(
        URL, {"action": action, "_selected_action": [c.pk for c in comments]}
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "before", "after"),
    [
        ("approve", Comment.Status.PENDING, Comment.Status.APPROVED),
        ("unapprove", Comment.Status.APPROVED, Comment.Status.PENDING),
        ("mark_spam", Comment.Status.PENDING, Comment.Status.SPAM),
        ("not_spam", Comment.Status.SPAM, Comment.Status.APPROVED),
        ("trash", Comment.Status.APPROVED, Comment.Status.TRASH),
        ("restore", Comment.Status.TRASH, Comment.Status.PENDING),
    ],
)
def test_bulk_actions_move_comments_and_recount(
    moderator, make_article, make_comment, action, before, after
):
    article = make_article()
    comments = [make_comment(article, status=before) for _ in range(3)]
    act(moderator, action, comments)
    assert set(Comment.objects.values_list("status", flat=True)) == {after}
    article.refresh_from_db()
    assert article.comment_count == (3 if after == Comment.Status.APPROVED else 0)


@pytest.mark.django_db
def test_spam_decisions_train_the_learned_filter(moderator, make_article, make_comment):
    article = make_article()
    spam = [make_comment(article, status="pending", body="casino") for _ in range(2)]
    act(moderator, "mark_spam", spam)
    act(moderator, "approve", [make_comment(article, status="pending", body="thanks")])
    data = SpamFilterState.objects.get().data
    assert (data["spam_docs"], data["ham_docs"]) == (2, 1)


@pytest.mark.django_db
def test_queue_counts_statuses_and_filters_by_article(
    moderator, make_article, make_comment
):
    first, second = make_article("First"), make_article("Second")
    make_comment(first, status="pending", body="waiting")
    make_comment(second, status="approved", body="shown")
    tree = lxml.html.fromstring(moderator.get(URL + "?status__exact=pending").content)
    assert [
        t.strip()
        for t in tree.xpath("//th[contains(@class,'field-excerpt')]//a/text()")
    ] == ["waiting"]
    facets = " ".join(
        tree.xpath("//nav[@id='changelist-filter']")[0].text_content().split()
    )
    assert "Pending (1)" in facets and "Approved (1)" in facets
    by_article = lxml.html.fromstring(
        moderator.get(f"{URL}?article__id__exact={second.pk}").content
    )
    assert [
        t.strip()
        for t in by_article.xpath("//th[contains(@class,'field-excerpt')]//a/text()")
    ] == ["shown"]


@pytest.mark.django_db
def test_search_by_email_finds_the_commenter_without_storing_it(
    moderator, make_article, make_comment
):
    article = make_article()
    make_comment(article, email="lev@example.net", body="from Lev")
    make_comment(article, email="other@example.net", body="from someone else")
    tree = lxml.html.fromstring(moderator.get(URL + "?q=LEV@example.net").content)
    assert [
        t.strip()
        for t in tree.xpath("//th[contains(@class,'field-excerpt')]//a/text()")
    ] == ["from Lev"]


@pytest.mark.django_db
def test_comment_is_shown_in_context(moderator, make_article, make_comment):
    article = make_article("The article")
    parent = make_comment(article, author_name="Lev", body="The first word.")
    reply = make_comment(article, parent=parent, status="pending")
    page = moderator.get(f"{URL}{reply.pk}/change/").content.decode()
    tree = lxml.html.fromstring(page)
    context = " ".join(
        tree.xpath("//div[contains(@class,'field-in_context')]")[0]
        .text_content()
        .split()
    )
    assert "On: The article" in context
    assert "In reply to Lev: “The first word.”" in context
    assert "example.net" not in page


@pytest.mark.django_db
def test_blocked_email_is_stored_as_a_hash_only(moderator):
    moderator.post(
        "/admin/comments/blockedterm/add/",
        {"kind": "email", "value": "Spammer@example.net"},
    )
    term = BlockedTerm.objects.get()
    assert term.value == email_digest("spammer@example.net")


@pytest.mark.django_db
def test_bad_ip_range_is_refused_with_a_clear_error(moderator):
    response = moderator.post(
        "/admin/comments/blockedterm/add/",
        {"kind": "ip_range", "value": "300.1.1.0/24"},
    )
    assert response.status_code == 200
    assert "Enter an IP address or a range" in response.content.decode()
    assert not BlockedTerm.objects.exists()
