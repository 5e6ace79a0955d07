"""Import a WordPress export (WXR) into Masthead, in one transaction.

`wordpress_import` reads the export once, as a stream: authors, categories and
tags come first in a WXR file and are saved as they come; pages and attachments
are saved as soon as they are read. Posts, the bulk of an export, are read in
file order but saved in batches of a few hundred, with their comments: a
handful of queries per batch instead of ten per post, while memory stays
bounded by the batch. Posts may name a featured image or gallery whose
attachment comes later in the file, so only the ids of those posts are kept,
and a final pass fills the images in.

Choices made here (the README's "Importing from WordPress" repeats them):

- statuses: publish and future are published (future ones scheduled), draft,
  pending and private are drafts (without a publication time), a published
  post with a password becomes a draft (Masthead has no passwords), trash and
  auto-draft are skipped;
- dates: ``post_date_gmt``, else ``post_date`` read in Masthead's TIME_ZONE;
- a post with no author gets the author "Unknown author" rather than the
  export's first author: naming someone who did not write a story is worse;
- a login that the export does not list (WXR 1.0) becomes an author by name;
- slugs come from ``post_name`` (the title when empty) and are kept on later
  imports, so addresses stay put; a non-Latin slug falls back to "post-ID";
- imported pages are published or not like the original, left out of the menu;
- comments keep their threading, date, name and website; the email is stored
  encrypted with its keyed digest; IP addresses are not stored at all;
  pingbacks and trackbacks are skipped;
- an attachment's file is copied into the media storage, under "wordpress/",
  when it is found in `uploads`; otherwise its original URL is kept (and
  listed); a featured image needs the copy, as Masthead stores its own.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from masthead.articles.models import Article, ArticleAuthor, Section, SourceFormat, Tag
from masthead.authors.models import Author
from masthead.comments import privacy
from masthead.comments.models import Comment
from masthead.comments.services import articles_recount
from masthead.pagecache import generation
from masthead.pages.models import Page
from masthead.text.markup import body_text
from masthead.text.plaintext import plain_text_to_html
from masthead.wordpress.bulk import insert_rows
from masthead.wordpress.content import convert
from masthead.wordpress.models import Imported, Redirect
from masthead.wordpress.report import Report
from masthead.wordpress.wxr import (
    Site,
    WpAuthor,
    WpCategory,
    WpComment,
    WpItem,
    WpTag,
    read_wxr,
)

Kind = Imported.Kind
POST_STATUSES = {
    "publish": Article.Status.PUBLISHED,
    "future": Article.Status.PUBLISHED,
    "draft": Article.Status.DRAFT,
    "pending": Article.Status.DRAFT,
    "private": Article.Status.DRAFT,
}
SKIPPED_STATUSES = {"trash": "in the trash", "auto-draft": "an unsaved auto-draft"}
COMMENT_STATUSES = {
    "1": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.TRASH,
    "post-trashed": Comment.Status.TRASH,
}
PINGS = {"pingback", "trackback"}
UNCATEGORIZED = ("uncategorized", "Uncategorized")
UNKNOWN_AUTHOR = ("unknown-author", "Unknown author")
PLACEHOLDER = "wp-attachment:"
PLACEHOLDER_IMAGE = re.compile(r'<img src="wp-attachment:(\d+)" alt="">')
# A batch is saved once it holds this many posts or comments, whichever first:
# large enough that a query serves hundreds of rows, small enough that memory
# stays flat whatever the size of the export.
POST_BATCH = 100
COMMENT_BATCH = 1000
# Distinct commenter emails whose digests and encryption an import keeps at
# hand: regular commenters come back on post after post.
EMAILS_REMEMBERED = 4096
# Ids per `__in` lookup: under the 999 variables older SQLite builds allow.
IN_CHUNK = 900
COMMENT_FIELDS = [
    "parent",
    "author_name",
    "author_url",
    "email_encrypted",
    "email_digest",
    "avatar_digest",
    "body",
    "body_html",
    "status",
    "created_at",
    "modified_at",
]
LINE_BREAK_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)
PARAGRAPH_END = re.compile(r"</p\s*>", re.IGNORECASE)
LINK = re.compile(r"<a\b[^>]*?href=\"([^\"]*)\"[^>]*>(.*?)</a\s*>", re.I | re.S)
TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Attachment:
    """What the final pass needs to know of an attachment read earlier."""

    url: str
    name: str  # in the media storage, or "" when the file was not copied
    alt: str
    caption: str
    parent: int
    old_paths: tuple[str, ...]


@dataclass
class PendingPost:
    """A post read and settled (body, section, byline, tags), not yet saved.

    `create` holds the fields set only when the article is made: its
    publication time when the export gives none, so it stays put later.
    """

    item: WpItem
    fields: dict
    create: dict
    author_ids: list[int]
    tag_ids: set[int]
    article: Article | None = None  # once the batch is saved
    outcome: str = ""  # "created", "updated" or "unchanged"


@dataclass(slots=True)
class NewComment:
    """A comment to insert: its values by attribute name, then its id.

    Lighter than a `Comment`, of which a large import would build a hundred
    thousand only for `insert_rows` to read their values back.
    """

    row: dict
    parent_id: int | None = None
    pk: int | None = None

    def as_comment(self) -> Comment:
        """Return the inserted comment as a model instance, to update it."""
        return Comment(pk=self.pk, parent_id=self.parent_id, **self.row)


@dataclass
class Thread:
    """The comments of one article while a batch is saved, by WordPress id."""

    article: Article
    comments: list[WpComment]
    article_created: bool
    saved: dict[int, Comment | NewComment] = field(default_factory=dict)
    created: list[int] = field(default_factory=list)
    changed: set[int] = field(default_factory=set)
    parents: dict[int, int] = field(init=False)  # comment id → parent id

    def __post_init__(self):
        self.parents = {comment.id: comment.parent for comment in self.comments}

    def parent(self, wp_id: int) -> Comment | NewComment | None:
        """Return the comment that comment `wp_id` replies to, if in the thread."""
        return self.saved.get(self.parents[wp_id])


def wordpress_import(
    *,
    stream: BinaryIO,
    uploads: Path | None,
    dry_run: bool,
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Import the WordPress export `stream`; return what was done.

    Everything happens in one transaction: a broken export (`WxrError`) leaves
    the database as it was, and a dry run rolls back once the report is made.
    `progress`, if given, is called with the number of bytes read so far.
    """
    run = ImportRun(uploads=uploads, dry_run=dry_run)
    try:
        with transaction.atomic(), generation.bulk_change():
            for record in read_wxr(CountingReader(stream, progress)):
                run.add(record)
            run.finish()
            if dry_run:
                transaction.set_rollback(True)
    except BaseException:
        run.discard_files()
        raise
    return run.report


