"""The moderation queue in the admin, and what moderators' decisions teach."""

import datetime

import lxml.html
import pytest
from django.utils import timezone

from masthead.articles.models import Article
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


def excerpts(tree):
    return [
        t.strip()
        for t in tree.xpath("//th[contains(@class,'field-excerpt')]//a/text()")
    ]


@pytest.mark.django_db
def test_queue_shows_the_newest_comments_first(moderator, make_article, make_comment):
    article = make_article()
    hour = datetime.timedelta(hours=1)
    make_comment(article, body="older", created_at=timezone.now() - 2 * hour)
    make_comment(article, body="newer", created_at=timezone.now() - hour)
    assert excerpts(lxml.html.fromstring(moderator.get(URL).content)) == [
        "newer",
        "older",
    ]


@pytest.mark.django_db
def test_queue_of_a_site_with_thousands_of_commented_articles(moderator, make_article):
    # Django's related filter listed every commented article in the sidebar
    # and counted each in one query: more columns than SQLite (2,000) or
    # PostgreSQL (1,664) allow, so the queue failed from then on.
    section = make_article().section
    articles = Article.objects.bulk_create(
        Article(
            headline=f"Story {n}",
            slug=f"story-{n}",
            section=section,
            status=Article.Status.PUBLISHED,
            published_at=timezone.now(),
            body_source="A body.",
        )
        for n in range(2001)
    )
    Comment.objects.bulk_create(
        Comment(
            article=article,
            author_name="Reader",
            body=f"On {article.headline}",
            email_encrypted="",
            email_digest="",
            avatar_digest="",
            status=Comment.Status.PENDING,
        )
        for article in articles
    )
    response = moderator.get(URL)
    assert response.status_code == 200
    tree = lxml.html.fromstring(response.content)
    assert "Story" not in tree.xpath("//nav[@id='changelist-filter']")[0].text_content()
    # Each row leads to its article's queue, which the sidebar then names.
    row = tree.xpath("//tr[.//th[contains(@class,'field-excerpt')]]")[0]
    [excerpt] = row.xpath(".//th[contains(@class,'field-excerpt')]//a/text()")
    [link] = row.xpath(".//a[@class='queue-of-article']/@href")
    chosen = lxml.html.fromstring(moderator.get(URL + link).content)
    assert excerpts(chosen) == [excerpt.strip()]
    sidebar = " ".join(
        chosen.xpath("//nav[@id='changelist-filter']")[0].text_content().split()
    )
    assert f"{excerpt.strip().removeprefix('On ')} (1)" in sidebar
    # An address that names no article shows no comment, not all of them.
    for named in ("x", "0", "99999999999999999999999"):
        response = moderator.get(f"{URL}?article__id__exact={named}")
        assert excerpts(lxml.html.fromstring(response.content)) == []


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
