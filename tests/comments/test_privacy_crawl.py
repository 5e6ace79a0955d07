"""No commenter's email, nor its MD5 or SHA-256, on any public URL or in any log."""

import hashlib
import logging
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest

from masthead.demo.loader import demo_load

EMAILS = ["amina.k@example.net", "Lev.Orlov@Example.org", "o.brien+news@example.co.uk"]


def fingerprints(email: str) -> set[str]:
    forms = {email, email.lower(), email.strip().lower()}
    found = set(forms)
    for form in forms:
        data = form.encode()
        found |= {hashlib.md5(data).hexdigest(), hashlib.sha256(data).hexdigest()}
        found |= {hashlib.sha1(data).hexdigest()}
    return found


def crawl(client, start_urls):
    """Return {url: body} for every same-site page reachable from `start_urls`."""
    seen, queue, pages = set(), list(start_urls), {}
    while queue:
        url = queue.pop()
        if url in seen or url.startswith("/admin/"):
            continue
        seen.add(url)
        response = client.get(url)
        content = b"".join(response) if response.streaming else response.content
        body = content.decode(errors="replace")
        pages[url] = body + "\n".join(f"{k}: {v}" for k, v in response.items())
        if "html" not in response.get("Content-Type", ""):
            continue
        tree = lxml.html.fromstring(content)
        for link in tree.xpath("//a/@href|//link/@href|//img/@src|//script/@src"):
            target = urlsplit(urljoin(url, link))
            if target.netloc in {"", "testserver"} and target.path:
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
    return pages


@pytest.mark.django_db
def test_commenters_emails_appear_on_no_public_url_and_in_no_log(
    client, settings, caplog
):
    settings.MASTHEAD_COMMENTS_MODERATION = "none"
    demo_load()
    caplog.set_level(logging.DEBUG)
    article_url = (
        client.get("/").content.decode().split('href="/20', 1)[1].split('"')[0]
    )
    article = client.get(f"/20{article_url}")
    form_action = lxml.html.fromstring(article.content).xpath(
        "//form[@class='comment-form']/@action"
    )[0]
    pending_urls = []
    for n, email in enumerate(EMAILS):
        response = client.post(
            form_action,
            {
                "author_name": f"Reader {n}",
                "email": email,
                "body": f"Comment {n}",
                "author_url": "https://reader.example" if n else "",
            },
        )
        assert response.status_code == 302
        pending_urls.append(response["Location"].split("#")[0])
    settings.MASTHEAD_COMMENTS_MODERATION = "all"
    response = client.post(
        form_action,
        {"author_name": "Held", "email": EMAILS[0], "body": "Held for moderation"},
    )
    pending_urls.append(response["Location"].split("#")[0])

    pages = crawl(client, ["/", "/robots.txt", "/sitemap.xml", "/feed/", *pending_urls])

    assert len([url for url in pages if url.startswith("/20")]) >= 12
    assert "Comment 2" in pages[f"/20{article_url}"]
    for email in EMAILS:
        for fingerprint in fingerprints(email):
            for url, body in pages.items():
                assert fingerprint not in body, (email, url)
            for record in caplog.records:
                assert fingerprint not in record.getMessage(), email