class CountingReader:
    """A read-only stream that reports how many bytes were read from it."""

    def __init__(self, stream: BinaryIO, progress: Callable[[int], None] | None):
        self.stream = stream
        self.progress = progress
        self.done = 0

    def read(self, size: int = -1) -> bytes:
        """Read from the stream, then report progress."""
        data = self.stream.read(size)
        self.done += len(data)
        if self.progress is not None:
            self.progress(self.done)
        return data


class AttachmentUrls(Mapping):
    """Attachment URLs by id for `convert`; a placeholder for ones not read yet."""

    def __init__(self, run: ImportRun):
        self.run = run

    def __getitem__(self, wp_id: int) -> str:
        return self.run.attachment_url(wp_id) or f"{PLACEHOLDER}{wp_id}"

    def __iter__(self) -> Iterator[int]:
        return iter(self.run.attachments)

    def __len__(self) -> int:
        return len(self.run.attachments)


class ImportRun:
    """The state of one import: maps of what was saved, and what is pending."""

    def __init__(self, *, uploads: Path | None, dry_run: bool):
        self.uploads = uploads.resolve() if uploads else None
        self.dry_run = dry_run
        self.report = Report(dry_run=dry_run)
        self.started = timezone.now()
        self.blog_path = ""
        self.authors: dict[str, int] = {}
        self.sections: dict[str, int] = {}
        self.tags: dict[str, int] = {}
        self.attachments: dict[int, Attachment] = {}
        self.parents_pending: list[tuple[int, str]] = []
        self.images_pending: list[tuple[int, int, str]] = []
        self.galleries_pending: list[int] = []
        self.article_ids: list[int] = []
        self.copied: list[str] = []
        self.urls = AttachmentUrls(self)
        self.posts_pending: dict[int, PendingPost] = {}
        self.comments_pending = 0
        # An email's encryption and its two keyed digests were the dearest part
        # of preparing a comment: done once per commenter. The same address
        # gets the same ciphertext, which tells no more than the digest
        # stored beside it.
        remembered = lru_cache(maxsize=EMAILS_REMEMBERED)
        self.email_digest = remembered(privacy.email_digest)
        self.avatar_digest = remembered(privacy.avatar_digest)
        self.encrypt_email = remembered(privacy.encrypt_email)

    # --- Records ---

    def add(self, record: Site | WpAuthor | WpCategory | WpTag | WpItem) -> None:
        """Save one record read from the export (a post joins the next batch).

        Pages and terms save the posts waiting first, so that every write
        lands in file order; attachments and other post types write nothing
        those posts could touch, and leave the batch to grow.
        """
        if isinstance(record, WpItem) and record.post_type == "post":
            self.add_post(record)
            return
        if not isinstance(record, WpItem) or record.post_type == "page":
            self.save_posts()
        if isinstance(record, Site):
            self.add_site(record)
        elif isinstance(record, WpAuthor):
            self.add_author(record)
        elif isinstance(record, WpCategory):
            self.add_category(record)
        elif isinstance(record, WpTag):
            self.add_tag(record)
        elif record.post_type == "page":
            self.add_page(record)
        elif record.post_type == "attachment":
            self.add_attachment(record)
        else:
            self.report.skip("post", f"post type “{record.post_type}”")
            self.report.skip("comment", "not on a post", len(record.comments))

    def add_site(self, site: Site) -> None:
        """Note the site's title, and the path its addresses start with."""
        self.report.site_title = site.title
        self.report.wxr_version = site.wxr_version
        base = site.base_blog_url or site.link
        self.blog_path = unquote(urlsplit(base).path).rstrip("/")

    def add_author(self, author: WpAuthor) -> None:
        """Save a listed author; the email is kept only encrypted and hashed."""
        if not author.login:
            self.report.skip("author", "no login")
            return
        name = (
            author.display_name
            or f"{author.first_name} {author.last_name}".strip()
            or author.login
        )
        author_obj, outcome = self.sync(
            Kind.AUTHOR,
            author.login,
            Author,
            {"name": name[:200]},
            create=lambda: {
                "slug": unique_slug(
                    Author, author.login, digest_slug("author", author.login), 200
                )
            },
        )
        self.authors[author.login] = author_obj.pk
        if author.email:
            outcome = self.keep_author_email(author.login, author.email, outcome)
        self.report.count("author", outcome)

    def keep_author_email(self, login: str, email: str, outcome: str) -> str:
        """Store an author's email encrypted with its digest; return the outcome."""
        digest = privacy.email_digest(email)
        changed = Imported.objects.filter(kind=Kind.AUTHOR, wp_id=login).exclude(
            email_digest=digest
        )
        if changed.update(
            email_digest=digest, email_encrypted=privacy.encrypt_email(email)
        ):
            return "updated" if outcome == "unchanged" else outcome
        return outcome

    def add_category(self, category: WpCategory) -> None:
        """Save a category as a section; its parent is linked now or at the end."""
        if not category.nicename:
            self.report.skip("category", "no slug")
            return
        fields = {
            "name": (category.name or category.nicename)[:100],
            "description": category.description,
        }
        parent = category.parent_nicename
        parent_id = self.section_id_if_known(parent) if parent else None
        if parent_id is not None:
            fields["parent_id"] = parent_id
        section, outcome = self.sync(
            Kind.CATEGORY,
            category.nicename,
            Section,
            fields,
            create=lambda: {
                "slug": unique_slug(
                    Section,
                    category.nicename,
                    digest_slug("section", category.nicename),
                )
            },
            adopt=lambda slug: Section.objects.filter(slug=slug).first(),
        )
        if parent and parent_id is None:
            self.parents_pending.append((section.pk, parent))
        self.sections[category.nicename] = section.pk
        self.report.count("category", outcome)

    def add_tag(self, tag: WpTag) -> None:
        """Save a tag; a name another tag already has is left as it was."""
        if not tag.slug:
            self.report.skip("tag", "no slug")
            return
        name = (tag.name or unquote(tag.slug))[:100]
        mapped = self.mapped_id(Kind.TAG, tag.slug)
        fields = {}
        if not Tag.objects.filter(name=name).exclude(pk=mapped).exists():
            fields["name"] = name
        tag_obj, outcome = self.sync(
            Kind.TAG,
            tag.slug,
            Tag,
            fields,
            create=lambda: {
                "slug": unique_slug(Tag, tag.slug, digest_slug("tag", tag.slug))
            },
            adopt=lambda slug: Tag.objects.filter(
                models.Q(slug=slug) | models.Q(name=name)
            ).first(),
        )
        self.tags[tag.slug] = tag_obj.pk
        self.report.count("tag", outcome)

    def add_post(self, item: WpItem) -> None:
        """Read a post into the batch; `save_posts` saves it with the others.

        What depends on the records read before it (attachment URLs in the
        body, the section, byline and tags) is settled now, in file order: only
        the writes wait.
        """
        if item.status in SKIPPED_STATUSES:
            self.skip_item("post", item, SKIPPED_STATUSES[item.status])
            return
        status = POST_STATUSES.get(item.status, Article.Status.DRAFT)
        if status == Article.Status.PUBLISHED and item.password:
            status = Article.Status.DRAFT
            self.report.notes["password-protected post imported as a draft"] += 1
        published_at = self.item_date(item) if status == "published" else None
        body, unknown = convert(item.content, self.urls)
        self.report.unknown_shortcodes.update(unknown)
        fields = {
            "headline": (item.title or "(no title)")[:300],
            "section_id": self.section_for_item(item),
            "standfirst": plain_summary(item.excerpt, 600),
            "body_source": body,
            "source_format": SourceFormat.HTML,
            "status": status,
            "is_lead": item.is_sticky,
        }
        create = {}
        if published_at is not None or status == Article.Status.DRAFT:
            fields["published_at"] = published_at
        else:
            create["published_at"] = self.started
        author_ids = [self.author_for(item.creator)]
        tag_ids = {
            self.tag_for(slug, name)
            for taxonomy, slug, name in item.categories
            if taxonomy == "post_tag" and slug
        }
        if item.post_id in self.posts_pending:
            self.save_posts()  # the same post twice: the second updates the first
        self.posts_pending[item.post_id] = PendingPost(
            item, fields, create, author_ids, tag_ids
        )
        self.comments_pending += len(item.comments)
        if (
            len(self.posts_pending) >= POST_BATCH
            or self.comments_pending >= COMMENT_BATCH
        ):
            self.save_posts()

    def save_posts(self) -> None:
        """Save the posts read since the last batch, with everything they bring.

        Two lookups find the articles earlier imports made; new articles, their
        mappings, bylines, tags, comments and redirects go in with bulk inserts,
        a few queries for the whole batch. Only an article that changed is
        saved on its own, as an edit.
        """
        posts = list(self.posts_pending.values())
        self.posts_pending.clear()
        self.comments_pending = 0
        if not posts:
            return
        mapped = self.mapped_ids(Kind.POST, [str(post.item.post_id) for post in posts])
        existing = Article.objects.in_bulk(list(mapped.values())) if mapped else {}
        for post in posts:
            post.article = existing.get(mapped.get(str(post.item.post_id)))
            if post.article is None:
                post.article = Article(**post.fields, **post.create)
                post.outcome = "created"
            else:
                post.outcome = self.update_object(post.article, post.fields)
        self.create_articles([post for post in posts if post.outcome == "created"])
        relinked = self.sync_relations(posts)
        redirects = []
        for post in posts:
            article = post.article
            if post.outcome == "unchanged" and article.pk in relinked:
                post.outcome = "updated"
            self.report.count("post", post.outcome)
            self.article_ids.append(article.pk)
            self.note_pending_images(article, post.item, post.outcome)
            new_path = (
                article.get_absolute_url() if article.status == "published" else ""
            )
            redirects.append((self.old_paths(post.item, ("p",)), new_path))
        self.add_comments(posts)
        self.set_redirects_many(redirects)

    def create_articles(self, posts: list[PendingPost]) -> None:
        """Insert the articles of new posts with free slugs, and map them.

        `bulk_create` skips `Article.save`, so each article first fills what
        save would compute: the HTML body, word count and read time.
        """
        if not posts:
            return
        slugs = free_slugs(
            Article, [slug_text(post.item, "post") for post in posts], 200
        )
        for post, slug in zip(posts, slugs, strict=True):
            post.article.slug = slug
            post.article.fill_derived()
        Article.objects.bulk_create([post.article for post in posts])
        self.remember_many(
            Kind.POST, [(str(post.item.post_id), post.article.pk) for post in posts]
        )

    def add_page(self, item: WpItem) -> None:
        """Save a page as a static page, out of the menu, with its redirects."""
        if item.status in SKIPPED_STATUSES:
            self.skip_item("page", item, SKIPPED_STATUSES[item.status])
            return
        body, unknown = convert(item.content, self.urls)
        self.report.unknown_shortcodes.update(unknown)
        fields = {
            "title": (item.title or "(no title)")[:200],
            "body_source": PLACEHOLDER_IMAGE.sub(self.gallery_image, body),
            "source_format": SourceFormat.HTML,
            "is_published": item.status == "publish" and not item.password,
            "position": max(0, min(item.menu_order, 32767)),
        }
        page, outcome = self.sync(
            Kind.PAGE,
            str(item.post_id),
            Page,
            fields,
            create=lambda: {
                "slug": item_slug(Page, item, "page", 100),
                "show_in_menu": False,
            },
        )
        self.report.count("page", outcome)
        self.report.skip("comment", "on a page", len(item.comments))
        new_path = page.get_absolute_url() if page.is_published else ""
        self.set_redirects(self.old_paths(item, ("page_id", "p")), new_path)

    def add_attachment(self, item: WpItem) -> None:
        """Copy an attachment's file if it is in `uploads`; remember its URL."""
        original = item.attachment_url or item.guid
        name = self.copy_upload(item.postmeta.get("_wp_attached_file", ""))
        url = default_storage.url(name) if name else original
        if not name:
            self.report.missing(original)
        self.attachments[item.post_id] = Attachment(
            url=url,
            name=name,
            alt=item.postmeta.get("_wp_attachment_image_alt", "").strip()[:300],
            caption=plain_summary(item.excerpt, 300),
            parent=item.parent,
            old_paths=tuple(self.old_paths(item, ("attachment_id", "p"))),
        )
        mapped = Imported.objects.filter(
            kind=Kind.ATTACHMENT, wp_id=str(item.post_id)
        ).first()
        if mapped is None:
            outcome = "created"
        else:
            outcome = "unchanged" if mapped.url == url else "updated"
        if outcome != "unchanged":
            self.remember(Kind.ATTACHMENT, str(item.post_id), 0, url=url)
        self.report.count("attachment", outcome)
        self.report.skip("comment", "not on a post", len(item.comments))

    def skip_item(self, kind: str, item: WpItem, reason: str) -> None:
        """Count an item and its comments as skipped."""
        self.report.skip(kind, reason)
        self.report.skip("comment", f"on a {kind} {reason}", len(item.comments))

    # --- Saving with the mapping ---

    def sync(
        self,
        kind: str,
        wp_id: str,
        model: type[models.Model],
        fields: dict,
        *,
        create: Callable[[], dict],
        adopt: Callable[[str], models.Model | None] | None = None,
    ) -> tuple[models.Model, str]:
        """Create or update the object mapped to (kind, wp_id); return it and how.

        `create` gives the fields set only when the object is made (slugs);
        `adopt` may return an existing object to map instead of making one
        (a section or tag the site already has under the same slug).
        """
        mapped = self.mapped_id(kind, wp_id)
        obj = model.objects.filter(pk=mapped).first() if mapped else None
        if obj is None and adopt is not None:
            obj = adopt(slugify(unquote(wp_id)))
            if obj is not None:
                self.remember(kind, wp_id, obj.pk)
        if obj is None:
            obj = model(**fields, **create())
            obj.save()
            self.remember(kind, wp_id, obj.pk)
            return obj, "created"
        return obj, self.update_object(obj, fields)

    @staticmethod
    def update_object(obj: models.Model, fields: dict) -> str:
        """Save the `fields` of `obj` that changed; return "updated" or "unchanged"."""
        changed = [
            name for name, value in fields.items() if getattr(obj, name) != value
        ]
        if not changed:
            return "unchanged"
        for name in changed:
            setattr(obj, name, fields[name])
        obj.save()
        return "updated"

    def mapped_id(self, kind: str, wp_id: str) -> int | None:
        """Return the id of the object (kind, wp_id) was imported as, if any."""
        return self.mapped_ids(kind, [wp_id]).get(wp_id)

    def mapped_ids(self, kind: str, wp_ids: list[str]) -> dict[str, int]:
        """Return the objects a batch of records was imported as, by WordPress id.

        One query per `IN_CHUNK` ids, few enough for any SQLite build.
        """
        mapped = {}
        for start in range(0, len(wp_ids), IN_CHUNK):
            mapped.update(
                Imported.objects.filter(
                    kind=kind, wp_id__in=wp_ids[start : start + IN_CHUNK]
                ).values_list("wp_id", "object_id")
            )
        return mapped

    def remember(self, kind: str, wp_id: str, object_id: int, **extra: str) -> None:
        """Map (kind, wp_id) to `object_id`, replacing an older mapping."""
        insert_rows(
            Imported,
            [{"kind": kind, "wp_id": wp_id, "object_id": object_id, **extra}],
            unique_fields=["kind", "wp_id"],
            update_fields=["object_id", *extra],
        )

    def remember_many(self, kind: str, pairs: Iterable[tuple[str, int]]) -> None:
        """Map each (wp_id, object_id) of `pairs`, the last one of an id winning.

        Each id goes into the insert once: PostgreSQL refuses to update a row
        twice in one statement.
        """
        insert_rows(
            Imported,
            [
                {"kind": kind, "wp_id": wp_id, "object_id": object_id}
                for wp_id, object_id in dict(pairs).items()
            ],
            unique_fields=["kind", "wp_id"],
            update_fields=["object_id"],
        )

    # --- Posts: sections, bylines, tags, images ---

    def section_id_if_known(self, nicename: str) -> int | None:
        """Return the section a category slug was saved as, if it was."""
        if nicename not in self.sections:
            mapped = self.mapped_id(Kind.CATEGORY, nicename)
            if mapped is None or not Section.objects.filter(pk=mapped).exists():
                return None
            self.sections[nicename] = mapped
        return self.sections[nicename]

    def section_for_item(self, item: WpItem) -> int:
        """Return the section of a post: its first category, or Uncategorized."""
        nicename, name = next(
            ((slug, name) for taxonomy, slug, name in item.categories
             if taxonomy == "category" and slug),
            UNCATEGORIZED,
        )  # fmt: skip
        section_id = self.section_id_if_known(nicename)
        if section_id is None:
            category = WpCategory(None, nicename, "", name, "")
            self.add_category(category)
            section_id = self.sections[nicename]
        return section_id

    def author_for(self, login: str) -> int:
        """Return the author of a login; unlisted ones are made from the login."""
        if login in self.authors:
            return self.authors[login]
        if not login:
            author, created = Author.objects.get_or_create(
                slug=UNKNOWN_AUTHOR[0], defaults={"name": UNKNOWN_AUTHOR[1]}
            )
            self.report.count("author", "created" if created else "unchanged")
            self.report.notes["post without an author, given “Unknown author”"] += 1
        else:
            mapped = self.mapped_id(Kind.AUTHOR, login)
            author = Author.objects.filter(pk=mapped).first() if mapped else None
            if author is None:
                self.add_author(WpAuthor(None, login, "", "", "", ""))
                return self.authors[login]
        self.authors[login] = author.pk
        return author.pk

    def tag_for(self, slug: str, name: str) -> int:
        """Return the tag of a slug; unlisted ones are made from the item's term."""
        if slug not in self.tags:
            mapped = self.mapped_id(Kind.TAG, slug)
            if mapped and Tag.objects.filter(pk=mapped).exists():
                self.tags[slug] = mapped
            else:
                self.add_tag(WpTag(None, slug, name, ""))
        return self.tags[slug]

    def sync_relations(self, posts: list[PendingPost]) -> set[int]:
        """Set the bylines and tags of a batch of articles, in a few queries.

        Return the ids of the articles that existed and whose bylines or tags
        changed (a new article's links are all new, not a change).
        """
        through = Article.tags.through
        old = [post.article.pk for post in posts if post.outcome != "created"]
        bylines, tags = defaultdict(list), defaultdict(set)
        if old:  # fewer than IN_CHUNK: a batch holds at most POST_BATCH posts
            for article_id, author_id in (
                ArticleAuthor.objects.filter(article_id__in=old)
                .order_by("article_id", "position", "pk")
                .values_list("article_id", "author_id")
            ):
                bylines[article_id].append(author_id)
            for article_id, tag_id in through.objects.filter(
                article_id__in=old
            ).values_list("article_id", "tag_id"):
                tags[article_id].add(tag_id)
        new_bylines, new_tags = [], []
        bylines_changed, tags_changed = [], []
        for post in posts:
            article, created = post.article, post.outcome == "created"
            if created or bylines[article.pk] != post.author_ids:
                if not created:
                    bylines_changed.append(article.pk)
                new_bylines += [
                    {"article_id": article.pk, "author_id": author_id,
                     "position": position}
                    for position, author_id in enumerate(post.author_ids)
                ]  # fmt: skip
            if created or tags[article.pk] != post.tag_ids:
                if not created:
                    tags_changed.append(article.pk)
                new_tags += [
                    {"article_id": article.pk, "tag_id": tag_id}
                    for tag_id in post.tag_ids
                ]
        if bylines_changed:
            ArticleAuthor.objects.filter(article_id__in=bylines_changed).delete()
        if tags_changed:
            through.objects.filter(article_id__in=tags_changed).delete()
        insert_rows(ArticleAuthor, new_bylines)
        insert_rows(through, new_tags)
        return {*bylines_changed, *tags_changed}

    def note_pending_images(self, article: Article, item: WpItem, outcome: str) -> None:
        """Remember, by id, an article whose images need the final pass."""
        thumbnail = item.postmeta.get("_thumbnail_id", "").strip()
        if thumbnail.isdigit():
            self.images_pending.append((article.pk, int(thumbnail), outcome))
        if PLACEHOLDER in article.body_source:
            self.galleries_pending.append(article.pk)

    def item_date(self, item: WpItem) -> datetime | None:
        """Return when an item was published: GMT date, else local in TIME_ZONE."""
        if item.post_date_gmt is not None:
            return item.post_date_gmt
        if item.post_date is not None:
            return timezone.make_aware(item.post_date)
        return None

    # --- Comments ---

    def add_comments(self, posts: list[PendingPost]) -> None:
        """Save the comments of a batch of saved posts, with their threading.

        A new article's comments are all new: their mappings, if an earlier
        import left any, point at comments deleted with that article.
        """
        threads = []
        for post in posts:
            comments = [c for c in post.item.comments if c.type not in PINGS]
            self.report.skip(
                "comment",
                "pingback or trackback",
                len(post.item.comments) - len(comments),
            )
            if comments:
                created = post.outcome == "created"
                threads.append(Thread(post.article, comments, created))
        keys = [
            str(comment.id)
            for thread in threads
            if not thread.article_created
            for comment in thread.comments
        ]
        mapped = self.mapped_ids(Kind.COMMENT, keys) if keys else {}
        existing = Comment.objects.in_bulk(list(mapped.values())) if mapped else {}
        for thread in threads:
            for comment in thread.comments:
                obj = None
                if not thread.article_created:
                    obj = existing.get(mapped.get(str(comment.id)))
                values = self.comment_values(thread.article, comment)
                if obj is None:
                    email = comment.author_email
                    values["article_id"] = thread.article.pk
                    values["email_encrypted"] = (
                        self.encrypt_email(email) if email else ""
                    )
                    obj = NewComment(values)
                    thread.created.append(comment.id)
                elif self.update_comment(obj, values, comment.author_email):
                    thread.changed.add(comment.id)
                thread.saved[comment.id] = obj
        self.create_in_waves(threads)
        self.remember_many(
            Kind.COMMENT,
            [
                (str(wp_id), thread.saved[wp_id].pk)
                for thread in threads
                for wp_id in thread.created
            ],
        )
        changed = []
        for thread in threads:
            thread.changed |= self.thread_comments(thread.comments, thread.saved)
            for wp_id in thread.changed:
                obj = thread.saved[wp_id]
                if isinstance(obj, NewComment):  # in a loop of replies
                    obj = obj.as_comment()
                obj.modified_at = self.started
                changed.append(obj)
            created = len(thread.created)
            updated = len(thread.changed - set(thread.created))
            self.report.count("comment", "created", created)
            self.report.count("comment", "updated", updated)
            self.report.count(
                "comment", "unchanged", len(thread.saved) - created - updated
            )
        if changed:
            Comment.objects.bulk_update(changed, COMMENT_FIELDS)

    def comment_values(self, article: Article, comment: WpComment) -> dict:
        """Return the fields of a comment; no IP address, no email in clear.

        The encrypted email is left to the caller: it is needed only for a new
        comment, or one whose email changed.
        """
        email = comment.author_email
        if comment.date_gmt is not None:
            created_at = comment.date_gmt
        elif comment.date is not None:
            created_at = timezone.make_aware(comment.date)
        else:
            created_at = article.published_at or self.started
        body, body_html = comment_markup(comment.content)
        url = comment.author_url
        return {
            "author_name": (comment.author or "Anonymous")[:100],
            "author_url": url if url.startswith(("http://", "https://"))
            and len(url) <= 200 else "",
            "email_digest": self.email_digest(email) if email else "",
            "avatar_digest": self.avatar_digest(email or comment.author),
            "body": body,
            "body_html": body_html,
            "status": COMMENT_STATUSES.get(comment.approved, Comment.Status.PENDING),
            "created_at": created_at,
        }  # fmt: skip

    def update_comment(self, obj: Comment, values: dict, email: str) -> bool:
        """Set changed values on `obj`; return whether any changed.

        The encrypted email differs at every encryption, so it is replaced
        only when the email's digest changed.
        """
        if obj.email_digest != values["email_digest"]:
            obj.email_encrypted = self.encrypt_email(email) if email else ""
        changed = False
        for name, value in values.items():
            if getattr(obj, name) != value:
                setattr(obj, name, value)
                changed = True
        return changed

    @staticmethod
    def create_in_waves(threads: list[Thread]) -> None:
        """Insert new comments, parents before replies, each reply linked.

        Each wave inserts, for every thread of the batch at once, the comments
        whose parent has an id already (or is not in the export), so threads
        need no updates afterwards.
        """
        waiting = [(thread, wp_id) for thread in threads for wp_id in thread.created]
        while waiting:
            ready = [
                (thread, wp_id)
                for thread, wp_id in waiting
                if (parent := thread.parent(wp_id)) is None or parent.pk is not None
            ] or waiting  # loops of replies: insert the rest as they are
            wave = []
            for thread, wp_id in ready:
                parent = thread.parent(wp_id)
                new = thread.saved[wp_id]
                new.parent_id = parent.pk if parent is not None else None
                wave.append(new)
            ids = insert_rows(
                Comment,
                [new.row | {"parent_id": new.parent_id} for new in wave],
                return_ids=True,
            )
            for new, pk in zip(wave, ids, strict=True):
                new.pk = pk
            waiting = [(t, w) for t, w in waiting if t.saved[w].pk is None]

    def thread_comments(
        self, comments: list[WpComment], saved: dict[int, Comment]
    ) -> set[int]:
        """Link comments to their parents; return the ids of comments changed.

        A reply whose parent is not in the export becomes a top-level comment,
        and is reported.
        """
        changed = set()
        for comment in comments:
            parent = saved.get(comment.parent) if comment.parent else None
            if comment.parent and parent is None:
                self.report.orphaned_comments.append(comment.id)
            obj = saved[comment.id]
            parent_id = parent.pk if parent is not None else None
            if obj.parent_id != parent_id:
                obj.parent_id = parent_id
                changed.add(comment.id)
        return changed

    # --- Attachments ---

    def copy_upload(self, attached_file: str) -> str:
        """Copy `uploads/attached_file` into the media storage; return its name.

        Return "" when there is no uploads folder, or the file is not in it
        (or would be outside it). A file copied by an earlier import is reused;
        a dry run copies nothing.
        """
        if self.uploads is None or not attached_file:
            return ""
        source = (self.uploads / attached_file).resolve()
        if not source.is_relative_to(self.uploads) or not source.is_file():
            return ""
        name = f"wordpress/{source.relative_to(self.uploads).as_posix()}"
        if self.dry_run or default_storage.exists(name):
            return name
        with source.open("rb") as file:
            name = default_storage.save(name, File(file))
        self.copied.append(name)
        return name

    def attachment_url(self, wp_id: int) -> str:
        """Return the URL of an attachment read now or imported before, or ""."""
        if wp_id in self.attachments:
            return self.attachments[wp_id].url
        return (
            Imported.objects.filter(kind=Kind.ATTACHMENT, wp_id=str(wp_id))
            .values_list("url", flat=True)
            .first()
            or ""
        )

    def discard_files(self) -> None:
        """Delete the files this import copied: its transaction rolled back."""
        for name in self.copied:
            default_storage.delete(name)
        self.copied.clear()

    # --- Redirects ---

    def old_paths(self, item: WpItem, query_names: tuple[str, ...]) -> list[str]:
        """Return the old addresses of an item: its permalink and ?p=ID forms."""
        bases = dict.fromkeys(["/", f"{self.blog_path}/"])
        paths = [
            f"{base}?{name}={item.post_id}" for base in bases for name in query_names
        ]
        link = urlsplit(item.link)
        path = unquote(link.path)
        if path and path != "/" and not link.query and path not in bases:
            paths.append(path)
        return paths

    def set_redirects(self, old_paths: list[str], new_path: str) -> None:
        """Point `old_paths` at `new_path`, or remove them when it is ""."""
        self.set_redirects_many([(old_paths, new_path)])

    def set_redirects_many(self, moves: list[tuple[list[str], str]]) -> None:
        """Apply (old_paths, new_path) pairs as `set_redirects` would, in order.

        The last word on a path wins, as it would one pair at a time; each
        path is written once, in one delete and one upsert for them all.
        """
        final: dict[str, str] = {}
        for old_paths, new_path in moves:
            for path in old_paths:
                if path != new_path:
                    final[path[:1000] if new_path else path] = new_path
        gone = [path for path, new_path in final.items() if not new_path]
        for start in range(0, len(gone), IN_CHUNK):
            Redirect.objects.filter(
                old_path__in=gone[start : start + IN_CHUNK]
            ).delete()
        insert_rows(
            Redirect,
            [{"old_path": path, "new_path": new} for path, new in final.items() if new],
            unique_fields=["old_path"],
            update_fields=["new_path"],
        )

    # --- The final pass ---

    def finish(self) -> None:
        """Save the last posts; link late parents and images, redirect, recount."""
        self.save_posts()
        self.link_late_parents()
        self.fill_galleries()
        self.fill_featured_images()
        self.redirect_attachments()
        articles_recount(article_ids=self.article_ids)
        self.report.redirects = Redirect.objects.count()

    def link_late_parents(self) -> None:
        """Give sections the parents that came after them in the export."""
        for section_id, parent in self.parents_pending:
            parent_id = self.section_id_if_known(parent)
            if parent_id is None:
                self.report.notes[f"category parent “{parent}” not in the export"] += 1
            else:
                Section.objects.filter(pk=section_id).update(parent_id=parent_id)

    def fill_galleries(self) -> None:
        """Put the URLs of attachments read late into the galleries that show them."""
        for article in Article.objects.filter(pk__in=self.galleries_pending):
            article.body_source = PLACEHOLDER_IMAGE.sub(
                self.gallery_image, article.body_source
            )
            article.save()

    def gallery_image(self, match: re.Match) -> str:
        """Return the image for a gallery placeholder, or "" if it never came."""
        url = self.attachment_url(int(match[1]))
        if not url:
            self.report.missing(f"attachment {match[1]} (in a gallery)")
            return ""
        return f'<img src="{html.escape(url)}" alt="">'

    def fill_featured_images(self) -> None:
        """Set each article's lead image from its featured attachment.

        Articles are read a batch at a time, one query for each batch.
        """
        for start in range(0, len(self.images_pending), POST_BATCH):
            pending = self.images_pending[start : start + POST_BATCH]
            articles = Article.objects.in_bulk(
                [article_id for article_id, *_ in pending]
            )
            for article_id, wp_id, outcome in pending:
                self.fill_featured_image(articles[article_id], wp_id, outcome)

    def fill_featured_image(self, article: Article, wp_id: int, outcome: str) -> None:
        """Set an article's lead image from attachment `wp_id`, if it changed."""
        attachment = self.attachments.get(wp_id) or self.earlier_attachment(wp_id)
        if attachment is None:
            self.report.missing(f"attachment {wp_id} (a featured image)")
            return
        if not attachment.name:
            return  # listed as missing when it was read
        wanted = {
            "image": attachment.name,
            "image_alt": attachment.alt,
            "image_caption": attachment.caption,
        }
        changed = [name for name, v in wanted.items() if getattr(article, name) != v]
        if changed:
            for name in changed:
                setattr(article, name, wanted[name])
            article.save()
            if outcome == "unchanged":
                self.report.recount("post", "unchanged", "updated")

    def earlier_attachment(self, wp_id: int) -> Attachment | None:
        """Return an attachment an earlier import copied, known by its URL only."""
        url = self.attachment_url(wp_id)
        if not url:
            return None
        media = settings.MEDIA_URL
        name = unquote(url.removeprefix(media)) if url.startswith(media) else ""
        return Attachment(url, name, "", "", 0, ())

    def redirect_attachments(self) -> None:
        """Send attachment pages to their post, or else to the file itself."""
        for attachment in self.attachments.values():
            target = self.published_path(attachment.parent) or attachment.url
            self.set_redirects(list(attachment.old_paths), target)

    def published_path(self, wp_id: int) -> str:
        """Return the address of a published post or page imported as `wp_id`."""
        if not wp_id:
            return ""
        article_id = self.mapped_id(Kind.POST, str(wp_id))
        article = Article.objects.filter(pk=article_id).first() if article_id else None
        if article is not None:
            return article.get_absolute_url() if article.status == "published" else ""
        page_id = self.mapped_id(Kind.PAGE, str(wp_id))
        page = Page.objects.filter(pk=page_id).first() if page_id else None
        return page.get_absolute_url() if page and page.is_published else ""


