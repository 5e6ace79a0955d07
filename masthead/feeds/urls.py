"""Feed addresses: /feed/, /feed/atom/, /feed.json, and the same under each listing."""

from django.urls import path
from django.views.decorators.http import condition

from masthead.feeds.conditional import content_last_modified
from masthead.feeds.feeds import (
    ArticleFeed,
    AuthorFeed,
    CommentFeed,
    SectionFeed,
    TagFeed,
    formats,
)

conditional = condition(last_modified_func=content_last_modified)
feeds = {
    "section": formats(SectionFeed),
    "tag": formats(TagFeed),
    "author": formats(AuthorFeed),
}
site, comments = formats(ArticleFeed), formats(CommentFeed)
article = "<int:year>/<str:month>/<str:day>/<slug:slug>/"

app_name = "feeds"
urlpatterns = [
    path("feed/", conditional(site["rss"]), name="site"),
    path("feed/atom/", conditional(site["atom"]), name="site-atom"),
    path("feed.json", conditional(site["json"]), name="site-json"),
    path("comments/feed/", conditional(comments["rss"]), name="comments"),
    path("comments/feed/atom/", conditional(comments["atom"]), name="comments-atom"),
    path(f"{article}comments/feed/", conditional(comments["rss"])),
    path(f"{article}comments/feed/atom/", conditional(comments["atom"])),
]
for kind, views in feeds.items():
    urlpatterns += [
        path(f"{kind}/<slug:slug>/feed/", conditional(views["rss"]), name=kind),
        path(f"{kind}/<slug:slug>/feed/atom/", conditional(views["atom"])),
    ]
