"""Posting a comment as a reader, and every way it can go wrong."""

import datetime

import lxml.html
import pytest
from django.core import mail
from django.utils import timezone

from masthead.comments import privacy
from masthead.comments.models import OPENING, Comment
from masthead.comments.services import earlier_post
from tests.htmlcheck import validation_errors
from tests.plans import sqlite_plans, unindexed_reads

FORM = {
    "author_name": "Amina",
    "email": "amina@example.net",
    "author_url": "",
    "body": "Thank you for this reporting.",
}


def post(client, article, **fields):
    return client.post(f"/comments/{article.pk}/", {**FORM, **fields})


def page(response):
    return lxml.html.fromstring(response.content)


@pytest.fixture
def article(make_article):
    return make_article("Court hears the case")


@pytest.mark.django_db
def test_article_shows_the_leave_a_reply_form(client, article):
    tree = page(client.get(article.get_absolute_url()))
    assert tree.xpath("//h3[@id='reply-title']/text()") == ["Leave a Reply"]
    notes = " ".join(
        tree.xpath("//p[@class='comment-notes']")[0].text_content().split()
    )
    assert notes == (
        "Your email address will not be published. Required fields are marked *"
    )
    labels = [
        " ".join(label.text_content().split()) for label in tree.xpath("//form//label")
    ]
    assert labels[:4] == ["Name *", "Email *", "Website", "Comment *"]
    for name in ["author_name", "email", "body"]:
        assert tree.xpath(f"//*[@name='{name}'][@required]"), name
    assert tree.xpath("//input[@name='author_url'][@required]") == []
    assert tree.xpath("//form[@class='comment-form']/@action") == [
        f"/comments/{article.pk}/"
    ]


@pytest.mark.django_db
def test_new_comment_waits_and_only_its_author_sees_it(client, article):
    response = post(client, article)
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert response.status_code == 302
    own_view = response["Location"]
    assert own_view.endswith(f"#comment-{comment.pk}")

    tree = page(client.get(own_view))
    assert tree.xpath("//p[@class='comment__pending']/text()") == [
        "Your comment is awaiting moderation."
    ]
    assert "Thank you for this reporting." in tree.xpath(
        "//div[@class='comment__text']/p/text()"
    )

    others = page(client.get(article.get_absolute_url()))
    assert others.xpath("//li[contains(@class,'comment')]") == []
    forged = page(client.get(article.get_absolute_url() + "?comment=forged"))
    assert forged.xpath("//li[contains(@class,'comment')]") == []


@pytest.mark.django_db
def test_with_no_moderation_an_approved_comment_shows_at_once(
    client, article, settings
):
    settings.MASTHEAD_COMMENTS_MODERATION = "none"
    response = post(client, article, author_url="https://amina.example")
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.APPROVED
    assert response["Location"] == comment.get_absolute_url()

    tree = page(client.get(article.get_absolute_url()))
    assert tree.xpath("//h2[@id='comments-title']/text()") == ["1 comment"]
    (author,) = tree.xpath("//span[@class='comment__author']/a")
    assert author.get("href") == "https://amina.example"
    assert author.get("rel") == "nofollow ugc noopener"
    assert tree.xpath(
        f"//article[@id='comment-{comment.pk}']//a[@class='comment__permalink']/@href"
    ) == [f"#comment-{comment.pk}"]
    (avatar,) = tree.xpath("//span[@class='comment__avatar']/svg")
    assert "h1v1h-1z" in avatar.xpath("string(.//path/@d)")  # drawn, not blank
    article.refresh_from_db()
    assert article.comment_count == 1