# --- Text ---


def plain_summary(markup: str, limit: int) -> str:
    """Return HTML `markup` as one line of plain text, cut at `limit` characters."""
    text = body_text(markup)
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


@lru_cache(maxsize=1024)
def comment_markup(content: str) -> tuple[str, str]:
    """Return a comment's plain text and its HTML, once per distinct content.

    The HTML is what `Comment.save` would make, which `bulk_create` skips.
    Short comments ("Thank you!") come back again and again.
    """
    body = comment_text(content)
    return body, plain_text_to_html(body)


def comment_text(content: str) -> str:
    """Return a comment's HTML as the plain text Masthead keeps.

    Line breaks and paragraphs stay; a link whose text is not its address
    keeps the address after the text, in brackets.
    """

    def link_text(match: re.Match) -> str:
        href, text = html.unescape(match[1]), TAG.sub("", match[2])
        return text if html.unescape(text) == href else f"{text} ({href})"

    text = LINK.sub(link_text, content.replace("\r\n", "\n"))
    text = PARAGRAPH_END.sub("\n\n", LINE_BREAK_TAG.sub("\n", text))
    return html.unescape(TAG.sub("", text)).strip()


def item_slug(
    model: type[models.Model], item: WpItem, prefix: str, max_length: int
) -> str:
    """Return a free slug for a post or page: its post_name, title, or PREFIX-ID."""
    return unique_slug(model, *slug_text(item, prefix), max_length)


