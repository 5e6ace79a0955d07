"""The ETag of a rendered page, and the 304 it earns."""

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
