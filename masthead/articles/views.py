"""Reader pages for articles: home, article, section and tag listings."""

from datetime import datetime

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from masthead.articles.models import Article, Section, Tag, load_bylines
from masthead.memo import per_generation
from masthead.pagination import LISTED, paginate
from masthead.prepared import Prepared


def home(request, page=1):
    """Show the lead article, then the latest ones, newest first."""

    def articles():
        return Article.objects.published().for_listing().newest_first()

    lead_id = per_generation("lead", lambda: lead_of(articles()))
    found = LISTED(ids=[lead_id], now=timezone.now()) if page == 1 and lead_id else []
    lead = load_bylines(found)[0] if found else None

    def rest():
        return articles().exclude(pk=lead_id) if lead_id else articles()

    return render(
        request,
        "articles/home.html",
        {"lead": lead, "page_obj": paginate(request, rest, page, listing="home")},
    )


# The page's main read, compiled once (masthead.prepared).
PUBLISHED_BY_SLUG = Prepared(
    lambda slug, now: (
        Article.objects.published(now).select_related("section").filter(slug=slug)
    ),
    slug=str,
    now=datetime,
)
SECTION_BY_SLUG = Prepared(lambda slug: Section.objects.filter(slug=slug), slug=str)
TAG_BY_SLUG = Prepared(lambda slug: Tag.objects.filter(slug=slug), slug=str)


def lead_of(articles) -> int | None:
    """Return the id of the newest article marked as lead, or else the newest."""
    # Each of the two queries reads one index in order (a sort on is_lead
    # would not).
    ids = articles.values_list("pk", flat=True)
    return ids.filter(is_lead=True).first() or ids.first()


def article_detail(request, year, month, day, slug):
    """Show a published article; an old or mistyped date redirects to its address."""
    article = PUBLISHED_BY_SLUG.one_or_404(slug=slug, now=timezone.now())
    if request.path != article.get_absolute_url():
        return redirect(article, permanent=True)
    return render_article(request, article)


@staff_member_required
def article_preview(request, pk):
    """Show any article, draft or scheduled, as readers will see it (staff only)."""
    article = get_object_or_404(Article.objects.select_related("section"), pk=pk)
    return render_article(request, article, is_preview=True)


def render_article(request, article, *, is_preview=False, extra=None, status=200):
    """Render the article page; `extra` adds context (the comment form as typed)."""
    count = settings.MASTHEAD_ARTICLES_LATEST_COUNT
    latest = [other for other in latest_articles(count + 1) if other.pk != article.pk]
    context = {"article": article, "latest": latest[:count], "is_preview": is_preview}
    return render(
        request, "articles/article_detail.html", context | (extra or {}), status=status
    )


def latest_articles(count: int) -> list[Article]:
    """Return the newest `count` articles, read once per content generation."""

    def newest() -> list[Article]:
        return list(
            Article.objects.published()
            .select_related("section")
            .only("headline", "slug", "published_at", "section__name", "section__slug")
            .newest_first()[:count]
        )

    return per_generation(f"latest:{count}", newest)


def section_detail(request, slug, page=1):
    """List a section's articles, newest first."""
    section = SECTION_BY_SLUG.one_or_404(slug=slug)

    def articles():
        return section.articles.published().for_listing().newest_first()

    context = {
        "section": section,
        "current_section": section,
        "page_obj": paginate(request, articles, page, listing=f"section:{section.pk}"),
    }
    return render(request, "articles/section_detail.html", context)


def tag_detail(request, slug, page=1):
    """List the articles filed under a tag, newest first."""
    tag = TAG_BY_SLUG.one_or_404(slug=slug)

    def articles():
        return tag.articles.published().for_listing().newest_first()

    context = {
        "tag": tag,
        "page_obj": paginate(request, articles, page, listing=f"tag:{tag.pk}"),
    }
    return render(request, "articles/tag_detail.html", context)
