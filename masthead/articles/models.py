"""Articles and how they are filed: sections, tags and ordered bylines."""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from masthead.authors.models import Author
from masthead.prepared import Prepared
from masthead.scriptprefix import script_prefix
from masthead.templating import site_zone
from masthead.text import markup, readtime


def comments_cutoff():
    """Return the oldest publication time still open for comments, or None.

    MASTHEAD_COMMENTS_CLOSE_AFTER_DAYS closes comments that many days after
    publication; 0 keeps them open.
    """
    if days := settings.MASTHEAD_COMMENTS_CLOSE_AFTER_DAYS:
        return timezone.now() - datetime.timedelta(days=days)
    return None


def article_path(slug: str, published_at: datetime.datetime) -> str:
    """Return an article's address: /YYYY/MM/DD/slug/, dated in the site's time zone.

    Formatted, not reversed: listings, feeds and sitemaps call this for every
    article they show (50,000 in a sitemap file). The pattern is
    masthead/articles/urls.py's "detail"; a test checks both agree.
    """
    day = published_at.astimezone(site_zone())
    # Each part formatted, not strftime: 1.6 µs against 4.6, 50,000 times a
    # sitemap file.
    date = f"{day.year:04d}/{day.month:02d}/{day.day:02d}"
    return f"{script_prefix()}{date}/{slug}/"


class SourceFormat(models.TextChoices):
    MARKDOWN = "markdown", _("Markdown")
    HTML = "html", _("HTML")


class Section(models.Model):
    """A part of the paper (World, Culture); an article belongs to one."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent section"),
    )
    position = models.PositiveSmallIntegerField(_("position in the menu"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        # Formatted, not reversed, as article_path: every card of a listing
        # links its section. A test checks it against the URLconf.
        return f"{script_prefix()}section/{self.slug}/"


class Tag(models.Model):
    """A topic that cuts across sections (a person, a place, a story)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"{script_prefix()}tag/{self.slug}/"  # as Section's


class ArticleQuerySet(models.QuerySet):
    def published(self, now: datetime.datetime | None = None):
        """Articles readers may see: published, and their time (or `now`) has come.

        Scheduling needs no job: an article dated in the future is simply
        filtered out until that moment passes.
        """
        return self.filter(readable(now=now))

    def for_listing(self):
        """Sections, without the bodies that listings never show.

        A listing's bylines are read for its page's articles, once the page
        is sliced (`load_bylines`).
        """
        return self.select_related("section").defer("body_source", "body_html")

    def open_for_comments(self):
        """Articles taking comments: open, and recent enough if comments close."""
        articles = self.filter(comments_open=True)
        if cutoff := comments_cutoff():
            articles = articles.filter(published_at__gte=cutoff)
        return articles

    def newest_first(self):
        return self.order_by("-published_at", "-pk")


