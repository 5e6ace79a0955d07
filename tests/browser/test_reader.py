"""A reader in a real Chromium, on the demo site served by `masthead serve`."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

READ_TIME = re.compile(r"^Read time: (\d+ minutes?(, \d+ seconds?)?|\d+ seconds?)$")


def test_reader_opens_the_home_page_and_reads_an_article(reader, demo_server):
    reader.goto(demo_server.url + "/")
    lead = reader.locator("section.lead h2 a")
    headline = lead.inner_text()
    lead.click()
    reader.wait_for_load_state()

    assert reader.locator("h1").inner_text() == headline
    assert READ_TIME.match(reader.locator("p.read-time").inner_text())
    assert reader.locator("p.byline a").count() >= 1
    about = reader.locator("section.about-authors")
    assert about.locator("h2").inner_text().startswith("About the author")
    assert (
        about.locator(".author-box__name").count()
        == reader.locator("p.byline a").count()
    )
    latest = reader.locator("aside.latest-articles li a")
    assert latest.count() == 5
    assert headline not in latest.all_inner_texts()
    ARTIFACTS.mkdir(exist_ok=True)
    reader.screenshot(path=ARTIFACTS / "article.png", full_page=True)
    assert reader.third_party_requests == []
    assert reader.policy_violations == []


def test_the_browser_holds_the_page_to_its_policy(reader, demo_urls):
    response = reader.goto(demo_urls["article"])
    assert "default-src 'self'" in response.headers["content-security-policy"]
    # What an injection would try: an inline script, a script from elsewhere.
    ran = reader.evaluate(
        """() => {
        const inline = document.createElement("script");
        inline.textContent = "window.injected = true";
        document.body.append(inline);
        return window.injected === true;
    }"""
    )
    assert ran is False
    reader.evaluate(
        """() => {
        const remote = document.createElement("script");
        remote.src = "https://tracker.example/t.js";
        document.body.append(remote);
    }"""
    )
    for _ in range(20):  # Chromium reports each refusal on the console
        if len(reader.policy_violations) >= 2:
            break
        reader.wait_for_timeout(100)
    assert reader.third_party_requests == []  # refused before any request
    refused = " ".join(reader.policy_violations)
    assert "inline script" in refused
    assert "https://tracker.example/t.js" in refused


def test_video_loads_nothing_from_youtube_until_the_reader_clicks(reader, demo_server):
    reader.goto(demo_server.url + "/")
    # The demo's video article is found through the site, as a reader would.
    found = None
    for href in reader.eval_on_selector_all(
        ".card__headline a", "links => links.map(a => a.getAttribute('href'))"
    ):
        reader.goto(demo_server.url + href)
        if reader.locator("figure.embed--youtube").count():
            found = href
            break
    assert found, "the demo has an article with a YouTube video"
    poster = reader.locator("figure.embed--youtube a.embed__poster")
    assert reader.locator("iframe").count() == 0
    assert reader.third_party_requests == []

    poster.click()

    iframe = reader.locator("figure.embed--youtube iframe")
    iframe.wait_for()
    assert iframe.get_attribute("src").startswith(
        "https://www.youtube-nocookie.com/embed/"
    )
    assert reader.policy_violations == []  # the policy lets the player in
    ARTIFACTS.mkdir(exist_ok=True)
    reader.screenshot(path=ARTIFACTS / "video-clicked.png")


def test_article_reads_without_javascript(browser, demo_urls):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(demo_urls["article"])
    assert page.locator("h1").is_visible()
    assert READ_TIME.match(page.locator("p.read-time").inner_text())
    context.close()


def test_article_fits_a_phone_screen(browser, demo_urls):
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True
    )
    page = context.new_page()
    page.goto(demo_urls["article"])
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "article-phone.png", full_page=True)
    context.close()


@pytest.mark.parametrize(
    "kind",
    [
        "home",
        "home page 2",
        "article",
        "section",
        "tag",
        "author",
        "static page",
        "not found",
    ],
)
def test_page_has_no_accessibility_violations(reader, demo_urls, kind):
    reader.goto(demo_urls[kind])
    results = Axe().run(reader)
    assert results.violations_count == 0, results.generate_report()