def slug_text(item: WpItem, prefix: str) -> tuple[str, str]:
    """Return what an item's slug is made from, and the fallback "PREFIX-ID"."""
    return item.post_name or item.title, f"{prefix}-{item.post_id}"


def digest_slug(prefix: str, text: str) -> str:
    """Return "prefix-" and a short digest of `text`: a slug for non-Latin names."""
    return f"{prefix}-{hashlib.blake2b(text.encode(), digest_size=4).hexdigest()}"


def unique_slug(
    model: type[models.Model], text: str, fallback: str, max_length: int = 100
) -> str:
    """Return a slug made from `text` (maybe %-encoded) that `model` has not used.

    Text with no Latin letters or digits gives no slug: `fallback` is used
    instead. A slug already taken gets "-2", "-3"…
    """
    return free_slugs(model, [(text, fallback)], max_length)[0]


def free_slugs(
    model: type[models.Model], wanted: list[tuple[str, str]], max_length: int = 100
) -> list[str]:
    """Return a slug for each (text, fallback) of `wanted`, as `unique_slug` would.

    The slugs differ from one another as well as from those `model` has. One
    query checks them all; only a slug found taken costs one more per suffix.
    """
    bases = [
        slugify(unquote(text))[:max_length].strip("-") or fallback
        for text, fallback in wanted
    ]
    taken = dict.fromkeys(bases, False)  # slug → taken; absent: not asked yet
    taken.update(
        (slug, True)
        for slug in model.objects.filter(slug__in=bases).values_list("slug", flat=True)
    )
    slugs = []
    for base in bases:
        candidate, number = base, 2
        while taken.get(candidate) or (
            candidate not in taken and model.objects.filter(slug=candidate).exists()
        ):
            taken[candidate] = True
            suffix = f"-{number}"
            candidate = f"{base[: max_length - len(suffix)]}{suffix}"
            number += 1
        taken[candidate] = True
        slugs.append(candidate)
    return slugs