@pytest.mark.django_db
def test_known_commenters_are_approved_at_once(client, article, settings, make_comment):
    settings.MASTHEAD_COMMENTS_MODERATION = "known"
    post(client, article, email="new@example.net")
    make_comment(article, email="known@example.net")
    post(client, article, email="Known@Example.net", body="Another thought.")
    statuses = dict(Comment.objects.values_list("body", "status"))
    assert statuses["Thank you for this reporting."] == Comment.Status.PENDING
    assert statuses["Another thought."] == Comment.Status.APPROVED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"author_name": ""}, "author_name", "required"),
        ({"author_name": "\x00\x01 "}, "author_name", "required"),
        ({"email": "not-an-email"}, "email", "invalid"),
        ({"email": ""}, "email", "required"),
        ({"author_url": "javascript:alert(1)"}, "author_url", "invalid"),
        ({"body": ""}, "body", "required"),
        ({"body": "x" * 5001}, "body", "max_length"),
        ({"author_name": "N" * 101}, "author_name", "max_length"),
        ({"parent": "999999"}, "parent", "invalid_parent"),
    ],
)
def test_bad_input_is_shown_beside_the_field_and_what_was_typed_is_kept(
    client, article, fields, field, code
):
    typed = {**FORM, "body": "My long comment, typed with care.", **fields}
    response = client.post(f"/comments/{article.pk}/", typed)
    assert response.status_code == 400
    assert not Comment.objects.exists()
    tree = page(response)
    assert tree.xpath(f"//*[@id='id_{field}_error']"), field
    assert (
        tree.xpath(f"//*[@name='{field}']/@aria-invalid") == ["true"]
        or field == "parent"
    )
    for name in ["author_name", "email", "author_url"]:
        if typed[name] and name != field and "\x00" not in typed[name]:
            assert tree.xpath(f"//input[@name='{name}']/@value") == [typed[name]]
    if field != "body":
        (body,) = tree.xpath("//textarea[@name='body']/text()")
        assert body.strip() == typed["body"]


@pytest.mark.django_db
def test_closed_article_says_so_and_saves_nothing(client, make_article):
    closed = make_article(comments_open=False)
    response = post(client, closed)
    assert response.status_code == 403
    assert page(response).xpath("//p[@class='form-error']/text()") == [
        "Comments are closed."
    ]
    assert not Comment.objects.exists()
    tree = page(client.get(closed.get_absolute_url()))
    assert tree.xpath("//form[@class='comment-form']") == []


@pytest.mark.django_db
def test_comments_close_by_themselves_after_the_set_days(
    client, make_article, settings
):
    settings.MASTHEAD_COMMENTS_CLOSE_AFTER_DAYS = 14
    old = make_article(published_at=timezone.now() - datetime.timedelta(days=15))
    recent = make_article(published_at=timezone.now() - datetime.timedelta(days=13))
    assert post(client, old).status_code == 403
    assert post(client, recent).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    "state",
    [
        {"status": "draft"},
        {"published_at": timezone.now() + datetime.timedelta(days=1)},
    ],
)
def test_unknown_or_unpublished_article_is_not_found(client, make_article, state):
    assert client.post("/comments/999999/", FORM).status_code == 404
    assert post(client, make_article(**state)).status_code == 404


@pytest.mark.django_db
def test_get_is_not_allowed(client, article):
    assert client.get(f"/comments/{article.pk}/").status_code == 405


