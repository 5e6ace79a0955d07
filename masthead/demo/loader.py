"""Load the demo newsroom from `content/`: idempotent, keyed on slugs.

A second run creates nothing and changes nothing an editor may have edited:
whatever exists (by slug, or by name for the admin account) is left alone.
"""

import datetime
import json
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from masthead.articles.models import Article, ArticleAuthor, Section, Tag
from masthead.authors.models import Author, AuthorLink
from masthead.demo.images import picture_jpeg, portrait_jpeg
from masthead.pages.models import Page

CONTENT = Path(__file__).parent / "content"
BODY_IMAGE = re.compile(r"/media/demo/([\w-]+)\.jpg")


@dataclass
class DemoReport:
    created: dict[str, int] = field(default_factory=dict)
    existing: dict[str, int] = field(default_factory=dict)
    admin_password: str | None = None

    def count(self, kind: str, was_created: bool) -> None:
        tally = self.created if was_created else self.existing
        tally[kind] = tally.get(kind, 0) + 1


def read_article(path: Path) -> tuple[dict, str]:
    """Return the header fields and the Markdown body of a content file."""
    header, _, body = path.read_text(encoding="utf-8").partition("\n---\n")
    fields = {}
    for line in header.splitlines():
        key, _, value = line.partition(": ")
        fields[key.strip()] = value.strip()
    return fields, body.strip() + "\n"


def save_once(name: str, data_factory) -> str:
    """Save the file `name` unless it is there already; return its name."""
    if not default_storage.exists(name):
        return default_storage.save(name, ContentFile(data_factory()))
    return name


@transaction.atomic
def demo_load(*, now: datetime.datetime | None = None) -> DemoReport:
    """Create the demo's sections, authors, pages, articles and admin account."""
    now = now or timezone.now()
    report = DemoReport()
    images = {image["name"]: image for image in load_json("images.json")}

    def image_file(name: str) -> str:
        spec = {k: v for k, v in images[name].items() if k != "name"}
        return save_once(f"demo/{name}.jpg", lambda: picture_jpeg(**spec))

    sections = {}
    for data in load_json("sections.json"):
        sections[data["slug"]], created = Section.objects.get_or_create(
            slug=data["slug"],
            defaults={k: data[k] for k in ("name", "description", "position")},
        )
        report.count("sections", created)

    authors = {}
    for data in load_json("authors.json"):
        author, created = Author.objects.get_or_create(
            slug=data["slug"], defaults={"name": data["name"], "bio": data["bio"]}
        )
        if created:
            author.photo = save_once(
                f"authors/{author.slug}.jpg", lambda d=data: portrait_jpeg(**d["photo"])
            )
            author.save()
            for position, link in enumerate(data["links"]):
                AuthorLink.objects.create(author=author, position=position, **link)
        authors[data["slug"]] = author
        report.count("authors", created)

    for data in load_json("pages.json"):
        _, created = Page.objects.get_or_create(
            slug=data["slug"],
            defaults={
                "title": data["title"],
                "body_source": data["body"],
                "position": data["position"],
            },  # fmt: skip
        )
        report.count("pages", created)

    for path in sorted((CONTENT / "articles").glob("*.md")):
        fields, body = read_article(path)
        if Article.objects.filter(slug=fields["slug"]).exists():
            report.count("articles", False)
            continue
        for name in set(BODY_IMAGE.findall(body)):
            image_file(name)
        article = Article(
            headline=fields["headline"],
            slug=fields["slug"],
            section=sections[fields["section"]],
            standfirst=fields.get("standfirst", ""),
            body_source=body,
            is_lead=fields.get("lead") == "true",
            image_alt=fields.get("image_alt", ""),
            image_caption=fields.get("image_caption", ""),
            image_credit=fields.get("image_credit", ""),
            **publication(fields, now),
        )
        if "image" in fields:
            article.image = image_file(fields["image"])
        article.save()
        for position, slug in enumerate(fields["authors"].split(", ")):
            ArticleAuthor.objects.create(
                article=article, author=authors[slug], position=position
            )
        for name in fields.get("tags", "").split(", "):
            if name:
                tag, _ = Tag.objects.get_or_create(
                    name=name, defaults={"slug": slugify(name)}
                )
                article.tags.add(tag)
        report.count("articles", True)

    report.admin_password = admin_create()
    return report


def publication(fields: dict, now: datetime.datetime) -> dict:
    """Return status and times from a content file's header, relative to `now`."""
    if fields.get("status") == "draft":
        return {"status": Article.Status.DRAFT, "published_at": None}
    if "scheduled_hours_ahead" in fields:
        hours = int(fields["scheduled_hours_ahead"])
        return {
            "status": Article.Status.PUBLISHED,
            "published_at": now + datetime.timedelta(hours=hours),
        }
    times = {
        "status": Article.Status.PUBLISHED,
        "published_at": now - datetime.timedelta(hours=int(fields["hours_ago"])),
    }
    if "updated_hours_ago" in fields:
        hours = int(fields["updated_hours_ago"])
        times["updated_at"] = now - datetime.timedelta(hours=hours)
    return times


def admin_create() -> str | None:
    """Create the "admin" superuser with a new password, unless it exists."""
    users = get_user_model().objects
    if users.filter(username="admin").exists():
        return None
    password = secrets.token_urlsafe(12)
    users.create_superuser("admin", "admin@example.org", password)
    return password


def load_json(name: str):
    return json.loads((CONTENT / name).read_text(encoding="utf-8"))
