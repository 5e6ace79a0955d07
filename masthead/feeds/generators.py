"""Feed formats: RSS and Atom with full content and several authors; JSON Feed.

Items carry two extra keys, given by `Feed.item_extra_kwargs`: ``authors``, a list
of (name, url) pairs in byline order, and ``content``, the full HTML body (or
None when only the summary is published).
"""

import datetime
import json

from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed

DC = "http://purl.org/dc/elements/1.1/"
CONTENT = "http://purl.org/rss/1.0/modules/content/"


class StableDates:
    """An empty feed dated by the site's last change, not by the clock.

    Django dates a feed with no items "now", so its bytes would differ on
    every request: no 304 for readers, and a rewritten file at every build.
    """

    def latest_post_date(self):
        if self.items:
            return super().latest_post_date()
        from masthead.feeds.conditional import content_last_modified

        return content_last_modified(None) or datetime.datetime(
            2000, 1, 1, tzinfo=datetime.UTC
        )


class RssFeed(StableDates, Rss201rev2Feed):
    """RSS 2.0 with dc:creator for each author and content:encoded for the body."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:dc": DC, "xmlns:content": CONTENT}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "author_name": None})
        for name, _url in item.get("authors", ()):
            handler.addQuickElement("dc:creator", name)
        if item.get("content"):
            handler.addQuickElement("content:encoded", item["content"])


class AtomFeed(StableDates, Atom1Feed):
    """Atom 1.0 with an <author> for each author and <content> for the body."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "author_name": None})
        for name, url in item.get("authors", ()):
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            if url:
                handler.addQuickElement("uri", url)
            handler.endElement("author")
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


class JsonFeed(SyndicationFeed):
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/)."""

    content_type = "application/feed+json; charset=utf-8"

    def write(self, outfile, encoding):
        feed = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": self.feed["title"],
            "home_page_url": self.feed["link"],
            "feed_url": self.feed["feed_url"],
            "description": self.feed["description"],
            "language": self.feed["language"],
            "items": [self.item(item) for item in self.items],
        }
        outfile.write(json.dumps(feed, ensure_ascii=False, indent=1).encode(encoding))

    def item(self, item) -> dict:
        data = {
            "id": item["unique_id"],
            "url": item["link"],
            "title": item["title"],
            "content_html": item.get("content") or item["description"],
            "summary": item["description"],
            "date_published": item["pubdate"].isoformat(),
            "authors": [
                {"name": name, **({"url": url} if url else {})}
                for name, url in item.get("authors", ())
            ],
            "tags": list(item["categories"]),
        }
        if item["updateddate"]:
            data["date_modified"] = item["updateddate"].isoformat()
        if item["enclosures"]:
            data["image"] = item["enclosures"][0].url
        return data
