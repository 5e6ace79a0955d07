"""Author pages: photo, bio, links and the author's articles."""

from django.shortcuts import get_object_or_404, render

from masthead.authors.models import Author
from masthead.pagination import paginate


def author_detail(request, slug, page=1):
    """Show an author's profile and their published articles, newest first."""
    author = get_object_or_404(Author.objects.prefetch_related("links"), slug=slug)
    # The reverse manager carries Article's QuerySet methods, so this app needs
    # no import from articles (imports point up the app list, never down).
    articles = author.articles.published().for_listing().newest_first()
    context = {
        "author": author,
        "page_obj": paginate(request, articles, page, listing=f"author:{author.pk}"),
    }
    return render(request, "authors/author_detail.html", context)
