"""Import a WordPress export (WXR) into Masthead, in one transaction.

`wordpress_import` reads the export once, as a stream: authors, categories and
tags come first in a WXR file and are saved as they come; each item (post, page,
attachment) is saved with its comments as soon as it is read. Posts may name a
featured image or gallery whose attachment comes later in the file, so only the
ids of those posts are kept, and a final pass fills the images in.

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
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
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

    # --- Records ---

    def add(self, record: Site | WpAuthor | WpCategory | WpTag | WpItem) -> None:
        """Save one record read from the export."""
        if isinstance(record, Site):
            self.add_site(record)
        elif isinstance(record, WpAuthor):
            self.add_author(record)
        elif isinstance(record, WpCategory):
            self.add_category(record)
        elif isinstance(record, WpTag):
            self.add_tag(record)
        elif record.post_type == "post":
            self.add_post(record)
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
        """Save a post as an article, with its bylines, tags, comments, redirects."""
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
        article, outcome = self.sync(
            Kind.POST,
            str(item.post_id),
            Article,
            fields,
            create=lambda: create | {"slug": item_slug(Article, item, "post", 200)},
        )
        if self.sync_relations(article, item, created=outcome == "created"):
            outcome = "updated" if outcome == "unchanged" else outcome
        self.report.count("post", outcome)
        self.article_ids.append(article.pk)
        self.note_pending_images(article, item, outcome)
        self.add_comments(article, item, article_created=outcome == "created")
        new_path = article.get_absolute_url() if article.status == "published" else ""
        self.set_redirects(self.old_paths(item, ("p",)), new_path)

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
        changed = [
            name for name, value in fields.items() if getattr(obj, name) != value
        ]
        if not changed:
            return obj, "unchanged"
        for name in changed:
            setattr(obj, name, fields[name])
        obj.save()
        return obj, "updated"

    def mapped_id(self, kind: str, wp_id: str) -> int | None:
        """Return the id of the object (kind, wp_id) was imported as, if any."""
        return (
            Imported.objects.filter(kind=kind, wp_id=wp_id)
            .values_list("object_id", flat=True)
            .first()
        )

    def remember(self, kind: str, wp_id: str, object_id: int, **extra: str) -> None:
        """Map (kind, wp_id) to `object_id`, replacing an older mapping."""
        Imported.objects.bulk_create(
            [Imported(kind=kind, wp_id=wp_id, object_id=object_id, **extra)],
            update_conflicts=True,
            unique_fields=["kind", "wp_id"],
            update_fields=["object_id", *extra],
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

    def sync_relations(self, article: Article, item: WpItem, *, created: bool) -> bool:
        """Set the article's byline and tags; return whether they changed."""
        author_ids = [self.author_for(item.creator)]
        tag_ids = {
            self.tag_for(slug, name)
            for taxonomy, slug, name in item.categories
            if taxonomy == "post_tag" and slug
        }
        changed = False
        current = [] if created else list(
            article.bylines.order_by("position", "pk").values_list(
                "author_id", flat=True
            )
        )  # fmt: skip
        if current != author_ids:
            if not created:  # a new article has no byline to remove
                article.bylines.all().delete()
            ArticleAuthor.objects.bulk_create(
                ArticleAuthor(article=article, author_id=author_id, position=position)
                for position, author_id in enumerate(author_ids)
            )
            changed = True
        current_tags = set() if created else set(
            article.tags.values_list("pk", flat=True)
        )  # fmt: skip
        if created:  # nothing to compare with: insert the links at once
            through = Article.tags.through
            through.objects.bulk_create(
                through(article_id=article.pk, tag_id=tag_id) for tag_id in tag_ids
            )
        elif current_tags != tag_ids:
            article.tags.set(tag_ids)
            changed = True
        return changed and not created

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

    def add_comments(
        self, article: Article, item: WpItem, *, article_created: bool = False
    ) -> None:
        """Save a post's comments with their threading, a few queries per post.

        A new article's comments are all new: their mappings, if an earlier
        import left any, point at comments deleted with that article.
        """
        comments = [c for c in item.comments if c.type not in PINGS]
        self.report.skip(
            "comment", "pingback or trackback", len(item.comments) - len(comments)
        )
        if not comments:
            return
        keys = [str(comment.id) for comment in comments]
        mapped = {} if article_created else dict(
            Imported.objects.filter(kind=Kind.COMMENT, wp_id__in=keys).values_list(
                "wp_id", "object_id"
            )
        )  # fmt: skip
        existing = Comment.objects.in_bulk(list(mapped.values())) if mapped else {}
        saved: dict[int, Comment] = {}
        created, changed = [], set()
        for comment in comments:
            obj = existing.get(mapped.get(str(comment.id)))
            values = self.comment_values(article, comment)
            if obj is None:
                obj = Comment(article=article, **values)
                created.append(comment.id)
            elif self.update_comment(obj, values):
                changed.add(comment.id)
            saved[comment.id] = obj
        self.create_in_waves(comments, saved, created)
        Imported.objects.bulk_create(
            [Imported(kind=Kind.COMMENT, wp_id=str(i), object_id=saved[i].pk)
             for i in created],
            update_conflicts=True,
            unique_fields=["kind", "wp_id"],
            update_fields=["object_id"],
        )  # fmt: skip
        changed |= self.thread_comments(comments, saved)
        for wp_id in changed:
            saved[wp_id].modified_at = self.started
        if changed:
            Comment.objects.bulk_update([saved[i] for i in changed], COMMENT_FIELDS)
        self.report.count("comment", "created", len(created))
        updated = len(changed - set(created))
        self.report.count("comment", "updated", updated)
        self.report.count("comment", "unchanged", len(saved) - len(created) - updated)

    def comment_values(self, article: Article, comment: WpComment) -> dict:
        """Return the fields of a comment; no IP address, the email encrypted."""
        email = comment.author_email
        if comment.date_gmt is not None:
            created_at = comment.date_gmt
        elif comment.date is not None:
            created_at = timezone.make_aware(comment.date)
        else:
            created_at = article.published_at or self.started
        body = comment_text(comment.content)
        url = comment.author_url
        return {
            "author_name": (comment.author or "Anonymous")[:100],
            "author_url": url if url.startswith(("http://", "https://"))
            and len(url) <= 200 else "",
            "email_digest": privacy.email_digest(email) if email else "",
            "avatar_digest": privacy.avatar_digest(email or comment.author),
            "body": body,
            "body_html": plain_text_to_html(body),
            "status": COMMENT_STATUSES.get(comment.approved, Comment.Status.PENDING),
            "created_at": created_at,
            "email_encrypted": privacy.encrypt_email(email) if email else "",
        }  # fmt: skip

    @staticmethod
    def update_comment(obj: Comment, values: dict) -> bool:
        """Set changed values on `obj`; return whether any changed.

        The encrypted email differs at every encryption, so it is replaced
        only when the email's digest changed.
        """
        if obj.email_digest != values["email_digest"]:
            obj.email_encrypted = values["email_encrypted"]
        changed = False
        for name, value in values.items():
            if name != "email_encrypted" and getattr(obj, name) != value:
                setattr(obj, name, value)
                changed = True
        return changed

    @staticmethod
    def create_in_waves(
        comments: list[WpComment], saved: dict[int, Comment], created: list[int]
    ) -> None:
        """Insert new comments, parents before replies, each reply linked.

        Each wave inserts the comments whose parent has an id already (or is
        not in the export), so threads need no updates afterwards.
        """
        parents = {comment.id: comment.parent for comment in comments}
        waiting = list(created)
        while waiting:
            ready = [
                wp_id
                for wp_id in waiting
                if parents[wp_id] not in saved or saved[parents[wp_id]].pk is not None
            ] or waiting  # a loop of replies: insert the rest as they are
            for wp_id in ready:
                parent = saved.get(parents[wp_id])
                saved[wp_id].parent_id = parent.pk if parent is not None else None
            Comment.objects.bulk_create([saved[wp_id] for wp_id in ready])
            waiting = [wp_id for wp_id in waiting if saved[wp_id].pk is None]

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
        old_paths = [path for path in old_paths if path != new_path]
        if not new_path:
            Redirect.objects.filter(old_path__in=old_paths).delete()
            return
        Redirect.objects.bulk_create(
            [Redirect(old_path=path[:1000], new_path=new_path) for path in old_paths],
            update_conflicts=True,
            unique_fields=["old_path"],
            update_fields=["new_path"],
        )

    # --- The final pass ---

    def finish(self) -> None:
        """Link late parents and images, redirect attachments, recount comments."""
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
        """Set each article's lead image from its featured attachment."""
        for article_id, wp_id, outcome in self.images_pending:
            attachment = self.attachments.get(wp_id) or self.earlier_attachment(wp_id)
            if attachment is None:
                self.report.missing(f"attachment {wp_id} (a featured image)")
                continue
            if not attachment.name:
                continue  # listed as missing when it was read
            article = Article.objects.get(pk=article_id)
            wanted = {
                "image": attachment.name,
                "image_alt": attachment.alt,
                "image_caption": attachment.caption,
            }
            changed = [
                name for name, v in wanted.items() if getattr(article, name) != v
            ]
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
    return unique_slug(
        model, item.post_name or item.title, f"{prefix}-{item.post_id}", max_length
    )


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
    base = slugify(unquote(text))[:max_length].strip("-") or fallback
    candidate, number = base, 2
    while model.objects.filter(slug=candidate).exists():
        suffix = f"-{number}"
        candidate = f"{base[: max_length - len(suffix)]}{suffix}"
        number += 1
    return candidate