class Article(models.Model):
    """A news story: what readers come for."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    headline = models.CharField(_("headline"), max_length=300)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        help_text=_("The last part of the article's address."),
    )
    section = models.ForeignKey(
        Section,
        on_delete=models.PROTECT,
        related_name="articles",
        verbose_name=_("section"),
    )
    authors = models.ManyToManyField(
        Author,
        through="ArticleAuthor",
        related_name="articles",
        verbose_name=_("authors"),
    )
    tags = models.ManyToManyField(
        Tag, blank=True, related_name="articles", verbose_name=_("tags")
    )
    standfirst = models.TextField(
        _("standfirst"),
        max_length=600,
        blank=True,
        help_text=_("One or two sentences under the headline."),
    )
    body_source = models.TextField(_("body"), blank=True)
    source_format = models.CharField(
        _("body format"),
        max_length=10,
        choices=SourceFormat,
        default=SourceFormat.MARKDOWN,
        help_text=_("Imported articles keep their HTML; new ones use Markdown."),
    )
    body_html = models.TextField(editable=False, blank=True)
    image = models.ImageField(_("lead image"), upload_to="articles/%Y/%m/", blank=True)
    image_alt = models.CharField(
        _("lead image description"),
        max_length=300,
        blank=True,
        help_text=_("What the image shows, for readers who cannot see it."),
    )
    image_caption = models.CharField(
        _("lead image caption"), max_length=300, blank=True
    )
    image_credit = models.CharField(_("lead image credit"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publication time"),
        null=True,
        blank=True,
        help_text=_("A time in the future schedules the article."),
    )
    updated_at = models.DateTimeField(
        _("updated"),
        null=True,
        blank=True,
        help_text=_("Shown as “Updated …”; set when a published article is edited."),
    )
    is_lead = models.BooleanField(
        _("lead article"),
        default=False,
        help_text=_("Pinned at the top of the home page while it is the newest lead."),
    )
    comments_open = models.BooleanField(_("comments open"), default=True)
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    read_time_seconds = models.PositiveIntegerField(default=0, editable=False)
    word_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        # Every listing sorts newest first with the id as tie-breaker: the
        # indexes end in both, so "the latest N" is read in index order, with
        # no sort of the whole table.
        indexes = [
            models.Index(
                fields=["status", "-published_at", "-id"], name="article_listing"
            ),
            models.Index(
                fields=["section", "status", "-published_at", "-id"],
                name="article_section_listing",
            ),
            models.Index(
                fields=["-published_at", "-id"],
                condition=models.Q(is_lead=True),
                name="article_lead",
            ),
            # The newsroom's desk: every article, drafts included, newest first
            # (articles/admin.py), and its years of publication.
            models.Index(fields=["-published_at", "-id"], name="article_desk"),
            # The newest change, for the feeds' Last-Modified (feeds/conditional.py).
            models.Index(fields=["modified_at"], name="article_modified"),
            # The newest edit, for the sitemap index's dates (seo/sitemaps.py).
            models.Index(
                fields=["status", "-updated_at"],
                condition=models.Q(updated_at__isnull=False),
                name="article_updated",
            ),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.fill_derived()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        if self.published_at is None:
            return self.get_preview_url()
        return article_path(self.slug, self.published_at)

    def fill_derived(self) -> None:
        """Fill what is computed from the rest: slug if empty, HTML, read time.

        `save()` calls it; code that inserts with `bulk_create` calls it first.
        """
        if not self.slug:
            # The admin fills it from the headline; code and imports may not.
            # A headline with no Latin letters gets a slug from the clock.
            self.slug = slugify(self.headline)[:180].strip("-") or (
                f"article-{timezone.now():%Y%m%d%H%M%S%f}"
            )
        self.body_html = markup.render_body(
            self.body_source, source_format=self.source_format
        )
        text = f"{self.headline}\n{markup.body_text(self.body_html)}"
        words, cjk_characters = readtime.count_words(text)
        self.word_count = words + cjk_characters
        self.read_time_seconds = readtime.read_time_seconds(
            text,
            image_count=markup.image_count(self.body_html) + bool(self.image),
            words_per_minute=settings.MASTHEAD_TEXT_WORDS_PER_MINUTE,
            cjk_characters_per_minute=settings.MASTHEAD_TEXT_CJK_CHARACTERS_PER_MINUTE,
        )

    def get_preview_url(self):
        return reverse("articles:preview", kwargs={"pk": self.pk})

    @property
    def is_live(self) -> bool:
        """Return whether readers can see the article now."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def is_open_for_comments(self) -> bool:
        """Return whether readers may comment now (see `open_for_comments`)."""
        cutoff = comments_cutoff()
        return self.comments_open and (
            cutoff is None
            or (self.published_at is not None and self.published_at >= cutoff)
        )

    @cached_property
    def byline(self) -> list[Author]:
        """Return the authors in byline order.

        Read here in one query, unless `load_bylines()` read them for a page of
        articles at once, or a queryset prefetched "bylines" (the admin).
        """
        if "bylines" in getattr(self, "_prefetched_objects_cache", {}):
            return [article_author.author for article_author in self.bylines.all()]
        load_bylines([self])
        return self.__dict__["byline"]

    @cached_property
    def tag_list(self) -> list["Tag"]:
        """Return the article's tags, read once for the page and its metadata."""
        if "tags" in getattr(self, "_prefetched_objects_cache", {}):
            return list(self.tags.all())
        return TAGS_OF(article=self.pk)

    @property
    def read_time_display(self) -> str:
        return readtime.format_read_time(self.read_time_seconds)


def load_bylines(articles: list[Article]) -> list[Article]:
    """Set the `byline` of each of `articles` (saved ones), in one query.

    Done by hand rather than with prefetch_related: its machinery cost more
    than the query, 1.4 ms of a 3 ms article read.
    """
    bylines = {article.pk: [] for article in articles}
    for author in AUTHORS_OF(articles=list(bylines)):
        bylines[author.article_id].append(author)
    for article in articles:
        article.__dict__["byline"] = bylines[article.pk]
    return articles


AUTHORS_OF = Prepared(
    lambda articles: (
        Author.objects.filter(bylines__article_id__in=articles)
        .annotate(article_id=models.F("bylines__article_id"))
        .order_by("bylines__position", "bylines__pk")
    ),
    articles=list[int],
)
TAGS_OF = Prepared(lambda article: Tag.objects.filter(articles=article), article=int)


class ArticleAuthor(models.Model):
    """One name in an article's byline, in its place."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="bylines"
    )
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="bylines")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("byline")
        verbose_name_plural = _("byline")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "author"], name="one_byline_per_author"
            )
        ]

    def __str__(self):
        return f"{self.author} – {self.article}"


def readable(prefix: str = "", now: datetime.datetime | None = None) -> models.Q:
    """Return the condition readers may see an article on: published, time come.

    `prefix` reaches the article through a relation ("articles__" from a
    section, tag or author), for counts and dates over listings.
    """
    moment = now or timezone.now()
    return models.Q(**{f"{prefix}status": Article.Status.PUBLISHED,
                       f"{prefix}published_at__lte": moment})  # fmt: skip
