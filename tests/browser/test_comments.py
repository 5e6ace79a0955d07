"""Comments end to end: a reader posts, a moderator approves, others read and reply."""

import re

import pytest

from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

XSS = '<script>window.pwned=1</script><img src=x onerror="window.pwned=1">'


def admin_password(demo_server) -> str:
    return re.search(r"password: (\S+)", demo_server.demo_output).group(1)


def fill_comment(page, *, name, email, body, website=""):
    page.get_by_role("textbox", name="Name", exact=True).fill(name)
    page.get_by_role("textbox", name="Email", exact=True).fill(email)
    page.get_by_role("textbox", name="Website", exact=True).fill(website)
    page.get_by_role("textbox", name="Comment", exact=True).fill(body)
    page.get_by_role("button", name="Post Comment").click()
    page.wait_for_load_state()


def test_comment_is_posted_moderated_read_and_answered(
    browser, reader, demo_urls, demo_server
):
    article = demo_urls["article"]
    reader.goto(article)
    fill_comment(
        reader,
        name=f"Reader {XSS}",
        email="first.reader@example.net",
        website="https://reader.example",
        body=f"A first comment from the browser. {XSS}",
    )
    pending = reader.locator(".comment__body--pending")
    assert pending.locator(".comment__pending").inner_text() == (
        "Your comment is awaiting moderation."
    )
    assert "A first comment from the browser." in pending.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    reader.screenshot(path=ARTIFACTS / "comment-pending.png")

    # Someone else does not see it yet.
    other = browser.new_context().new_page()
    other.goto(article)
    assert other.locator("text=A first comment from the browser.").count() == 0

    # A moderator approves it in the admin.
    moderator = browser.new_context().new_page()
    moderator.goto(demo_server.url + "/admin/comments/comment/?status__exact=pending")
    moderator.fill("#id_username", "admin")
    moderator.fill("#id_password", admin_password(demo_server))
    moderator.click("input[type=submit]")
    moderator.wait_for_load_state()
    row = moderator.locator("tr", has_text="A first comment from the browser.")
    row.locator("input[name=_selected_action]").check()
    moderator.select_option("select[name=action]", "approve")
    moderator.click("button[name=index]")
    moderator.wait_for_load_state()
    assert "1 comment changed." in moderator.locator(".messagelist").inner_text()

    # The second reader now sees it, and replies to it.
    other.goto(article)
    comment = other.locator("article.comment__body", has_text="A first comment")
    assert comment.count() == 1
    assert (
        comment.locator(".comment__author a").get_attribute("rel")
        == "nofollow ugc noopener"
    )
    comment.get_by_role("link", name=re.compile("Reply to")).click()
    other.wait_for_load_state()
    assert other.locator("#reply-title").inner_text().startswith("Reply to Reader")
    fill_comment(
        other, name="Second reader", email="second@example.net", body="A reply."
    )
    moderator.goto(demo_server.url + "/admin/comments/comment/?status__exact=pending")
    moderator.locator("tr", has_text="A reply.").locator(
        "input[name=_selected_action]"
    ).check()
    moderator.select_option("select[name=action]", "approve")
    moderator.click("button[name=index]")

    reader.goto(article)
    parent = reader.locator("li.comment", has=reader.locator("text=A first comment"))
    nested = parent.locator("ol.comment-children article.comment__body")
    assert nested.count() == 1
    assert "A reply." in nested.inner_text()
    # The payload in every field came out as text, and nothing ran.
    assert XSS in parent.first.inner_text()
    assert reader.evaluate("window.pwned") is None
    assert reader.third_party_requests == []
    reader.screenshot(path=ARTIFACTS / "comments-thread.png", full_page=True)


def test_bad_comment_keeps_what_the_reader_typed(reader, demo_urls):
    reader.goto(demo_urls["article"])
    reader.get_by_role("textbox", name="Name", exact=True).fill("Kept Name")
    reader.get_by_role("textbox", name="Email", exact=True).fill("kept@example.net")
    reader.get_by_role("textbox", name="Comment", exact=True).fill("Kept text")
    # Bypass the browser's own checks to reach the server's.
    reader.eval_on_selector("form.comment-form", "form => form.noValidate = true")
    reader.get_by_role("textbox", name="Email", exact=True).fill("not an email")
    reader.get_by_role("button", name="Post Comment").click()
    reader.wait_for_load_state()
    assert (
        reader.locator("#id_email_error").inner_text() == "Enter a valid email address."
    )
    assert (
        reader.get_by_role("textbox", name="Name", exact=True).input_value()
        == "Kept Name"
    )
    assert (
        reader.get_by_role("textbox", name="Comment", exact=True).input_value()
        == "Kept text"
    )
