"""The ETag of a rendered page, the 304 it earns, and what readers' pages may load."""

import hashlib


def test_a_page_is_tagged_by_its_bytes_and_answers_304(client, make_article):
    article = make_article("Tagged by its bytes")
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    digest = hashlib.sha256(page.content).hexdigest()[:32]
    assert page["ETag"] == f'"{digest}"'
    unchanged = client.get(
        article.get_absolute_url(), headers={"If-None-Match": page["ETag"]}
    )
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    changed = client.get(
        article.get_absolute_url(), headers={"If-None-Match": '"other"'}
    )
    assert changed.status_code == 200


def test_posts_and_empty_responses_get_no_etag(client, make_article):
    article = make_article("Not tagged")
    post = client.post(f"/comments/{article.pk}/", {})
    assert "ETag" not in post
    assert "ETag" not in client.head(article.get_absolute_url())


def test_readers_pages_carry_the_content_security_policy(
    client, admin_client, make_article, settings
):
    article = make_article("Held to its policy")
    for path in (article.get_absolute_url(), "/", "/no-such-page/"):
        page = client.get(path)
        assert page["Content-Security-Policy"] == (
            settings.MASTHEAD_CONTENT_SECURITY_POLICY_DEFAULT
        ), path
        assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
        assert "X-Frame-Options" not in page, path  # frame-ancestors says it
    feed = client.get("/feed/")
    assert "Content-Security-Policy" not in feed
    admin = admin_client.get("/admin/")
    assert admin.status_code == 200
    assert "Content-Security-Policy" not in admin
    assert admin["X-Frame-Options"] == "DENY"


def test_without_frame_ancestors_the_frame_options_stay(client, make_article, settings):
    article = make_article("Its own policy")
    settings.MASTHEAD_CONTENT_SECURITY_POLICY = "default-src 'self'"
    page = client.get(article.get_absolute_url())
    assert page["Content-Security-Policy"] == "default-src 'self'"
    assert page["X-Frame-Options"] == "DENY"


def test_an_empty_policy_sends_none(client, make_article, settings):
    article = make_article("No policy")
    settings.MASTHEAD_CONTENT_SECURITY_POLICY = ""
    page = client.get(article.get_absolute_url())
    assert "Content-Security-Policy" not in page
    assert page["X-Frame-Options"] == "DENY"


def test_django_debug_pages_keep_their_inline_styles(client, settings, db):
    settings.DEBUG = True
    page = client.get("/no-such-page/")
    assert page.status_code == 404
    assert "Content-Security-Policy" not in page