@pytest.mark.django_db
def test_post_from_another_site_is_refused(client, article):
    response = client.post(
        f"/comments/{article.pk}/", FORM, headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 403
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_garbage_bytes_get_a_clear_answer_not_a_crash(client, article):
    response = client.post(
        f"/comments/{article.pk}/",
        b"author_name=%FF%FE%00&email=a%40example.net&body=%C3%28%A0%A1",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in {302, 400}


@pytest.mark.django_db
def test_honeypot_comment_is_kept_as_spam_and_never_shown(client, article):
    post(client, article, homepage="http://spam.example")
    assert Comment.objects.get().status == Comment.Status.SPAM


@pytest.mark.django_db
def test_posting_twice_makes_one_comment(client, article):
    first, second = post(client, article), post(client, article)
    assert Comment.objects.count() == 1
    assert first["Location"].split("#")[1] == second["Location"].split("#")[1]


LONG = "I was at the hearing on Tuesday, and the court's clerk read the list twice."


@pytest.mark.django_db
def test_posting_twice_is_told_apart_by_the_whole_text_sender_and_article(
    client, article, make_article, settings
):
    settings.MASTHEAD_COMMENTS_RATE_LIMITS = {"ip": [(100, 60)], "email": [(100, 60)]}
    post(client, article, body=LONG)
    alike = LONG.replace("twice", "again")
    assert alike[:OPENING] == LONG[:OPENING]
    post(client, article, body=alike)  # opens alike: another comment
    post(client, article, body=LONG, email="other@example.net")  # another sender
    post(client, make_article("Another case"), body=LONG)  # another article
    assert Comment.objects.count() == 4
    assert post(client, article, body=LONG).status_code == 302
    assert Comment.objects.count() == 4
    # A comment moderators put in the trash is not the one a post returns.
    Comment.objects.filter(body=LONG, article=article).update(status="trash")
    post(client, article, body=LONG)
    assert Comment.objects.filter(body=LONG, article=article).count() == 3


@pytest.mark.django_db
def test_posting_again_is_sought_through_the_senders_index(article, make_comment):
    # Many comments on the article, none of this sender's: the search reads
    # the sender's comments that open alike, not the article's comments.
    for n in range(5):
        make_comment(article, body=f"{LONG} {n}", email=f"r{n}@example.net")
    digest = privacy.email_digest(FORM["email"])
    plans = sqlite_plans(lambda: earlier_post(article, digest, LONG))
    [(sql, plan)] = plans.items()
    assert unindexed_reads(plans, "comments_comment") == []
    assert plan == [
        "SEARCH comments_comment USING INDEX comment_by_email_text"
        " (email_digest=? AND <expr>=?)"
    ]


@pytest.mark.django_db
def test_flood_from_one_address_gets_429_and_keeps_the_text(client, article, settings):
    settings.MASTHEAD_COMMENTS_RATE_LIMITS = {"ip": [(3, 60)], "email": [(100, 60)]}
    for n in range(3):
        assert (
            post(
                client, article, email=f"r{n}@example.net", body=f"Comment {n}"
            ).status_code
            == 302
        )
    response = post(client, article, email="r9@example.net", body="One too many")
    assert response.status_code == 429
    tree = page(response)
    assert "too fast" in tree.xpath("//p[@class='form-error']/text()")[0]
    assert tree.xpath("//textarea[@name='body']/text()")[0].strip() == "One too many"
    assert tree.xpath("//input[@name='email']/@value") == ["r9@example.net"]
    # The form posts to the same place again, with a way back to the article,
    # on a page of its own: no thread to render for each refused post.
    assert tree.xpath("//form/@action") == [f"/comments/{article.pk}/"]
    assert tree.xpath(f"//a[starts-with(@href, '{article.get_absolute_url()}')]")
    assert not tree.xpath("//section[@id='comments']")
    assert "no-cache" in response["Cache-Control"]
    assert Comment.objects.count() == 3


@pytest.mark.django_db
def test_the_refusal_page_is_valid_html(client, article, settings, vnu, tmp_path):
    settings.MASTHEAD_COMMENTS_RATE_LIMITS = {"ip": [(0, 60)], "email": [(100, 60)]}
    response = post(client, article, body="Kept <b>as typed</b>")
    assert response.status_code == 429
    (tmp_path / "refused.html").write_bytes(response.content)
    assert validation_errors(vnu, [tmp_path / "refused.html"]) == []


@pytest.mark.django_db
def test_flood_from_one_email_gets_429(client, article, settings):
    settings.MASTHEAD_COMMENTS_RATE_LIMITS = {"ip": [(100, 60)], "email": [(2, 60)]}
    for n in range(2):
        post(client, article, body=f"Comment {n}", REMOTE_ADDR=f"198.51.100.{n}")
    assert post(client, article, body="Third").status_code == 429


@pytest.mark.django_db
def test_reply_form_sits_under_its_parent_without_javascript(
    client, article, make_comment
):
    parent = make_comment(article, author_name="Lev")
    tree = page(client.get(article.get_absolute_url() + f"?replytocom={parent.pk}"))
    (form_holder,) = tree.xpath("//div[@id='respond']")
    assert form_holder.getparent().tag == "li"
    assert form_holder.getparent().xpath("article/@id") == [f"comment-{parent.pk}"]
    title = " ".join(form_holder.xpath("h3")[0].text_content().split())
    assert title == "Reply to Lev Cancel reply"
    assert form_holder.xpath(".//input[@name='parent']/@value") == [str(parent.pk)]


@pytest.mark.django_db
def test_reply_is_nested_under_its_parent(client, article, make_comment, settings):
    settings.MASTHEAD_COMMENTS_MODERATION = "none"
    parent = make_comment(article)
    post(client, article, parent=parent.pk, body="I agree.")
    tree = page(client.get(article.get_absolute_url()))
    (reply,) = tree.xpath(f"//article[@id='comment-{parent.pk}']/../ol/li/article")
    assert reply.xpath(".//div[@class='comment__text']/p/text()") == ["I agree."]


@pytest.mark.django_db
def test_comment_html_is_escaped_and_links_are_nofollow(client, article, settings):
    settings.MASTHEAD_COMMENTS_MODERATION = "none"
    payload = (
        "<script>alert(1)</script><img src=x onerror=alert(2)> see https://example.org."
    )
    post(client, article, body=payload, author_name='"><script>alert(3)</script>')
    tree = page(client.get(article.get_absolute_url()))
    comments = tree.xpath("//ol[@class='comment-list']")[0]
    assert comments.xpath(".//script|.//img") == []
    assert comments.xpath(".//div[@class='comment__text']//a/@href") == [
        "https://example.org"
    ]
    assert (
        "<script>alert(3)</script>"
        in comments.xpath(".//span[@class='comment__author']/text()")[0]
    )


@pytest.mark.django_db
def test_moderators_and_authors_are_emailed_without_the_commenters_email(
    client, article, admin_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, article)
    (message,) = mail.outbox
    assert admin_user.email in message.to
    assert "Court hears the case" in message.subject
    assert "Thank you for this reporting." in message.body
    assert "amina@example.net" not in message.body + message.subject


@pytest.fixture
def notify(client, article, admin_user, settings, django_capture_on_commit_callbacks):
    """Return post_all(limit, bodies): post each body with at most `limit`
    notices in 10 minutes, no rate limit, the notices sent as on commit."""
    settings.MASTHEAD_COMMENTS_RATE_LIMITS = {}

    def post_all(limit: int, bodies):
        settings.MASTHEAD_COMMENTS_NOTIFY_LIMITS = [(limit, 600)]
        with django_capture_on_commit_callbacks(execute=True):
            for body in bodies:
                post(client, article, body=body)

    return post_all


@pytest.mark.django_db
def test_a_flood_of_comments_sends_a_bounded_number_of_notices(notify):
    notify(3, [f"Comment number {n}." for n in range(6)])
    assert Comment.objects.count() == 6  # every comment is kept, in the queue
    assert [m.body.split(":\n\n")[1].split("\n")[0] for m in mail.outbox] == [
        "Comment number 0.",
        "Comment number 1.",
        "Comment number 2.",
    ]
    assert "last message for now: at most 3 go out in 10 minutes" in (
        mail.outbox[2].body
    )
    assert "last message" not in mail.outbox[1].body


@pytest.mark.django_db
def test_notices_resume_once_the_window_has_passed(notify):
    notify(2, [f"Early comment {n}." for n in range(3)])
    assert len(mail.outbox) == 2
    eleven_minutes_ago = timezone.now() - datetime.timedelta(minutes=11)
    Comment.objects.update(created_at=eleven_minutes_ago)
    notify(2, ["A later comment."])
    assert len(mail.outbox) == 3
    assert "A later comment." in mail.outbox[2].body


@pytest.mark.django_db
def test_spam_does_not_use_up_the_notices(notify, article, make_comment):
    for _ in range(5):
        make_comment(article, status=Comment.Status.SPAM, created_at=timezone.now())
    notify(1, [FORM["body"]])
    (message,) = mail.outbox
    assert "Thank you for this reporting." in message.body


def test_notice_limits_read_from_the_environment(monkeypatch):
    from masthead.comments.services import span
    from masthead.settings import env_rate_limits

    monkeypatch.setenv("MASTHEAD_COMMENTS_NOTIFY_LIMIT", "20/3600,5/60")
    assert env_rate_limits("MASTHEAD_COMMENTS_NOTIFY_LIMIT", "10/600") == [
        (20, 3600),
        (5, 60),
    ]
    assert [span(s) for s in (3600, 7200, 60, 600, 45, 1)] == [
        "1 hour", "2 hours", "1 minute", "10 minutes", "45 seconds", "1 second",
    ]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("count", [5, 500])
def test_comments_take_constant_queries_whatever_their_number(
    client, article, make_comment, django_assert_num_queries, count
):
    parents = []
    for n in range(count):
        parent = parents[n % len(parents)] if parents and n % 3 else None
        parents.append(make_comment(article, parent=parent))
    client.get(article.get_absolute_url())  # reads the site's menus and latest
    with django_assert_num_queries(4):  # article, bylines, tags, comments
        response = client.get(article.get_absolute_url())
    assert len(page(response).xpath("//li[contains(@class,'comment ')]")) == count
